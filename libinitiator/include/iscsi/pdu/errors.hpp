/**
 * @file
 * Errors of the PDU codec, each classified by the recovery it needs
 * (STYLE habit 6, RFC 7143 §7).
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <system_error>
#include <type_traits>

namespace iscsi::pdu {

enum class errc : int {
    /// DataSegmentLength exceeds our MaxRecvDataSegmentLength (§13.12):
    /// the peer broke the negotiation; framing is no longer trusted.
    data_segment_too_long = 1,
    /// TotalAHSLength exceeds the reader's AHS limit.
    ahs_too_long,
    /// The header digest did not match (§11.1, §7.8): every length field is
    /// suspect, so the connection must be dropped.
    header_digest_error,
    /// The data digest did not match (§7.8): the PDU is discarded and, on a
    /// target, answered with Reject reason 0x02; framing is intact.
    data_digest_error,
    /// The opcode is not one RFC 7143 defines (answered with a Reject).
    unknown_opcode,
    /// A decode_*() was given a PDU of another opcode: the peer sent a PDU
    /// the current exchange does not allow (e.g. not a Login Response
    /// during login, §6.3).
    wrong_opcode,
    /// Fields contradict each other or the RFC (e.g. O and U both set,
    /// a truncated SenseLength, a reserved stage code).
    malformed,
    /// The reader failed earlier and was used again.
    reader_failed,
};

/// The category of iscsi::pdu::errc; recovery_of() gives the §7 action.
[[nodiscard]] iscsi::error_category const& pdu_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), pdu_category()};
}

} // namespace iscsi::pdu

template <>
struct std::is_error_code_enum<iscsi::pdu::errc> : std::true_type {};
