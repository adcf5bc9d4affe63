/**
 * @file
 * `iscsistart -N`: the network the firmware booted over, brought up again
 * in the initramfs from the iBFT, over rtnetlink (no `ip` binary needed):
 * the NIC (by name, else by MAC) up, a VLAN interface on it when the iBFT
 * names a VLAN, the firmware's address and prefix, and routes so that each
 * target is reached the way the firmware reached it: a host route through
 * the gateway for a target outside the subnet, and a default route through
 * the gateway when there is none yet. Everything acts in the caller's
 * network namespace and is idempotent (run twice, same result).
 */
#pragma once

#include "iscsi/ibft/boot.hpp"

#include <string>
#include <vector>

namespace iscsistart {

/// Brings up the NICs of `entries`; prints one line per interface, and
/// returns false when any step failed (each failure printed, naming it).
bool set_up_network(std::vector<iscsi::ibft::boot_entry> const& entries);

} // namespace iscsistart
