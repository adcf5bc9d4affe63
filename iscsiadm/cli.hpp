/**
 * @file
 * The command line of open-iscsi's iscsiadm, parsed with CLI11 into one
 * plain struct. Every short and long option open-iscsi 2.1.8 accepts is
 * accepted here with the same meaning (scripts and CSI drivers call it
 * unchanged); what each mode does with them is in modes/.
 */
#pragma once

#include "exit_codes.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace iscsiadm {

enum class run_mode { discovery, discoverydb, node, session, iface, fw, host };

enum class output_format { text, json };

struct options {
    std::optional<run_mode> mode;
    std::vector<std::string> ops;        ///< -o, may repeat (new, delete, update, show, nonpersistent)
    std::optional<std::string> target;   ///< -T
    std::optional<std::string> portal;   ///< -p ip[:port][,tpgt]
    std::vector<std::string> ifaces;     ///< -I, may repeat
    std::optional<std::string> type;     ///< -t sendtargets|st|isns|fw
    std::vector<std::string> names;      ///< -n, paired in order with -v
    std::vector<std::string> values;     ///< -v
    std::optional<int> print_level;      ///< -P
    std::optional<std::string> session;  ///< -r sid or sysfs path
    std::optional<std::string> host;     ///< -H
    std::optional<std::string> login_all;  ///< -L all|manual|automatic|onboot
    std::optional<std::string> logout_all; ///< -U all|manual|automatic|onboot
    std::optional<std::string> submode;  ///< -C
    std::optional<std::string> index;    ///< -x
    bool login = false;      ///< -l
    bool logout = false;     ///< -u
    bool rescan = false;     ///< -R
    bool discover = false;   ///< -D
    bool stats = false;      ///< -s
    bool show_secrets = false; ///< -S
    bool no_wait = false;    ///< -W
    /// --wait-devices[=SECONDS]: a login returns when the sessions' block
    /// devices exist (beyond open-iscsi).
    std::optional<double> wait_devices;
    int debug = 0;           ///< -d
    output_format format = output_format::text;
};

/// What parsing decided: run with these options, or stop with an exit code
/// (after --help, --version, or a usage error already printed).
using parse_outcome = std::variant<options, exit_code>;

[[nodiscard]] parse_outcome parse_command_line(int argc, char** argv);

} // namespace iscsiadm
