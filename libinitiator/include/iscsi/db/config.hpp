/**
 * @file
 * iscsid.conf and initiatorname.iscsi. iscsid.conf holds the defaults of new
 * node and discovery records (node.*, discovery.sendtargets.*,
 * discovery.isns.*) and the daemon's own iscsid.* keys. Unlike open-iscsi,
 * whose iscsiadm falls back to compiled-in defaults whenever iscsid is not
 * running, every record we create starts from this file (docs/compat.md).
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/records.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace iscsi::db {

/// iscsid.data_path: who carries a session's SCSI traffic (not in open-iscsi).
enum class data_path : std::uint8_t {
    automatic, ///< the kernel's iscsi_tcp when it can be loaded, else user space
    kernel,    ///< only the kernel: a login fails without iscsi_tcp
    user,      ///< user space: the LUNs as FUSE files and loop devices
};

/// The iscsid.* keys.
struct daemon_settings {
    /// iscsid.startup: the command iscsiadm runs to start iscsid on demand.
    std::string startup;
    /// iscsid.safe_logout: refuse to log out a session whose disks are mounted.
    bool safe_logout = false;
    /// iscsid.ipc_auth_uid: open-iscsi's choice between uid 0 alone (Yes)
    /// and uid 0 named "root" (No). Parsed and kept for compatibility; our
    /// iscsid always authorises by uid 0 alone (docs/compat.md).
    bool ipc_auth_uid = false;
    /// iscsid.data_path.
    data_path path = data_path::automatic;
    friend bool operator==(daemon_settings const&, daemon_settings const&) = default;
};

struct config {
    node_record node_defaults;
    discovery_record sendtargets_defaults;
    discovery_record isns_defaults;
    daemon_settings daemon;
};

/// open-iscsi's compiled-in defaults (what a missing iscsid.conf gives).
[[nodiscard]] config default_config();

/// Applies iscsid.conf text over default_config(). Unknown keys and bad
/// values are reported as warnings and otherwise ignored, as open-iscsi does.
[[nodiscard]] config parse_config(std::string_view text, parse_report* report = nullptr);

/// Reads iscsid.conf; a missing file gives default_config().
[[nodiscard]] result<config> load_config(std::filesystem::path const& file,
                                         parse_report* report = nullptr);

/// initiatorname.iscsi: InitiatorName=iqn... and optionally InitiatorAlias=.
struct initiator_identity {
    std::string name;
    std::string alias;
};

/// Parses initiatorname.iscsi: '#' comments, "InitiatorName=" and
/// "InitiatorAlias=" (the value runs to the first blank, like open-iscsi).
[[nodiscard]] initiator_identity parse_initiator_identity(std::string_view text);

/// Reads the file; fails with the OS error when it cannot be read and with
/// db::errc::no_initiator_name when it has no InitiatorName.
[[nodiscard]] result<initiator_identity> load_initiator_identity(std::filesystem::path const& file);

/// The file text iscsi-iname and package scripts write.
[[nodiscard]] std::string format_initiator_identity(initiator_identity const& id);

} // namespace iscsi::db
