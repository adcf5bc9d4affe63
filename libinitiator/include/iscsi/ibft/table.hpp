/**
 * @file
 * The iSCSI Boot Firmware Table (iBFT 1.03): what firmware that booted from
 * a SAN (iPXE, UEFI, NIC option ROMs) tells the OS about its initiator, NICs
 * and targets. A pure parser over bytes (STYLE habit 1): every offset and
 * length is checked against the table, structures are found through the
 * control structure's offsets (every slot, expansion slots too) and picked
 * by their ID, not their position. Firmware gets checksums wrong: a bad one
 * is a warning unless the caller insists.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace iscsi::ibft {

/// Structure flags (iBFT 1.03 §3): bit 0 "block valid", bit 1 "firmware
/// boot selected".
inline constexpr std::uint8_t flag_valid = 0x01;
inline constexpr std::uint8_t flag_boot_selected = 0x02;

struct initiator {
    std::uint8_t index = 0;
    std::uint8_t flags = 0;
    std::string name;                    ///< the initiator's IQN
    std::string isns_server, slp_server; ///< "" when absent
    std::string primary_radius, secondary_radius;
};

struct nic {
    std::uint8_t index = 0;
    std::uint8_t flags = 0;
    std::string ip;                      ///< "10.0.2.15" or an IPv6 text; "" when absent
    std::uint8_t prefix_length = 0;
    std::uint8_t origin = 0;             ///< how the address was set (3: DHCP)
    std::string gateway, primary_dns, secondary_dns, dhcp;
    std::uint16_t vlan = 0;              ///< the 12-bit VLAN ID (0: none)
    std::array<std::uint8_t, 6> mac{};
    std::uint16_t pci_bdf = 0;           ///< bus << 8 | device << 3 | function
    std::string hostname;
};

struct target {
    std::uint8_t index = 0;
    std::uint8_t flags = 0;
    std::string ip;
    std::uint16_t port = 3260;
    std::array<std::uint8_t, 8> lun_bytes{}; ///< the 8-byte SAM LUN as stored
    std::uint8_t chap_type = 0;          ///< 0 none, 1 CHAP, 2 mutual CHAP
    std::uint8_t nic_association = 0;    ///< index of the NIC to reach it through
    std::string name;
    std::string chap_name, chap_secret;
    std::string reverse_chap_name, reverse_chap_secret;
    /// The LUN number the SAM bytes encode (peripheral or flat addressing).
    [[nodiscard]] std::uint64_t lun() const noexcept;
};

struct table {
    std::string signature;               ///< "iBFT" (or "IBFT", "BIFT")
    std::uint8_t revision = 0;
    std::string oem_id, oem_table_id;
    std::optional<initiator> init;
    std::vector<nic> nics;               ///< in control-slot order
    std::vector<target> targets;
    std::vector<std::string> warnings;   ///< accepted oddities (a bad checksum, ...)
};

struct parse_options {
    /// Real firmware writes wrong checksums; by default that is a warning.
    bool reject_bad_checksum = false;
};

enum class errc {
    too_short = 1,       ///< shorter than the headers or than its own length field
    bad_signature,       ///< not iBFT / IBFT / BIFT
    bad_checksum,        ///< only with parse_options::reject_bad_checksum
    no_control,          ///< the control structure is missing or malformed
};
[[nodiscard]] std::error_code make_error_code(errc e) noexcept;

/// Parses a whole table (from its ACPI header on).
result<table> parse(std::span<std::byte const> bytes, parse_options const& o = {});

/// Where in `memory` (a copy of 0x80000..0x100000, say) a table starts:
/// a signature on a 16-byte boundary whose length fits.
[[nodiscard]] std::optional<std::size_t> find_in_memory(std::span<std::byte const> memory);

} // namespace iscsi::ibft

template <>
struct std::is_error_code_enum<iscsi::ibft::errc> : std::true_type {};
