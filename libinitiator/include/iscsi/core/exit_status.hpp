/**
 * @file
 * open-iscsi's status codes (ISCSI_ERR_*): iscsiadm's exit codes, which
 * scripts and Kubernetes CSI drivers test (21 "no records", 15 "session
 * exists", 24 "authorization failure"...), and what iscsid answers on its
 * control socket. The numbers and their texts are part of the command-line
 * interface and never change. Also an error category, so that a status
 * can travel as a std::error_code (an iscsi-fuse child's failure, say).
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <string_view>

namespace iscsi {

enum class exit_status : int {
    success = 0,
    unknown = 1,
    session_not_found = 2,
    no_memory = 3,
    transport = 4,            ///< connection failure
    login = 5,
    database = 6,
    invalid = 7,              ///< bad argument
    transport_timeout = 8,
    internal = 9,
    logout = 10,
    pdu_timeout = 11,
    transport_not_found = 12,
    access = 13,
    transport_caps = 14,
    session_exists = 15,
    invalid_request = 16,
    isns_unavailable = 17,
    iscsid_comm = 18,
    fatal_login = 19,
    iscsid_not_connected = 20,
    no_objects_found = 21,
    sysfs_lookup = 22,
    host_not_found = 23,
    login_auth_failed = 24,
    isns_query = 25,
    isns_registration = 26,
    op_not_supported = 27,
    busy = 28,
    again = 29,
    unknown_discovery_type = 30,
    child_terminated = 31,
    session_not_connected = 32,
    iscsid_request_timeout = 33,
};

/// open-iscsi's text for each code ("no objects found" ...).
[[nodiscard]] std::string_view describe(exit_status c) noexcept;
[[nodiscard]] constexpr int to_int(exit_status c) noexcept { return static_cast<int>(c); }

[[nodiscard]] std::error_category const& exit_status_category() noexcept;
[[nodiscard]] std::error_code make_error_code(exit_status c) noexcept;

} // namespace iscsi

template <>
struct std::is_error_code_enum<iscsi::exit_status> : std::true_type {};
