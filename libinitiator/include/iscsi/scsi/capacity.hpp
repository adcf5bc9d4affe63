/**
 * @file
 * READ CAPACITY parameter data (SBC-3 §5.15.2 and §5.16.2).
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace iscsi::scsi {

struct capacity {
    std::uint64_t last_lba = 0;   ///< RETURNED LOGICAL BLOCK ADDRESS
    std::uint32_t block_size = 0; ///< LOGICAL BLOCK LENGTH IN BYTES, never 0
    // READ CAPACITY(16) only:
    bool protection_enabled = false;     ///< PROT_EN
    std::uint8_t protection_type = 0;    ///< 1-3 when enabled (P_TYPE + 1)
    std::uint8_t physical_exponent = 0;  ///< 2^n logical blocks per physical block
    bool lbpme = false;  ///< logical block provisioning (thin) enabled
    bool lbprz = false;  ///< unmapped blocks read as zeros
    std::uint16_t lowest_aligned_lba = 0;

    /// Number of logical blocks (last_lba + 1; 0 only if last_lba wraps).
    [[nodiscard]] std::uint64_t blocks() const noexcept { return last_lba + 1; }
    /// Capacity in bytes, saturating at UINT64_MAX.
    [[nodiscard]] std::uint64_t bytes() const noexcept;
    /// Physical block size in bytes (block_size << physical_exponent).
    [[nodiscard]] std::uint64_t physical_block_size() const noexcept;
    /// READ CAPACITY(10) answered FFFFFFFFh: the LU is too large for it and
    /// READ CAPACITY(16) must be used (SBC-3 §5.15.2).
    [[nodiscard]] bool needs_read_capacity16() const noexcept { return last_lba == 0xffffffffU; }
};

/// 8 bytes: [0..3] last LBA, [4..7] block length. Errors:
/// errc::short_response below 8 bytes, errc::bad_capacity for length 0.
[[nodiscard]] result<capacity> parse_read_capacity10(std::span<std::byte const> data);

/// Up to 32 bytes; the first 12 are required, bytes 12-15 are used when
/// present. Errors as parse_read_capacity10 (12 bytes minimum).
[[nodiscard]] result<capacity> parse_read_capacity16(std::span<std::byte const> data);

} // namespace iscsi::scsi
