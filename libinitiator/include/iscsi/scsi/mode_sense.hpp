/**
 * @file
 * MODE SENSE(6)/(10) parameter data (SPC-4 §7.5.4-7.5.7) as a direct-access
 * device returns it (SBC-3 §6.4): the header's write-protect bit, the first
 * block descriptor, and the mode pages, with a reader for the Caching page.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/scsi/cdb.hpp" // mode page codes

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace iscsi::scsi {

/// A mode page as returned, header included (SPC-4 §7.5.7).
struct mode_page {
    std::uint8_t code = 0;
    std::uint8_t subpage = 0;
    bool parameters_savable = false; ///< PS
    std::vector<std::byte> bytes;    ///< the whole page, from byte 0
};

/// First block descriptor of a direct-access LU (SBC-3 §6.4.2).
struct block_descriptor {
    std::uint64_t blocks = 0;
    std::uint32_t block_length = 0;
};

struct mode_parameters {
    std::uint8_t medium_type = 0;
    bool write_protected = false; ///< WP, bit 7 of the DEVICE-SPECIFIC PARAMETER
    bool dpofua = false;          ///< DPO and FUA bits are honoured
    std::optional<block_descriptor> block;
    std::vector<mode_page> pages; ///< whole pages only, in order
    bool truncated = false;       ///< MODE DATA LENGTH ran past the data
};

/// Errors: errc::short_response below the 4-byte (6) or 8-byte (10) header.
[[nodiscard]] result<mode_parameters> parse_mode_sense6(std::span<std::byte const> data);
[[nodiscard]] result<mode_parameters> parse_mode_sense10(std::span<std::byte const> data);

/// Caching mode page 08h (SBC-3 §6.4.5).
struct caching_page {
    bool wce = false; ///< write cache enabled: flush with SYNCHRONIZE CACHE
    bool rcd = false; ///< read cache disabled
};
/// Errors: errc::short_response if the page is not 08h or has fewer than 3 bytes.
[[nodiscard]] result<caching_page> parse_caching_page(mode_page const& page);

/// The page with this code and subpage, or nullptr.
[[nodiscard]] mode_page const* find_mode_page(mode_parameters const& mp, std::uint8_t code,
                                              std::uint8_t subpage = 0) noexcept;

} // namespace iscsi::scsi
