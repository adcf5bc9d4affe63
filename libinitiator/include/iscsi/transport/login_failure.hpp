/**
 * @file
 * The open-iscsi status of a failed login or discovery session, shared by
 * iscsid, iscsiadm and iscsi-fuse so that the same failure gets the same
 * exit code whichever of them met it.
 */
#pragma once

#include "iscsi/core/exit_status.hpp"

#include <system_error>

namespace iscsi::transport {

/// 24 when the target refused our credentials (login status 0x0201/0x0202),
/// 19 when the CHAP exchange itself failed (e.g. the target's mutual CHAP
/// answer was wrong: retrying cannot help), 5 for any other login refusal,
/// 8 for a timeout, 4 for a connection failure; an exit_status passes through.
[[nodiscard]] exit_status status_of_login_failure(std::error_code const& ec) noexcept;

} // namespace iscsi::transport
