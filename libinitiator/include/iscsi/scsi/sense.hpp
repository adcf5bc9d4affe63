/**
 * @file
 * SCSI status (SAM-5 §5.3) and sense data (SPC-4 §4.5): fixed format
 * (response codes 70h/71h) and descriptor format (72h/73h). In iSCSI the
 * sense data arrives in the data segment of a SCSI Response with status
 * CHECK CONDITION, after a 2-byte SenseLength (RFC 7143 §11.4.7.2); callers
 * strip that length and pass the sense bytes here.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace iscsi::scsi {

/// SCSI status byte (SAM-5 Table 33).
enum class status : std::uint8_t {
    good = 0x00,
    check_condition = 0x02,
    condition_met = 0x04,
    busy = 0x08,
    reservation_conflict = 0x18,
    task_set_full = 0x28,
    aca_active = 0x30,
    task_aborted = 0x40,
};

/// "GOOD", "CHECK CONDITION", ...; "unknown status" for other values.
[[nodiscard]] std::string_view to_string(status s) noexcept;

/// SENSE KEY (SPC-4 Table 27).
enum class sense_key : std::uint8_t {
    no_sense = 0x0,
    recovered_error = 0x1,
    not_ready = 0x2,
    medium_error = 0x3,
    hardware_error = 0x4,
    illegal_request = 0x5,
    unit_attention = 0x6,
    data_protect = 0x7,
    blank_check = 0x8,
    vendor_specific = 0x9,
    copy_aborted = 0xa,
    aborted_command = 0xb,
    reserved_c = 0xc, ///< was EQUAL, now obsolete
    volume_overflow = 0xd,
    miscompare = 0xe,
    completed = 0xf,
};

/// "Unit Attention", "Illegal Request", ...
[[nodiscard]] std::string_view to_string(sense_key k) noexcept;

/// Where an ILLEGAL REQUEST points (SPC-4 §4.5.2.4.2 FIELD POINTER).
struct field_pointer {
    bool in_cdb = false;              ///< C/D: the error is in the CDB, not the parameter list
    std::optional<std::uint8_t> bit;  ///< bit within the byte, when BPV is set
    std::uint16_t byte = 0;           ///< byte offset of the field in error
    friend bool operator==(field_pointer const&, field_pointer const&) = default;
};

/// Parsed sense data. Fields the data does not carry stay zero / empty.
struct sense {
    std::uint8_t response_code = 0; ///< 70h-73h
    sense_key key = sense_key::no_sense;
    std::uint8_t asc = 0;
    std::uint8_t ascq = 0;
    /// INFORMATION: for medium errors, the first LBA in error. Fixed format
    /// only when VALID is set; descriptor format from descriptor type 00h.
    std::optional<std::uint64_t> information;
    std::optional<std::uint64_t> command_specific;
    std::optional<field_pointer> field;     ///< ILLEGAL REQUEST with SKSV set
    std::optional<std::uint16_t> progress;  ///< NOT READY/NO SENSE with SKSV: n/65536 done
    std::uint8_t fru_code = 0;
    bool filemark = false;
    bool end_of_medium = false;
    bool ili = false; ///< incorrect length indicator
    bool descriptor_format = false;
    /// The data ended before its ADDITIONAL SENSE LENGTH said (the usual
    /// cause is a short sense buffer); what was present was parsed.
    bool truncated = false;

    /// 71h/73h: the error belongs to an earlier command (SPC-4 §4.5.1).
    [[nodiscard]] bool deferred() const noexcept { return (response_code & 0x01U) != 0; }
};

/**
 * Parses fixed or descriptor sense data. Accepts data cut short anywhere
 * after the sense key (sets `truncated`). Errors: errc::short_response if
 * the data cannot hold a sense key; errc::bad_sense if the response code is
 * not 70h-73h (including vendor-specific 7Fh).
 */
[[nodiscard]] result<sense> parse_sense(std::span<std::byte const> data);

/**
 * One line for a user: "Unit Attention: power on, reset, or bus device
 * reset occurred (29/00)". Common ASC/ASCQ pairs have text; others get a
 * generic description. Deferred errors say so.
 */
[[nodiscard]] std::string describe(sense const& s);

/// Text for one ASC/ASCQ pair, or empty when the table does not know it.
[[nodiscard]] std::string_view asc_text(std::uint8_t asc, std::uint8_t ascq) noexcept;

} // namespace iscsi::scsi
