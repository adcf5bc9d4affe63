/**
 * @file
 * Login failures. Two categories:
 *  - login_status: the target's own verdict, the Status-Class/Status-Detail
 *    pair of a Login Response (RFC 7143 §11.13.5), value = class << 8 | detail;
 *  - errc: what the initiator found wrong with the exchange itself.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstdint>
#include <system_error>

namespace iscsi::login {

/// Status-Class/Status-Detail values defined in §11.13.5.
enum class status : std::uint16_t {
    success = 0x0000,
    target_moved_temporarily = 0x0101,
    target_moved_permanently = 0x0102,
    initiator_error = 0x0200,
    authentication_failure = 0x0201,
    authorization_failure = 0x0202,
    not_found = 0x0203,
    target_removed = 0x0204,
    unsupported_version = 0x0205,
    too_many_connections = 0x0206,
    missing_parameter = 0x0207,
    cant_include_in_session = 0x0208,
    session_type_not_supported = 0x0209,
    session_does_not_exist = 0x020a,
    invalid_during_login = 0x020b,
    target_error = 0x0300,
    service_unavailable = 0x0301,
    out_of_resources = 0x0302,
};

[[nodiscard]] error_category const& login_status_category() noexcept;

/// An error code for a class/detail pair as received (unknown details keep
/// their numbers and get the class's generic message).
[[nodiscard]] std::error_code make_status_error(std::uint8_t status_class, std::uint8_t detail) noexcept;

[[nodiscard]] inline std::error_code make_error_code(status s) noexcept
{
    return {static_cast<int>(s), login_status_category()};
}

/// Faults in the login exchange detected by the initiator.
enum class errc : std::uint8_t {
    unexpected_pdu = 1,       ///< not a Login Response during login (§6)
    itt_mismatch,             ///< response for another Initiator Task Tag
    isid_mismatch,            ///< response names another session
    unsupported_version,      ///< Version-active outside our range (§11.13.4)
    bad_stage,                ///< CSG differs from ours, or NSG we did not allow (§6.3)
    transit_without_request,  ///< target set T although we did not (§11.13.2)
    transit_and_continue,     ///< T and C both set (§11.13.2: a protocol error)
    auth_method_rejected,     ///< the target chose an AuthMethod we did not offer
    auth_required,            ///< we require CHAP and the target chose None
    redirect_without_address, ///< class 1 without a usable TargetAddress (§11.13.5)
    too_many_exchanges,       ///< the target keeps the login going forever
    text_too_long,            ///< continued login text beyond our limit
    missing_tsih,             ///< a new session reached full feature with TSIH 0
    timeout,                  ///< the login did not finish within login_timeout
    bad_parameters,           ///< our own configuration cannot be offered (user error)
};

[[nodiscard]] error_category const& login_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), login_category()};
}

} // namespace iscsi::login

template <>
struct std::is_error_code_enum<iscsi::login::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<iscsi::login::status> : std::true_type {};
