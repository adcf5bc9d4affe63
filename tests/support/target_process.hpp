#pragma once
// Real iSCSI targets for integration tests: tgtd (Linux SCSI target
// framework, user space) and istgt, started on loopback inside the test's
// private network namespace, configured per test and torn down afterwards.
//
//   iscsi::test::tgtd_process tgt;
//   ASSERT_TRUE(tgt.start());
//   ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2024-01.test:disk", .size_mib = 16}));
//   connect to tgt.portal() ... LUN tgtd_process::disk_lun
//
// Every call that can fail returns ::testing::AssertionResult carrying the
// failing command line and its stderr, so ASSERT_TRUE(...) shows the cause.
// start() refuses to run outside the isolation that check_isolation()
// demands (a test failure, never a skip).

#include "isolation.hpp"
#include "subprocess.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace iscsi::test {

/** One CHAP identity: CHAP_N and its secret. */
struct chap_secret {
    std::string user;
    std::string secret;
};

/**
 * What a target demands at login (RFC 7143 §12.1.3): the initiator proves
 * `initiator`; with `target` set the initiator also challenges the target
 * (mutual CHAP) and the target answers as `target`.
 */
struct chap_config {
    chap_secret initiator;
    std::optional<chap_secret> target{};
};

/** A target to create. */
struct target_config {
    std::string iqn{};
    /// Size of each backing file (sparse, in the test's temp dir). 0 means a
    /// tgt "null" LU: 1 TiB, reads return zeros, writes are discarded
    /// (protocol-only throughput); istgt does not support 0.
    std::uint32_t size_mib = 16;
    /// Number of disk LUNs (tgtd: LUN 1..n after the controller at LUN 0;
    /// istgt: LUN 0..n-1).
    std::uint32_t luns = 1;
    std::optional<chap_config> chap{};  ///< none: AuthMethod=None
};

struct portal_address {
    std::string host;
    std::uint16_t port = 0;
    [[nodiscard]] std::string to_string() const;  ///< "127.0.0.1:3260"
};

/// Login redirection status (RFC 7143 §11.13.5): 0x0101 or 0x0102.
enum class redirect_kind { temporary, permanent };

/**
 * A private tgtd. It listens on `address`:<free port> and is controlled
 * through its own control port (-C N, so /run/tgtd/socket.N is ours alone).
 * Targets get tids 1, 2, ... in the order they are added.
 */
class tgtd_process {
public:
    /// LUN 0 of every tgt target is the controller (type 0x0C); disks start at 1.
    static constexpr std::uint64_t disk_lun = 1;

    /// `address` must be a loopback address; a second instance on 127.0.0.2
    /// serves as a redirect destination (see redirect()).
    explicit tgtd_process(std::string address = "127.0.0.1");
    tgtd_process(tgtd_process const&) = delete;
    tgtd_process& operator=(tgtd_process const&) = delete;
    /// Stops tgtd if still running; a failing teardown is a test failure.
    ~tgtd_process();

    /// Checks isolation, starts tgtd, waits (bounded) until its control
    /// socket answers and its portal accepts TCP connections.
    ::testing::AssertionResult start();
    /// Creates the target, its LUNs and accounts, and allows all initiators.
    ::testing::AssertionResult add_target(target_config const& t);
    /// Demands CHAP (and optionally mutual CHAP) on discovery sessions.
    ::testing::AssertionResult set_discovery_chap(chap_config const& c);
    /**
     * Makes logins to `iqn` answer with a redirect to `to`. tgt redirects
     * only connections whose peer address differs from to.host, so point
     * `to` at another loopback address (e.g. a tgtd_process on 127.0.0.2).
     */
    ::testing::AssertionResult redirect(std::string const& iqn, portal_address const& to,
                                        redirect_kind kind);
    /// Deletes every target (--force), then the system; waits for tgtd to
    /// exit; SIGKILL by PID only if it does not. Idempotent.
    ::testing::AssertionResult stop();
    /// SIGKILL by PID, reaped: a crash (connections reset, no logout). The
    /// targets are remembered for restart().
    ::testing::AssertionResult kill();
    /// After kill(): tgtd again on the same portal with the same targets and
    /// backing files (data written survives), as after a target reboot.
    ::testing::AssertionResult restart();

    /// Runs `tgtadm -C N --lld iscsi ARGS...` against this tgtd.
    run_result tgtadm(std::vector<std::string> const& args) const;
    /// tgtadm() as an assertion: failure text has the command and its stderr.
    ::testing::AssertionResult tgtadm_ok(std::vector<std::string> const& args) const;

