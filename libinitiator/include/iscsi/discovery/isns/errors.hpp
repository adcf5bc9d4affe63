/**
 * @file
 * Errors of the iSNS client (RFC 4171). Everything an iSNS server sends is
 * peer-controlled input (STYLE habit 16): a malformed PDU or attribute
 * drops the connection to the server; a well-formed refusal (a non-zero
 * status) fails the operation and is reported with the server's status.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>

namespace iscsi::discovery::isns {

enum class errc : int {
    // --- framing (drop_connection) ---
    /// iSNSP Version is not 1 (RFC 4171 §5.1.1).
    bad_version = 1,
    /// A PDU of a message came out of order: no First PDU flag, a gap in
    /// the Sequence ID, or a different Transaction ID or Function ID.
    bad_sequence,
    /// The message's PDUs add up to more than max_message_size.
    message_too_large,
    /// An attribute's length is not a multiple of 4 or runs past the end
    /// of the message (§5.1.3: "The length ... MUST be a multiple of 4").
    bad_attribute_length,
    /// More attributes than max_attributes.
    too_many_attributes,
    /// A response shorter than its 4-byte Status Code (§5.4).
    missing_status,
    /// An attribute whose value has the wrong size or form for its tag
    /// (e.g. a Portal IP Address that is not 16 bytes).
    bad_attribute_value,
    /// A response to a request we did not send, or of the wrong function.
    unexpected_response,
    /// A response carried the same object twice, or attributes outside any
    /// object (§5.6.5.2 orders them per object).
    bad_response_layout,
    /// More targets or portals than the limits in isns/messages.hpp.
    too_many_objects,

    // --- server answers (fail_session) ---
    /// The server refused our registration (DevAttrReg, SCNReg) with a
    /// non-zero Status Code (see status_name()).
    registration_refused,
    /// The server refused a query (DevAttrQry) or another request.
    query_refused,
    /// No answer within the operation's timeout.
    timed_out,

    // --- user input (report_to_user) ---
    /// An address that is not an IPv4 or IPv6 literal where one is needed.
    bad_address,
};

/// The category of iscsi::discovery::isns::errc.
[[nodiscard]] error_category const& isns_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), isns_category()};
}

/// RFC 4171 §6.4's name of a Status Code ("Source Unauthorized"), or
/// "status N" for codes it does not define.
[[nodiscard]] std::string status_name(std::uint32_t status);

} // namespace iscsi::discovery::isns

template <>
struct std::is_error_code_enum<iscsi::discovery::isns::errc> : std::true_type {};
