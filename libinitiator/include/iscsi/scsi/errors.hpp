/**
 * @file
 * Errors of the SCSI layer (STYLE habit 6). A SCSI response that cannot be
 * parsed, or a request that cannot be expressed in a CDB, is never a fault
 * of the iSCSI connection: the PDU that carried it was well formed. Every
 * code therefore recovers by reporting to the user (recovery::report_to_user).
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <system_error>
#include <type_traits>

namespace iscsi::scsi {

enum class errc : int {
    /// The data is shorter than the fixed part of its format (e.g. 8 bytes
    /// of READ CAPACITY(10) data, the 4-byte VPD header).
    short_response = 1,
    /// Sense data whose response code is not 70h-73h (SPC-4 §4.5.1).
    bad_sense,
    /// A VPD page whose PAGE CODE is not the one that was requested.
    wrong_vpd_page,
    /// READ CAPACITY reported a logical block length of zero.
    bad_capacity,
    /// blocks * block_size does not fit the 32-bit Expected Data Transfer
    /// Length of the iSCSI SCSI Command PDU (RFC 7143 §11.3.5).
    transfer_too_large,
    /// lba + blocks runs past the 64-bit LBA space.
    lba_out_of_range,
    /// A request that covers no logical blocks where zero has a dangerous
    /// meaning (WRITE SAME with zero blocks writes to the end of the medium).
    empty_request,
    /// More UNMAP block descriptors than one parameter list can carry.
    too_many_ranges,
};

/// The category of iscsi::scsi::errc; recovery is always report_to_user.
[[nodiscard]] iscsi::error_category const& scsi_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), scsi_category()};
}

} // namespace iscsi::scsi

template <>
struct std::is_error_code_enum<iscsi::scsi::errc> : std::true_type {};
