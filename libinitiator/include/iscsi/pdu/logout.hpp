/**
 * @file
 * Logout Request and Logout Response PDUs (RFC 7143 §11.14, §11.15).
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <cstdint>

namespace iscsi::pdu {

/// §11.14.1.
enum class logout_reason : std::uint8_t {
    close_session = 0,
    close_connection = 1,
    remove_connection_for_recovery = 2,
};

/// §11.14.
struct logout_request {
    bool immediate = false;
    logout_reason reason = logout_reason::close_session;
    itt itt_{};
    cid cid_{};  ///< the connection to close (reasons 1 and 2)
    cmdsn cmd_sn{};
    statsn exp_stat_sn{};
    friend bool operator==(logout_request const&, logout_request const&) = default;
};

/// §11.15.1.
enum class logout_response_code : std::uint8_t {
    closed_successfully = 0,
    cid_not_found = 1,
    recovery_not_supported = 2,
    cleanup_failed = 3,
};

/// §11.15.
struct logout_response {
    logout_response_code response = logout_response_code::closed_successfully;
    itt itt_{};
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    std::uint16_t time2wait = 0;    ///< seconds (§11.15.4)
    std::uint16_t time2retain = 0;  ///< seconds (§11.15.5)
    friend bool operator==(logout_response const&, logout_response const&) = default;
};

[[nodiscard]] raw_pdu encode(logout_request const& p);
[[nodiscard]] raw_pdu encode(logout_response const& p);
/// Errors: wrong_opcode / unknown_opcode; malformed for a data segment,
/// which logout PDUs never carry.
[[nodiscard]] result<logout_request> decode_logout_request(raw_pdu const& raw, diagnostics* diag = nullptr);
[[nodiscard]] result<logout_response> decode_logout_response(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
