/**
 * @file
 * Reject PDU (RFC 7143 §11.17).
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace iscsi::pdu {

/// §11.17.1.
enum class reject_reason : std::uint8_t {
    data_digest_error = 0x02,
    snack_reject = 0x03,
    protocol_error = 0x04,
    command_not_supported = 0x05,
    immediate_command_reject = 0x06,
    task_in_progress = 0x07,
    invalid_data_ack = 0x08,
    invalid_pdu_field = 0x09,
    long_operation_reject = 0x0a,
    negotiation_reset = 0x0b,  ///< deprecated in RFC 7143
    waiting_for_logout = 0x0c,
};

/// §11.17. ITT is always reserved_itt on the wire.
struct reject {
    reject_reason reason = reject_reason::protocol_error;
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    /// DataSN or R2TSN (§11.17.3): set only for SNACK rejects.
    datasn data_sn{};
    /// The complete header of the rejected PDU (§11.17.4), normally its BHS.
    std::vector<std::byte> rejected_header;
    friend bool operator==(reject const&, reject const&) = default;
};

[[nodiscard]] raw_pdu encode(reject const& p);
/// Errors: wrong_opcode / unknown_opcode; malformed for inconsistent lengths.
[[nodiscard]] result<reject> decode_reject(raw_pdu const& raw, diagnostics* diag = nullptr);

/// ITT of the rejected PDU, when the carried header is at least a BHS.
[[nodiscard]] std::optional<itt> rejected_task_tag(reject const& r) noexcept;

} // namespace iscsi::pdu