    [[nodiscard]] portal_address portal() const { return {address_, port_}; }
    [[nodiscard]] pid_t pid() const { return daemon_.pid(); }
    [[nodiscard]] bool running() { return daemon_.running(); }
    [[nodiscard]] std::optional<int> tid_of(std::string const& iqn) const;
    [[nodiscard]] std::filesystem::path const& dir() const { return dir_.path(); }
    [[nodiscard]] std::filesystem::path log_file() const { return dir() / "tgtd.log"; }

private:
    ::testing::AssertionResult try_start(int control_port, std::uint16_t port, bool& retry);
    ::testing::AssertionResult ensure_account(chap_secret const& s);
    ::testing::AssertionResult bind_chap(std::optional<int> tid, chap_config const& c);
    ::testing::AssertionResult add_luns(int tid, target_config const& t, bool keep_files);
    ::testing::AssertionResult create_target(target_config const& t, bool keep_files);
    /// The daemon has gone: what it held (tids, accounts) is gone with it.
    void forget_daemon();

    temp_dir dir_;  // destroyed last: the daemon is gone by then
    std::string address_;
    std::uint16_t port_ = 0;
    int control_port_ = -1;
    child_process daemon_;
    std::map<std::string, int> tids_;
    std::vector<target_config> targets_;  // in tid order, for restart()
    std::map<std::string, std::string> accounts_;  // user -> secret
    int next_tid_ = 1;
};

/** Options of an istgt instance; istgt reads its whole configuration at start. */
struct istgt_options {
    std::string address = "127.0.0.1";
    std::vector<target_config> targets{};
    std::optional<chap_config> discovery_chap{};
};

/**
 * A private istgt (FreeBSD-derived target; supports MaxConnections > 1 and
 * mutual CHAP). Its istgt.conf and auth.conf are generated in the test's temp
 * dir; no UnitControl portal is opened.
 */
class istgt_process {
public:
    /// istgt has no controller LUN: the first disk is LUN 0.
    static constexpr std::uint64_t disk_lun = 0;

    explicit istgt_process(istgt_options options);
    istgt_process(istgt_process const&) = delete;
    istgt_process& operator=(istgt_process const&) = delete;
    ~istgt_process();

    /// Checks isolation, writes the configuration, starts istgt -D, waits
    /// (bounded) until the portal accepts TCP connections.
    ::testing::AssertionResult start();
    /// SIGTERM by PID, bounded wait, SIGKILL by PID as a last resort. Idempotent.
    ::testing::AssertionResult stop();

    [[nodiscard]] portal_address portal() const { return {options_.address, port_}; }
    [[nodiscard]] pid_t pid() const { return daemon_.pid(); }
    [[nodiscard]] bool running() { return daemon_.running(); }
    [[nodiscard]] std::filesystem::path const& dir() const { return dir_.path(); }
    [[nodiscard]] std::filesystem::path config_file() const { return dir() / "istgt.conf"; }
    [[nodiscard]] std::filesystem::path log_file() const { return dir() / "istgt.log"; }

private:
    ::testing::AssertionResult write_config() const;
    ::testing::AssertionResult write_unit(std::ostream& conf, std::ostream& auth, int unit,
                                          target_config const& t) const;
    ::testing::AssertionResult try_start(bool& retry);

    temp_dir dir_;
    istgt_options options_;
    std::uint16_t port_ = 0;
    child_process daemon_;
};

namespace detail {
/// A loopback port nobody listens on right now (bind to :0, read, close).
std::optional<std::uint16_t> pick_free_port(std::string const& address);
/// True once a TCP connect to address:port succeeds.
bool can_connect(std::string const& address, std::uint16_t port);
/// Creates a sparse file of `mib` MiB.
::testing::AssertionResult create_sparse_file(std::filesystem::path const& p, std::uint32_t mib);
/**
 * What every target's start() does: check isolation, a temp dir and that
 * this instance has not been started, then call `attempt` until it succeeds
 * or fails without asking for a retry (e.g. the port was taken meanwhile),
 * at most a few times.
 */
::testing::AssertionResult start_with_retries(char const* name, std::filesystem::path const& dir,
                                              child_process const& daemon,
                                              std::function<::testing::AssertionResult(bool& retry)> const& attempt);
/// The last `max` bytes of a log file, for failure messages.
std::string tail_of(std::filesystem::path const& p, std::size_t max = 2000);
}  // namespace detail

}  // namespace iscsi::test
