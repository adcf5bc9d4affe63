/**
 * @file
 * Failures of the imperative shell itself: connecting, deadlines, redirects.
 * Socket errors keep their system/Asio codes.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <system_error>

namespace iscsi::transport {

enum class errc : std::uint8_t {
    connect_timeout = 1,  ///< no TCP connection within the connect timeout
    operation_timeout,    ///< a task or logout did not finish in time
    too_many_redirects,   ///< the target keeps redirecting (loop)
    bad_redirect_address, ///< TargetAddress in a redirect is not a portal
    connection_closed,    ///< the target closed the connection
    not_logged_in,        ///< the session is not in the full feature phase
    unread_bytes_left,    ///< a socket to hand over had bytes already read from it
};

[[nodiscard]] error_category const& transport_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), transport_category()};
}

} // namespace iscsi::transport

template <>
struct std::is_error_code_enum<iscsi::transport::errc> : std::true_type {};
