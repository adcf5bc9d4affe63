/**
 * @file
 * SCSI Data-Out and Data-In PDUs (RFC 7143 §11.7).
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <cstdint>
#include <vector>

namespace iscsi::pdu {

/// §11.7 (initiator to target).
struct data_out {
    bool final = false;  ///< F: last PDU of the sequence
    lun lun_{};
    itt itt_{};
    ttt ttt_ = reserved_ttt;  ///< from the R2T; reserved_ttt for unsolicited data
    statsn exp_stat_sn{};
    datasn data_sn{};
    std::uint32_t buffer_offset = 0;
    std::vector<std::byte> data;
    friend bool operator==(data_out const&, data_out const&) = default;
};

/// §11.7 (target to initiator).
struct data_in {
    bool final = false;           ///< F
    bool acknowledge = false;     ///< A: the target wants a DataACK SNACK (ERL > 0)
    bool residual_overflow = false;  ///< O (only with S)
    bool residual_underflow = false; ///< U (only with S)
    bool status_present = false;  ///< S: status and StatSN are valid (phase collapse)
    std::uint8_t status = 0;      ///< SCSI status, valid with S
    lun lun_{};
    itt itt_{};
    ttt ttt_ = reserved_ttt;
    statsn stat_sn{};             ///< valid with S
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    datasn data_sn{};
    std::uint32_t buffer_offset = 0;
    std::uint32_t residual_count = 0;
    std::vector<std::byte> data;
    friend bool operator==(data_in const&, data_in const&) = default;
};

[[nodiscard]] raw_pdu encode(data_out const& p);
[[nodiscard]] raw_pdu encode(data_out&& p);  ///< moves the data
[[nodiscard]] raw_pdu encode(data_in const& p);
[[nodiscard]] raw_pdu encode(data_in&& p);   ///< moves the data

/// Errors: wrong_opcode / unknown_opcode; malformed for inconsistent lengths.
[[nodiscard]] result<data_out> decode_data_out(raw_pdu const& raw, diagnostics* diag = nullptr);
/// Errors: as above; malformed when S is set without F, or O and U are both
/// set (§11.7.1, §11.7.3).
[[nodiscard]] result<data_in> decode_data_in(raw_pdu const& raw, diagnostics* diag = nullptr);
/// decode_data_in() without copying the data segment (`data` stays empty):
/// for the data path, which copies raw.data straight to its destination.
[[nodiscard]] result<data_in> decode_data_in_header(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
