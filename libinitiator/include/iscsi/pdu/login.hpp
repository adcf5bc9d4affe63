/**
 * @file
 * Login Request and Login Response PDUs (RFC 7143 §11.12, §11.13).
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

/// CSG/NSG codes (§11.12.3). Code 2 is reserved and rejected as malformed.
enum class stage : std::uint8_t {
    security_negotiation = 0,
    login_operational_negotiation = 1,
    full_feature_phase = 3,
};

/// §11.12: always sent with the I bit set (encode() sets it).
struct login_request {
    bool transit = false;  ///< T: the initiator is ready to move to nsg
    bool cont = false;     ///< C: the text continues in the next PDU
    stage csg{};
    stage nsg{};           ///< meaningful only with transit
    std::uint8_t version_max = 0;
    std::uint8_t version_min = 0;
    isid isid_{};
    tsih tsih_{};
    itt itt_{};
    cid cid_{};
    cmdsn cmd_sn{};
    statsn exp_stat_sn{};
    std::vector<std::byte> data;  ///< text key=value pairs (§6.1)
    friend bool operator==(login_request const&, login_request const&) = default;
};

/// §11.13.
struct login_response {
    bool transit = false;
    bool cont = false;
    stage csg{};
    stage nsg{};
    std::uint8_t version_max = 0;
    std::uint8_t version_active = 0;
    isid isid_{};
    tsih tsih_{};
    itt itt_{};
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    std::uint8_t status_class = 0;   ///< §11.13.5: 0 success, 1 redirect, 2 initiator error, 3 target error
    std::uint8_t status_detail = 0;
    std::vector<std::byte> data;
    friend bool operator==(login_response const&, login_response const&) = default;
};

[[nodiscard]] raw_pdu encode(login_request const& p);
[[nodiscard]] raw_pdu encode(login_response const& p);

/// Errors: wrong_opcode / unknown_opcode for another opcode; malformed for
/// a reserved CSG (or NSG with T set) or lengths that disagree with the BHS.
[[nodiscard]] result<login_request> decode_login_request(raw_pdu const& raw, diagnostics* diag = nullptr);
[[nodiscard]] result<login_response> decode_login_response(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
