/**
 * @file
 * Asynchronous Message PDU (RFC 7143 §11.9).
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

/// AsyncEvent codes (§11.9.1).
enum class async_event : std::uint8_t {
    scsi_async_event = 0,        ///< sense data carries the SCSI event
    logout_requested = 1,        ///< Parameter3: Time2Wait before forced logout
    connection_drop = 2,         ///< Parameter1: CID; Parameter2/3: Time2Wait/Time2Retain
    session_drop = 3,            ///< Parameter2/3: Time2Wait/Time2Retain
    negotiation_requested = 4,   ///< Parameter3: seconds to start a Text negotiation
    task_termination = 5,        ///< every active task of the LUN is being terminated
    vendor_specific = 255,       ///< AsyncVCode says which
};

/// §11.9. ITT is always reserved_itt on the wire.
struct async_message {
    async_event event = async_event::scsi_async_event;
    std::uint8_t vendor_code = 0;
    lun lun_{};
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    std::uint16_t parameter1 = 0;
    std::uint16_t parameter2 = 0;
    std::uint16_t parameter3 = 0;
    /// Sense data behind a 2-byte SenseLength, then iSCSI event data (§11.9.4).
    std::vector<std::byte> sense;
    std::vector<std::byte> event_data;
    friend bool operator==(async_message const&, async_message const&) = default;
};

[[nodiscard]] raw_pdu encode(async_message const& p);
/// Errors: wrong_opcode / unknown_opcode; malformed when SenseLength
/// overruns the data segment.
[[nodiscard]] result<async_message> decode_async_message(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
