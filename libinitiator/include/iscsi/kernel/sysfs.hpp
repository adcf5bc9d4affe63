/**
 * @file
 * The kernel's iSCSI sessions as sysfs shows them: /sys/class/iscsi_session,
 * iscsi_connection and scsi_host (the iSCSI transport class's attributes).
 * iscsiadm lists them; iscsid adopts them when it starts.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <system_error>
#include <vector>

namespace iscsi::kernel {

struct sysfs_session {
    std::uint32_t sid = 0;
    std::optional<std::uint32_t> host_no; ///< the SCSI host it hangs under
    std::string transport = "tcp";        ///< the host's proc_name without "iscsi_"
    std::string target;
    std::string tpgt;
    std::string state;                    ///< LOGGED_IN, FAILED, FREE
    std::string iface;                    ///< ifacename
    std::string address, port;            ///< the connection's current peer
    std::string persistent_address, persistent_port;
};

/// The first line of a sysfs attribute file ("" when unreadable).
[[nodiscard]] std::string sysfs_attribute(std::filesystem::path const& file);
/// The entries of `dir` named `prefix` and a number ("session12",
/// "target0"), by ascending number; others are left out.
[[nodiscard]] std::vector<std::pair<std::uint32_t, std::filesystem::path>>
numbered_entries(std::filesystem::path const& dir, std::string_view prefix);

/// The iSCSI hosts under `root` (class/iscsi_host/hostN), ascending.
[[nodiscard]] std::vector<std::uint32_t> sysfs_hosts(std::filesystem::path const& root);

/// A host's iSCSI transport: its scsi_host proc_name without "iscsi_"
/// ("tcp" for iscsi_tcp); "tcp" when it cannot be read.
[[nodiscard]] std::string host_transport(std::filesystem::path const& root, std::uint32_t host_no);

/// Asks the kernel to scan every channel, target and LUN of a SCSI host
/// ("- - -" to its scan file); returns when the scan is done.
std::error_code scan_host(std::filesystem::path const& root, std::uint32_t host_no);

/// Every session under `root` (normally /sys), by ascending sid; one that
/// vanishes while being read is left out.
[[nodiscard]] std::vector<sysfs_session> sysfs_sessions(std::filesystem::path const& root);
[[nodiscard]] std::optional<sysfs_session> read_sysfs_session(std::filesystem::path const& root, std::uint32_t sid);

} // namespace iscsi::kernel
