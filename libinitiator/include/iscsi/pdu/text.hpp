/**
 * @file
 * Text Request and Text Response PDUs (RFC 7143 §11.10, §11.11).
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <vector>

namespace iscsi::pdu {

/// §11.10.
struct text_request {
    bool immediate = false;
    bool final = true;   ///< F: last PDU of this text request
    bool cont = false;   ///< C: the text continues in the next PDU
    itt itt_{};
    ttt ttt_ = reserved_ttt;  ///< reserved_ttt to start, else the target's tag (§11.10.4)
    cmdsn cmd_sn{};
    statsn exp_stat_sn{};
    lun lun_{};
    std::vector<std::byte> data;
    friend bool operator==(text_request const&, text_request const&) = default;
};

/// §11.11.
struct text_response {
    bool final = true;
    bool cont = false;
    itt itt_{};
    ttt ttt_ = reserved_ttt;
    lun lun_{};
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    std::vector<std::byte> data;
    friend bool operator==(text_response const&, text_response const&) = default;
};

[[nodiscard]] raw_pdu encode(text_request const& p);
[[nodiscard]] raw_pdu encode(text_response const& p);
/// Errors: wrong_opcode / unknown_opcode; malformed for inconsistent lengths.
[[nodiscard]] result<text_request> decode_text_request(raw_pdu const& raw, diagnostics* diag = nullptr);
[[nodiscard]] result<text_response> decode_text_response(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
