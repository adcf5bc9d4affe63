/**
 * @file
 * What iscsiadm asks iscsid to do with existing sessions (node and session
 * modes share it): list them, log them out, rescan their LUNs.
 */
#pragma once

#include "exit_codes.hpp"

#include "iscsi/db/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iscsiadm {

/// A session iscsid holds, with the node it belongs to.
struct daemon_session {
    std::uint32_t sid = 0;
    iscsi::db::node_key key;
    bool user_space = false;          ///< iscsid.data_path user: no kernel session
    std::vector<std::string> devices; ///< a user-space session's loop devices
    std::string iscsid_state;         ///< iscsid's view: "NO CHANGE", "REOPEN" (reconnecting)
};

/// Every session iscsid holds, or none without a daemon; prints nothing.
[[nodiscard]] std::vector<daemon_session> daemon_sessions_if_any();

/// Every session iscsid holds. Without a daemon: the messages open-iscsi
/// prints (20 when the kernel has sessions, 21 when it has none) and
/// nullopt with `code` set.
std::optional<std::vector<daemon_session>> daemon_session_list(exit_code& code);

/// open-iscsi's "initiator reported error (N - TEXT)", then iscsid's reason.
void report_initiator_error(exit_code code, std::string const& message);

/// "[sid: 1, target: iqn..., portal: 127.0.0.1,3260]"
[[nodiscard]] std::string session_name(daemon_session const& s);

/// Logs `sessions` out, all at once, printing open-iscsi's lines in order;
/// 21 "No matching sessions found" when there are none.
exit_code log_out_sessions(std::vector<daemon_session> const& sessions);

/// Prints each session's counters (the kernel's iSCSI MIB and its
/// transport's own), as open-iscsi's "Stats for session [...]".
exit_code print_session_stats(std::vector<daemon_session> const& sessions);

/// Asks the kernel to scan each session's host for new LUNs ("- - -" to
/// its scan file), printing "Rescanning session [...]" for each.
exit_code rescan_sessions(std::vector<daemon_session> const& sessions);

} // namespace iscsiadm
