/**
 * @file
 * The link from iscsiadm to iscsid, for what only the daemon can do (log in,
 * log out, sessions), over iscsid's control protocol (iscsid/ipc_protocol.hpp).
 * Without a daemon the callers answer like open-iscsi without iscsid:
 * "can not connect to iSCSI daemon (111)!", exit code 20.
 */
#pragma once

#include "exit_codes.hpp"

#include "ipc_protocol.hpp"

#include <optional>
#include <string_view>

namespace iscsiadm {

/// True when something accepts connections on iscsid's socket.
[[nodiscard]] bool daemon_listening();

/// Tries to reach iscsid. On failure prints open-iscsi's message
/// ("can not connect to iSCSI daemon (111)!") and returns
/// exit_code::iscsid_not_connected; on success returns exit_code::success.
[[nodiscard]] exit_code connect_to_daemon();

/// Sends `req` and waits for the answer (at most `timeout_s` seconds).
/// On failure prints why, like open-iscsi, and sets `code` (20 when the
/// daemon cannot be reached, 18 when it does not answer sensibly, 33 on
/// timeout).
std::optional<iscsid::ipc_message> ask_daemon(iscsid::ipc_message const& req, exit_code& code, int timeout_s = 300);

} // namespace iscsiadm
