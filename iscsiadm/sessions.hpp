/**
 * @file
 * What `iscsiadm -m session` shows of the kernel's sessions (sysfs, read by
 * iscsi::kernel::sysfs_sessions). The sysfs root is /sys, or ISCSI_SYSFS
 * (tests build a tree of their own).
 */
#pragma once

#include "iscsi/kernel/sysfs.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace iscsiadm {

[[nodiscard]] std::filesystem::path sysfs_root();

/// True when the kernel has iSCSI sessions (/sys/class/iscsi_session).
[[nodiscard]] bool has_sessions();

/**
 * Waits until every block-type LUN of kernel session `sid` (disk, CD,
 * optical, RBC) has its block device in sysfs and its node in /dev, at most
 * `timeout_s` seconds. Returns the device names, or an error text naming
 * what was still missing.
 */
struct devices_wait {
    std::vector<std::string> devices; ///< "sda", ...
    std::string missing;              ///< empty when all are ready
};
[[nodiscard]] devices_wait wait_for_devices(std::uint32_t sid, double timeout_s);

/**
 * The sessions the initramfs made for the root file system, as its scripts
 * list them in /run/initramfs/iscsi.sessions (initramfs-hooks/README.md:
 * "SID TARGET ADDRESS PORT TPGT HOW" a line), or in the file
 * ISCSI_BOOT_SESSIONS names. No file: none. `-U` never logs these out,
 * whatever their node records say: / is on them until the kernel powers off.
 */
struct boot_session {
    std::uint32_t sid = 0;
    std::string target;
};
[[nodiscard]] std::vector<boot_session> boot_sessions();

/// "127.0.0.1:3260,1", "[fd00::1]:3260,1": a portal as open-iscsi prints it.
[[nodiscard]] std::string portal_text(std::string const& address, std::string const& port, std::string const& tpgt);

/// The session's current peer, or its persistent one while the connection
/// is down.
[[nodiscard]] std::string current_portal(iscsi::kernel::sysfs_session const& s);

/// open-iscsi's one-line form: "tcp: [1] 127.0.0.1:3260,1 iqn... (non-flash)".
[[nodiscard]] std::string session_line(iscsi::kernel::sysfs_session const& s);

} // namespace iscsiadm
