/**
 * @file
 * The kernel's iSCSI sessions as sysfs shows them (/sys/class/iscsi_session,
 * iscsi_connection, scsi_host): what `iscsiadm -m session` lists. The sysfs
 * root is /sys, or ISCSI_SYSFS (tests build a tree of their own).
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace iscsiadm {

/// True when the kernel has iSCSI sessions (/sys/class/iscsi_session).
[[nodiscard]] bool has_sessions();

struct kernel_session_view {
    std::uint32_t sid = 0;
    std::string transport;  ///< "tcp" (the host's proc_name without "iscsi_")
    std::string address;    ///< the connection's current address
    std::string port;
    std::string tpgt;
    std::string target;
    std::string state;      ///< LOGGED_IN, FAILED, FREE
};

[[nodiscard]] std::filesystem::path sysfs_root();

/// Every session, by ascending sid; unreadable ones are skipped.
[[nodiscard]] std::vector<kernel_session_view> kernel_sessions();
[[nodiscard]] std::optional<kernel_session_view> kernel_session(std::uint32_t sid);

/// open-iscsi's one-line form: "tcp: [1] 127.0.0.1:3260,1 iqn... (non-flash)".
[[nodiscard]] std::string session_line(kernel_session_view const& s);

} // namespace iscsiadm
