#pragma once
// What the LUN export tools (iscsi-fuse, iscsi-nbd) share: the login
// options on the command line, the session they describe, and the disk
// LUNs of the target opened as byte-addressed devices.
#include "iscsi/blockdev/lun_device.hpp"
#include "iscsi/transport/scsi_session.hpp"

#include <CLI/CLI.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace iscsi::tools {

struct login_options {
    std::string portal, target, initiator_name;
    std::string chap_user, chap_secret_file, mutual_user, mutual_secret_file;
    std::vector<unsigned> luns;
    // Seconds, as in a node record (iscsid passes the record's).
    double replacement_timeout = 120;
    double noop_out_interval = 5, noop_out_timeout = 5;
    double login_timeout = 15, logout_timeout = 15;
};

/// --portal, --target, --initiator-name, --lun, --chap-*, --mutual-*,
/// --replacement-timeout, --noop-out-interval, --noop-out-timeout,
/// --login-timeout, --logout-timeout.
void add_login_options(CLI::App& app, login_options& o);
/// Checks what CLI11 cannot (a CHAP user needs its secret file); the
/// error message, or empty.
std::string check_login_options(login_options const& o);

/// Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread it
/// starts later, so that one thread can take them with wait_for_termination();
/// ignores SIGPIPE (a write to a closed stdout pipe fails instead).
void block_termination_signals();
/// Waits for SIGINT, SIGTERM or SIGHUP; returns which.
int wait_for_termination();

/// Prints "TOOL: WHY" on stderr and exits with status 1.
[[noreturn]] void die(char const* tool, std::string const& why);

/// The session the options describe (secrets read from their files).
session::session_config session_from(char const* tool, login_options const& o);

struct opened_lun {
    std::uint64_t index = 0;
    std::unique_ptr<blockdev::lun_device> device;
};

/**
 * Logs `s` in, then opens the LUNs asked for, or every direct-access LU
 * that REPORT LUNS lists, as "lun-N" -> device. Command failures are
 * logged on stderr, once each. Exits (die) when there is nothing to export.
 */
std::map<std::string, opened_lun> log_in_and_open(char const* tool, transport::blocking_session& s, login_options const& o);

} // namespace iscsi::tools
