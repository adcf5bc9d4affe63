/**
 * @file
 * SCSI Command and SCSI Response PDUs (RFC 7143 §11.3, §11.4), including
 * the Extended CDB and Bidirectional Read Expected Data Transfer Length AHSs
 * (§11.2.2.3, §11.2.2.4).
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

/// Task attributes, byte 1 bits 5-7 (§11.3.1.4).
enum class task_attribute : std::uint8_t { untagged = 0, simple = 1, ordered = 2, head_of_queue = 3, aca = 4 };

/// CDB bytes carried in the BHS; longer CDBs continue in an Extended CDB AHS.
inline constexpr std::size_t bhs_cdb_size = 16;
/// Largest CDB encode() accepts (SPC-4 variable-length CDBs top out at 260).
inline constexpr std::size_t max_cdb_size = 260;

/// AHS types (§11.2.2.2).
enum class ahs_type : std::uint8_t { extended_cdb = 1, bidi_read_expected_length = 2 };

/// §11.3.
struct scsi_command {
    bool immediate = false;
    bool final = true;  ///< F: no unsolicited Data-Out PDUs follow
    bool read = false;  ///< R
    bool write = false; ///< W
    task_attribute attr = task_attribute::simple;
    lun lun_{};
    itt itt_{};
    std::uint32_t expected_data_transfer_length = 0;
    cmdsn cmd_sn{};
    statsn exp_stat_sn{};
    /// The CDB. Precondition of encode(): 1..max_cdb_size bytes. Bytes past
    /// 16 travel in an Extended CDB AHS. decode() returns 16 bytes (short
    /// CDBs are zero padded on the wire) plus any extended bytes.
    std::vector<std::byte> cdb;
    /// Present for bidirectional commands (R and W set, §11.2.2.4).
    std::optional<std::uint32_t> bidi_read_expected_length;
    std::vector<std::byte> data;  ///< immediate data
    friend bool operator==(scsi_command const&, scsi_command const&) = default;
};

/// iSCSI Response byte of a SCSI Response (§11.4.3); 0x80-0xff vendor.
enum class service_response : std::uint8_t { command_completed = 0x00, target_failure = 0x01 };

/// §11.4.
struct scsi_response {
    service_response response = service_response::command_completed;
    std::uint8_t status = 0;        ///< SCSI status (SAM), e.g. 0x02 CHECK CONDITION
    bool bidi_read_overflow = false;  ///< o
    bool bidi_read_underflow = false; ///< u
    bool residual_overflow = false;   ///< O
    bool residual_underflow = false;  ///< U
    itt itt_{};
    std::uint32_t snack_tag = 0;
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    datasn exp_data_sn{};
    std::uint32_t bidi_read_residual_count = 0;
    std::uint32_t residual_count = 0;
    /// Sense data (§11.4.7); on the wire behind a 2-byte SenseLength.
    std::vector<std::byte> sense;
    /// Response data following the sense data (§11.4.7).
    std::vector<std::byte> response_data;
    friend bool operator==(scsi_response const&, scsi_response const&) = default;
};

[[nodiscard]] raw_pdu encode(scsi_command const& p);
[[nodiscard]] raw_pdu encode(scsi_command&& p);  ///< moves the immediate data
[[nodiscard]] raw_pdu encode(scsi_response const& p);

/// Errors: wrong_opcode / unknown_opcode; malformed for an AHS that overruns
/// the AHS area, a bad Extended CDB AHS length or inconsistent lengths.
[[nodiscard]] result<scsi_command> decode_scsi_command(raw_pdu const& raw, diagnostics* diag = nullptr);
/// Errors: as above; malformed when O and U (or o and u) are both set
/// (§11.4.5.1) or when SenseLength overruns the data segment.
[[nodiscard]] result<scsi_response> decode_scsi_response(raw_pdu const& raw, diagnostics* diag = nullptr);

} // namespace iscsi::pdu
