/**
 * @file
 * REPORT LUNS parameter data (SPC-4 §6.33.2).
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/core/ids.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace iscsi::scsi {

struct lun_list {
    std::vector<lun> luns;
    /// LUN LIST LENGTH as the target stated it (bytes, 8 per LUN).
    std::uint32_t list_length = 0;
    /// The list did not fit the allocation length; luns holds the first
    /// ones. Reissue REPORT LUNS with required_allocation_length().
    bool truncated = false;

    [[nodiscard]] std::uint64_t required_allocation_length() const noexcept { return std::uint64_t{list_length} + 8; }
};

/**
 * [0..3] LUN LIST LENGTH, [4..7] reserved, then 8-byte LUNs. Returns the
 * LUNs present (a partial trailing entry is dropped) and says truncated
 * when the stated length runs past the data. Errors: errc::short_response
 * below the 8-byte header.
 */
[[nodiscard]] result<lun_list> parse_report_luns(std::span<std::byte const> data);

} // namespace iscsi::scsi
