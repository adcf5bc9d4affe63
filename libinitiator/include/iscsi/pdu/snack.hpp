/**
 * @file
 * SNACK Request PDU (RFC 7143 §11.16), used at ErrorRecoveryLevel > 0.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <cstdint>

namespace iscsi::pdu {

/// §11.16.1.
enum class snack_type : std::uint8_t { data_r2t = 0, status = 1, data_ack = 2, r_data = 3 };

/// §11.16.
struct snack_request {
    snack_type type = snack_type::data_r2t;
    lun lun_{};
    itt itt_ = reserved_itt;
    /// The TTT for DataACK, the SNACK Tag for R-Data, else reserved_ttt.
    ttt ttt_ = reserved_ttt;
    statsn exp_stat_sn{};
    /// First DataSN, R2TSN or StatSN requested (by type), and how many;
    /// RunLength 0 means "all from BegRun on" (§11.16.5).
    std::uint32_t beg_run = 0;
    std::uint32_t run_length = 0;
    friend bool operator==(snack_request const&, snack_request const&) = default;
};

[[nodiscard]] raw_pdu encode(snack_request const& p);
/// Errors: wrong_opcode / unknown_opcode; malformed for a type above 3 or a
/// data segment, which a SNACK never carries.
[[nodiscard]] result<snack_request> decode_snack_request(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
