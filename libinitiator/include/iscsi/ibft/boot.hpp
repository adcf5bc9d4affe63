/**
 * @file
 * Firmware boot targets as the rest of the system uses them: one entry per
 * target the firmware names, together with the NIC that reaches it and the
 * initiator (open-iscsi calls this a "boot context"). Values are text in the
 * kernel's sysfs formats (iscsi_ibft's attributes), so that an entry built
 * from a raw table equals one read from /sys/firmware/ibft, and
 * `iscsiadm -m fw` prints the same record either way. Pure: no I/O here
 * (firmware.hpp finds and reads the sources).
 */
#pragma once

#include "iscsi/db/records.hpp"
#include "iscsi/ibft/table.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace iscsi::ibft {

struct boot_entry {
    // The initiator structure.
    std::string initiator_name;
    std::string isid;            ///< only offload firmware (iscsi_boot*) has one
    // The NIC the target is associated with.
    std::string mac;             ///< "52:54:00:12:34:56"
    std::string ip, subnet_mask, gateway, primary_dns, secondary_dns, dhcp;
    int prefix_length = 0;
    int origin = 0;              ///< iBFT 1.03 prefix origin; 3 means DHCP
    std::string vlan = "0";      ///< the 12-bit VLAN ID, as text
    std::string netdev;          ///< the Linux interface with that MAC ("" when not found)
    std::uint16_t pci_bdf = 0;   ///< the NIC's PCI function (bus << 8 | dev << 3 | fn), from a raw table
    std::string transport = "tcp";
    // The target.
    std::string target_name, target_ip;
    int target_port = 3260;
    std::string lun;             ///< the SAM LUN bytes as the kernel prints them (%x per byte)
    std::uint64_t lun_number = 0;
    std::string chap_name, chap_secret, rev_chap_name, rev_chap_secret;
    int nic_index = 0, target_index = 0;
    int nic_flags = 0, target_flags = 0;

    /// Whether the firmware got its address by DHCP: origin 3, or a DHCP
    /// server address other than 0.0.0.0 (some firmware only sets that).
    [[nodiscard]] bool dhcp_configured() const;
};

/// The entries of a parsed table, in target index order. Like the kernel
/// and open-iscsi, a structure whose flags are all zero is not in use, and
/// a target needs a name, an address and a NIC (by nic_association) to be
/// an entry; a target left out gets a warning naming why.
std::vector<boot_entry> boot_entries(table const& t, std::vector<std::string>& warnings);

/// The record `iscsiadm -m fw` and `iscsistart -f` print for one entry,
/// open-iscsi 2.1.8's layout ("# BEGIN RECORD 2.1.8" ... "# END RECORD").
/// CHAP secrets are "********" unless `show_secrets`.
[[nodiscard]] std::string format_entry(boot_entry const& e, bool show_secrets);

/// A node record to log in with (open-iscsi's record from a boot context:
/// TPGT 1, discovery type fw, the firmware's CHAP names and secrets),
/// starting from `base` (defaults overlaid with iscsid.conf).
[[nodiscard]] db::node_record node_record_for(boot_entry const& e, db::node_record base);

} // namespace iscsi::ibft
