/**
 * @file
 * Vital product data pages (SPC-4 §7.8, SBC-3 §6.5) returned by INQUIRY
 * with EVPD=1 (cdb.hpp inquiry_vpd()). Every page starts with a 4-byte
 * header: device type, PAGE CODE, PAGE LENGTH (bytes after the header).
 *
 * Common error semantics: errc::short_response below the header (or below
 * the fixed part a page needs), errc::wrong_vpd_page when PAGE CODE is not
 * the page asked for. A PAGE LENGTH beyond the data is allocation-length
 * truncation: the parsers use what is there and say `truncated` where the
 * result type has room for it.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace iscsi::scsi {

inline constexpr std::uint8_t vpd_supported_pages = 0x00;
inline constexpr std::uint8_t vpd_unit_serial = 0x80;
inline constexpr std::uint8_t vpd_device_identification = 0x83;
inline constexpr std::uint8_t vpd_block_limits = 0xb0;
inline constexpr std::uint8_t vpd_logical_block_provisioning = 0xb2;

/// Page 00h: the page codes the LU supports, in the order given.
[[nodiscard]] result<std::vector<std::uint8_t>> parse_supported_vpd_pages(std::span<std::byte const> data);

/// Page 80h: PRODUCT SERIAL NUMBER, trimmed like the INQUIRY strings.
[[nodiscard]] result<std::string> parse_unit_serial(std::span<std::byte const> data);

/// CODE SET of a designation descriptor (SPC-4 Table 480).
enum class code_set : std::uint8_t { binary = 1, ascii = 2, utf8 = 3 };
/// ASSOCIATION: what the designator names.
enum class association : std::uint8_t { logical_unit = 0, target_port = 1, target_device = 2 };
/// DESIGNATOR TYPE (SPC-4 Table 482; UUID from SPC-5).
enum class designator_type : std::uint8_t {
    vendor_specific = 0x0,
    t10_vendor_id = 0x1,
    eui64 = 0x2,
    naa = 0x3,
    relative_target_port = 0x4,
    target_port_group = 0x5,
    logical_unit_group = 0x6,
    md5_logical_unit = 0x7,
    scsi_name_string = 0x8,
    protocol_specific_port = 0x9,
    uuid = 0xa,
};

/// One designation descriptor of page 83h (SPC-4 §7.8.6.1).
struct designator {
    std::uint8_t code_set = 0;  ///< compare with scsi::code_set
    std::uint8_t association = 0; ///< compare with scsi::association
    std::uint8_t type = 0;      ///< compare with scsi::designator_type
    /// PROTOCOL IDENTIFIER when PIV is set for a port or device association
    /// (5 is iSCSI, SPC-4 Table 362).
    std::optional<std::uint8_t> protocol;
    std::vector<std::byte> value;

    /// Text for a user: ASCII/UTF-8 values as text (up to the first NUL),
    /// binary values as lower-case hex, NAA prefixed "naa.", EUI-64 "eui.".
    [[nodiscard]] std::string text() const;
};

/// Page 83h, every well-formed descriptor in order. A descriptor that runs
/// past the data ends the list (truncation is normal here).
[[nodiscard]] result<std::vector<designator>> parse_device_identification(std::span<std::byte const> data);

/**
 * The designator that best names the logical unit (association 0): NAA,
 * then EUI-64, UUID, SCSI name string, T10 vendor ID; longer NAA/EUI
 * forms first. nullptr when there is none.
 */
[[nodiscard]] designator const* best_lu_designator(std::span<designator const> ds) noexcept;

/// Page B0h (SBC-3 §6.5.3). Zero means "not reported" / "no limit" for
/// every count, as in SBC-3; the old 0Ch-byte page fills only the first.
struct block_limits {
    bool wsnz = false; ///< WRITE SAME with zero blocks is refused
    std::uint8_t max_compare_and_write = 0;
    std::uint16_t optimal_transfer_granularity = 0;  ///< blocks
    std::uint32_t max_transfer_length = 0;           ///< blocks
    std::uint32_t optimal_transfer_length = 0;       ///< blocks
    std::uint32_t max_prefetch_length = 0;           ///< blocks
    std::uint32_t max_unmap_lba_count = 0;
    std::uint32_t max_unmap_descriptor_count = 0;
    std::uint32_t optimal_unmap_granularity = 0;
    std::optional<std::uint32_t> unmap_granularity_alignment; ///< when UGAVALID
    std::uint64_t max_write_same_length = 0;
    bool truncated = false;
};
[[nodiscard]] result<block_limits> parse_block_limits(std::span<std::byte const> data);

/// Page B2h (SBC-3 §6.5.4): which deallocation commands the LU honours.
struct logical_block_provisioning {
    std::uint8_t threshold_exponent = 0;
    bool lbpu = false;    ///< UNMAP supported
    bool lbpws = false;   ///< WRITE SAME(16) with UNMAP supported
    bool lbpws10 = false; ///< WRITE SAME(10) with UNMAP supported
    bool lbprz = false;   ///< unmapped blocks read back as zeros
    bool anc_sup = false; ///< ANCHOR supported
    std::uint8_t provisioning_type = 0; ///< 0 full, 1 resource, 2 thin
};
[[nodiscard]] result<logical_block_provisioning> parse_logical_block_provisioning(std::span<std::byte const> data);

} // namespace iscsi::scsi
