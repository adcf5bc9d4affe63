/**
 * @file
 * Ready To Transfer PDU (RFC 7143 §11.8).
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <cstdint>

namespace iscsi::pdu {

struct r2t {
    lun lun_{};
    itt itt_{};
    ttt ttt_{};
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    r2tsn r2t_sn{};
    std::uint32_t buffer_offset = 0;
    std::uint32_t desired_data_transfer_length = 0;
    friend bool operator==(r2t const&, r2t const&) = default;
};

[[nodiscard]] raw_pdu encode(r2t const& p);
/// Errors: wrong_opcode / unknown_opcode; malformed when the PDU carries an
/// AHS or a data segment (an R2T has neither) or the desired length is 0
/// (§11.8.4: "MUST NOT be 0").
[[nodiscard]] result<r2t> decode_r2t(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
