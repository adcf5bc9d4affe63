/**
 * @file
 * NOP-Out and NOP-In PDUs (RFC 7143 §11.18, §11.19): pings in both directions.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <vector>

namespace iscsi::pdu {

/// §11.18. A ping carries a valid ITT; an answer to a target's NOP-In
/// carries ITT reserved_itt and the target's TTT (§11.18.2, §11.18.3).
struct nop_out {
    bool immediate = false;
    lun lun_{};
    itt itt_ = reserved_itt;
    ttt ttt_ = reserved_ttt;
    cmdsn cmd_sn{};
    statsn exp_stat_sn{};
    std::vector<std::byte> data;  ///< ping data, echoed by the target
    friend bool operator==(nop_out const&, nop_out const&) = default;
};

/// §11.19. ITT reserved_itt with a TTT other than reserved_ttt is a ping
/// from the target that must be answered.
struct nop_in {
    lun lun_{};
    itt itt_ = reserved_itt;
    ttt ttt_ = reserved_ttt;
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    std::vector<std::byte> data;
    friend bool operator==(nop_in const&, nop_in const&) = default;
};

[[nodiscard]] raw_pdu encode(nop_out const& p);
[[nodiscard]] raw_pdu encode(nop_in const& p);
/// Errors: wrong_opcode / unknown_opcode; malformed for inconsistent lengths.
[[nodiscard]] result<nop_out> decode_nop_out(raw_pdu const& raw, diagnostics* diag = nullptr);
[[nodiscard]] result<nop_in> decode_nop_in(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
