/**
 * @file
 * Errors of the discovery module (STYLE habit 6). A malformed portal string
 * usually comes from the user (iscsiadm -p) and is reported to them; a
 * malformed SendTargets response is the target's fault and fails the
 * discovery session.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <system_error>
#include <type_traits>

namespace iscsi::discovery {

enum class errc : int {
    // --- portal strings (report_to_user) ---
    /// Empty, unbalanced brackets, bad characters or a too-long host.
    bad_portal_address = 1,
    /// The port is not a number in 1..65535.
    bad_port,
    /// The portal group tag is not a number in 0..65535.
    bad_tpgt,

    // --- SendTargets responses (fail_session) ---
    /// TargetName is not a valid iSCSI name (§4.2.7).
    bad_target_name,
    /// A TargetAddress the target sent cannot be parsed.
    bad_target_address,
    /// A TargetAddress came before any TargetName (§12.3, Appendix C).
    address_before_name,
    /// More targets than max_targets.
    too_many_targets,
    /// More portals for one target than max_portals_per_target.
    too_many_portals,
};

/// The category of iscsi::discovery::errc.
[[nodiscard]] error_category const& discovery_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), discovery_category()};
}

} // namespace iscsi::discovery

template <>
struct std::is_error_code_enum<iscsi::discovery::errc> : std::true_type {};
