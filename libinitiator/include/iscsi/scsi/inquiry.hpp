/**
 * @file
 * Standard INQUIRY data (SPC-4 §6.6.2). The vital product data pages that
 * INQUIRY with EVPD=1 returns are in vpd.hpp.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace iscsi::scsi {

/// PERIPHERAL DEVICE TYPE values an initiator acts on (SPC-4 Table 140).
enum class device_type : std::uint8_t {
    direct_access = 0x00, ///< disks: the SBC command set
    sequential_access = 0x01,
    cd_dvd = 0x05,
    optical = 0x07,
    medium_changer = 0x08,
    storage_array_controller = 0x0c,
    enclosure_services = 0x0d,
    unknown = 0x1f, ///< also "no logical unit" with qualifier 3
};

struct inquiry_data {
    /// 0: the LU is connected; 1: supported but not connected;
    /// 3: the target cannot support a LU here (SPC-4 §6.6.2).
    std::uint8_t peripheral_qualifier = 0;
    std::uint8_t device_type = 0; ///< compare with scsi::device_type
    bool removable = false;
    std::uint8_t version = 0;     ///< 05h SPC-3, 06h SPC-4, 07h SPC-5
    std::uint8_t response_data_format = 0; ///< 2 for every current device
    bool hisup = false;           ///< hierarchical LUN addressing
    std::uint8_t tpgs = 0;        ///< ALUA: 1 implicit, 2 explicit, 3 both
    bool protect = false;         ///< protection information supported
    bool cmdque = false;          ///< command queuing
    std::string vendor;           ///< T10 VENDOR IDENTIFICATION, trimmed
    std::string product;          ///< trimmed
    std::string revision;         ///< trimmed
    std::vector<std::uint16_t> version_descriptors; ///< non-zero ones only
    /// ADDITIONAL LENGTH said more than the data held (allocation length
    /// too small); the fields that were present are filled in.
    bool truncated = false;

    /// Qualifier 0: a logical unit is present at this LUN.
    [[nodiscard]] bool connected() const noexcept { return peripheral_qualifier == 0; }
};

/**
 * Parses standard INQUIRY data. Strings are ASCII with trailing and leading
 * spaces removed; bytes outside 20h-7Eh become spaces first. Errors:
 * errc::short_response below the 5-byte header.
 */
[[nodiscard]] result<inquiry_data> parse_inquiry(std::span<std::byte const> data);

} // namespace iscsi::scsi
