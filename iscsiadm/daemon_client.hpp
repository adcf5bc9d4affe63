/**
 * @file
 * The link from iscsiadm to iscsid, for what only the daemon can do (log in,
 * log out, sessions). The daemon and its IPC arrive with issue 5; until
 * then connect() reports, like open-iscsi without a running iscsid, that
 * the daemon cannot be reached, and the caller exits with code 20.
 */
#pragma once

#include "exit_codes.hpp"

#include <string_view>

namespace iscsiadm {

/// The daemon's control socket.
inline constexpr std::string_view iscsid_socket = "/run/iscsid/control.sock";

/// True when something accepts connections on iscsid's socket.
[[nodiscard]] bool daemon_listening();

/// Tries to reach iscsid. On failure prints open-iscsi's message
/// ("can not connect to iSCSI daemon (111)!") and returns
/// exit_code::iscsid_not_connected; on success returns exit_code::success.
[[nodiscard]] exit_code connect_to_daemon();

} // namespace iscsiadm
