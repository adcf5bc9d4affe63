/**
 * @file
 * PDU opcodes (RFC 7143 §11.1.1) and the size of the Basic Header Segment.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace iscsi::pdu {

/// The 6-bit opcode of byte 0 of the BHS. Initiator opcodes are 0x00..0x1f,
/// target opcodes 0x20..0x3f (§11.1.1). Other values may arrive off the
/// wire: raw_pdu::op() returns them unchanged, decode_*() rejects them.
enum class opcode : std::uint8_t {
    nop_out = 0x00,
    scsi_command = 0x01,
    task_mgmt_request = 0x02,
    login_request = 0x03,
    text_request = 0x04,
    data_out = 0x05,
    logout_request = 0x06,
    snack_request = 0x10,
    nop_in = 0x20,
    scsi_response = 0x21,
    task_mgmt_response = 0x22,
    login_response = 0x23,
    text_response = 0x24,
    data_in = 0x25,
    logout_response = 0x26,
    r2t = 0x31,
    async_message = 0x32,
    reject = 0x3f,
};

/// Every PDU starts with a 48-byte BHS (§11.2).
inline constexpr std::size_t bhs_size = 48;
/// Byte 0: bit 6 is the I (immediate delivery) bit, bits 0-5 the opcode.
inline constexpr std::uint8_t opcode_mask = 0x3f;
inline constexpr std::uint8_t immediate_flag = 0x40;
/// Byte 1 bit 7: the F (final) bit of most PDUs.
inline constexpr std::uint8_t final_flag = 0x80;

/// True for the eighteen opcodes RFC 7143 defines.
[[nodiscard]] constexpr bool is_known(opcode op) noexcept
{
    switch (op) {
    case opcode::nop_out: case opcode::scsi_command: case opcode::task_mgmt_request:
    case opcode::login_request: case opcode::text_request: case opcode::data_out:
    case opcode::logout_request: case opcode::snack_request: case opcode::nop_in:
    case opcode::scsi_response: case opcode::task_mgmt_response: case opcode::login_response:
    case opcode::text_response: case opcode::data_in: case opcode::logout_response:
    case opcode::r2t: case opcode::async_message: case opcode::reject:
        return true;
    }
    return false;
}

/// True for opcodes an initiator sends (§11.1.1: 0x00..0x1f).
[[nodiscard]] constexpr bool is_initiator_opcode(opcode op) noexcept
{
    return static_cast<std::uint8_t>(op) < 0x20;
}

/// The RFC name of an opcode ("Login Request"), or "unknown opcode".
[[nodiscard]] std::string_view name_of(opcode op) noexcept;

} // namespace iscsi::pdu
