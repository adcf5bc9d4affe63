/**
 * @file
 * The answer to SendTargets=All (RFC 7143 §12.3 and Appendix C): a
 * sequence of TargetName keys, each followed by the TargetAddress keys of
 * the portals through which that target can be reached.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/discovery/portal.hpp"
#include "iscsi/text/key_value.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace iscsi::discovery {

/// Limits on what a target may return (STYLE habit 16).
inline constexpr std::size_t max_targets = 4096;
inline constexpr std::size_t max_portals_per_target = 256;

struct target_record {
    std::string name;
    std::vector<portal> portals;
    std::string alias; ///< TargetAlias, if the target sent one
    friend bool operator==(target_record const&, target_record const&) = default;
};

/**
 * Parses the keys of a complete SendTargets response.
 *
 * - TargetName starts a record; names are checked with check_iscsi_name.
 *   A name that appears twice adds its portals to the first record.
 * - TargetAddress adds a portal to the current record (duplicates dropped);
 *   one before any TargetName is errc::address_before_name.
 * - A record without TargetAddress is reachable through the portal of the
 *   discovery session (Appendix C), so `discovery_portal` is added for it.
 * - TargetAlias is kept; other keys are ignored. An empty response is zero
 *   targets.
 *
 * Errors: bad_target_name, bad_target_address, address_before_name,
 * too_many_targets, too_many_portals. The diagnostics name the target.
 */
[[nodiscard]] result<std::vector<target_record>> parse_sendtargets(text::key_values const& keys,
                                                                   portal const& discovery_portal,
                                                                   diagnostics* diag = nullptr);

} // namespace iscsi::discovery
