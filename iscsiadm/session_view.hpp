/**
 * @file
 * `iscsiadm -m session -P 1..3` and `-m host -P 0..4`: the kernel's
 * sessions and hosts as open-iscsi 2.1.8 prints them, read from sysfs
 * (sysfs_root()). Golden outputs captured from open-iscsi in the VM are in
 * tests/fixtures/open-iscsi/kernel-session/.
 */
#pragma once

#include "iscsi/kernel/sysfs.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace iscsiadm {

struct session_view_options {
    int level = 1;              ///< -P
    bool show_secrets = false;  ///< -S
    /// iscsid's own view per sid ("NO CHANGE", "REOPEN", ...); absent: NO CHANGE.
    std::map<std::uint32_t, std::string> daemon_state;
    /// The loop devices of iscsid's user-space sessions (transport "user").
    std::map<std::uint32_t, std::vector<std::string>> user_devices;
};

/// The -P 1..3 tree of `sessions`, grouped by target and portal.
[[nodiscard]] std::string session_tree(std::vector<iscsi::kernel::sysfs_session> sessions,
                                       session_view_options const& o);

/// Every iSCSI host under sysfs, at `level` 0..4 (2..4 add its sessions).
[[nodiscard]] std::string host_listing(int level, session_view_options const& o);

/// True when sysfs has iSCSI hosts.
[[nodiscard]] bool has_hosts();

} // namespace iscsiadm
