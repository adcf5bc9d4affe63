/**
 * @file
 * Test-only: builds iBFT 1.03 tables byte by byte, so that a test reads as
 * "a table with two NICs and three targets, the third in an expansion slot".
 * The layout is written here from the spec, not taken from the parser:
 *
 *   0   ACPI header (36 bytes) + 12 reserved             iBFT 1.03 §3.3
 *   48  control: id 1, version, length, index, flags,    iBFT 1.03 §3.4
 *       extensions (u16), then u16 offsets: initiator, NIC0, target0, NIC1,
 *       target1, expansion slots (each 2 more bytes of control length)
 *   ..  structures in the order added, on 16-byte boundaries (as iPXE)
 *   ..  the string heap: NUL-terminated, pointed at by (u16 length, u16
 *       offset) pairs whose length leaves the NUL out
 *
 * build() fixes the table's length and checksum. What it returns can be
 * broken on purpose afterwards (set_u8/set_u16/set_u32, then
 * fix_checksum()), with the field offsets below.
 */
#pragma once

#include "iscsi/ibft/table.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace iscsi::ibft::test {

using ip_bytes = std::array<std::uint8_t, 16>;

/// An IPv4 address as iBFT stores it: ::ffff:a.b.c.d.
inline ip_bytes ip4(char const* text)
{
    ip_bytes a{};
    a[10] = a[11] = 0xff;
    if (::inet_pton(AF_INET, text, a.data() + 12) != 1)
        throw std::invalid_argument(text);
    return a;
}

inline ip_bytes ip6(char const* text)
{
    ip_bytes a{};
    if (::inet_pton(AF_INET6, text, a.data()) != 1)
        throw std::invalid_argument(text);
    return a;
}

/// Field offsets inside each structure (iBFT 1.03 §3.2, §3.5–§3.7).
namespace at {
inline constexpr std::size_t table_length = 4, table_checksum = 9;
inline constexpr std::size_t control = 48, control_length = control + 2, first_slot = control + 8;
inline constexpr std::size_t id = 0, length = 2, index = 4, flags = 5;
inline constexpr std::size_t initiator_name = 70;
inline constexpr std::size_t nic_ip = 6, nic_prefix = 22, nic_origin = 23, nic_gateway = 24, nic_vlan = 88,
                             nic_mac = 90, nic_hostname = 98;
inline constexpr std::size_t target_ip = 6, target_port = 22, target_lun = 24, target_chap_type = 32,
                             target_nic = 33, target_name = 34, target_chap_name = 38, target_chap_secret = 42,
                             target_rev_chap_name = 46, target_rev_chap_secret = 50;
} // namespace at

/// Control slots (iBFT 1.03 §3.4); 5 and on are expansion slots.
enum slot : std::size_t { initiator_slot = 0, nic0_slot, target0_slot, nic1_slot, target1_slot, expansion_slot };

struct initiator_spec {
    std::uint8_t index = 0;
    std::uint8_t flags = flag_valid | flag_boot_selected;
    ip_bytes isns{}, slp{}, primary_radius{}, secondary_radius{};
    std::string name = "iqn.2010-04.org.ipxe:builder";
};

struct nic_spec {
    std::uint8_t index = 0;
    std::uint8_t flags = flag_valid | flag_boot_selected;
    ip_bytes ip = ip4("10.0.2.15");
    std::uint8_t prefix = 24;
    std::uint8_t origin = 0;
    ip_bytes gateway{}, primary_dns{}, secondary_dns{}, dhcp{};
    std::uint16_t vlan = 0; ///< the whole 802.1Q TCI: priority, DEI, VLAN ID
    std::array<std::uint8_t, 6> mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    std::uint16_t pci_bdf = 0x0018;
    std::string hostname{};
};

struct target_spec {
    std::uint8_t index = 0;
    std::uint8_t flags = flag_valid | flag_boot_selected;
    ip_bytes ip = ip4("10.0.2.2");
    std::uint16_t port = 3260;
    std::array<std::uint8_t, 8> lun{0, 1, 0, 0, 0, 0, 0, 0};
    std::uint8_t chap_type = 0;
    std::uint8_t nic = 0;
    std::string name = "iqn.2003-01.org.linux-iscsi.builder:disk";
    std::string chap_name{}, chap_secret{}, rev_chap_name{}, rev_chap_secret{};
};

/// Which structure (in the order added) a test means.
struct part {
    std::size_t n;
};

/// A built table; a span of it is what parse() takes.
struct built_table {
    std::vector<std::byte> bytes;
    std::vector<std::size_t> offsets; ///< where each added structure starts

    [[nodiscard]] std::size_t offset_of(part p) const { return offsets.at(p.n); }
    [[nodiscard]] std::uint8_t u8(std::size_t at) const { return std::to_integer<std::uint8_t>(bytes.at(at)); }
    void set_u8(std::size_t at, std::uint8_t v) { bytes.at(at) = std::byte{v}; }
    void set_u16(std::size_t at, std::uint16_t v)
    {
        set_u8(at, static_cast<std::uint8_t>(v & 0xffU));
        set_u8(at + 1, static_cast<std::uint8_t>(v >> 8));
    }
    void set_u32(std::size_t at, std::uint32_t v)
    {
        set_u16(at, static_cast<std::uint16_t>(v & 0xffffU));
        set_u16(at + 2, static_cast<std::uint16_t>(v >> 16));
    }
    /// Sets byte 9 so that the bytes up to the length field sum to 0 mod 256.
    void fix_checksum()
    {
        std::uint32_t length = 0;
        for (std::size_t k = 4; k-- > 0;)
            length = length << 8 | static_cast<std::uint32_t>(u8(at::table_length + k));
        set_u8(at::table_checksum, 0);
        unsigned sum = 0;
        for (std::size_t k = 0; k < length && k < bytes.size(); ++k)
            sum += u8(k);
        set_u8(at::table_checksum, static_cast<std::uint8_t>((0x100U - (sum & 0xffU)) & 0xffU));
    }
    [[nodiscard]] std::span<std::byte const> span() const { return bytes; }
};

class table_builder {
public:
    part add(initiator_spec s) { return push(std::move(s)); }
    part add(nic_spec s) { return push(std::move(s)); }
    part add(target_spec s) { return push(std::move(s)); }

    /// Puts a structure's offset into a control slot (expansion slots grow
    /// the control structure's length).
    table_builder& place(std::size_t slot, part p) { return set_slot(slot, p); }
    /// Puts a raw offset into a control slot.
    table_builder& place_offset(std::size_t slot, std::uint16_t offset) { return set_slot(slot, offset); }

    [[nodiscard]] built_table build() const
    {
        built_table t;
        std::size_t const control_len = 8 + 2 * std::max<std::size_t>(slots_.size(), 5);
        std::size_t end = align(at::control + control_len);
        for (auto const& s : parts_) {
            t.offsets.push_back(end);
            end = align(end + size_of(s));
        }
        t.bytes.resize(end);
        heap h{t, end};
        header(t);
        t.set_u8(at::control, 1);     // id: control
        t.set_u8(at::control + 1, 1); // version
        t.set_u16(at::control_length, static_cast<std::uint16_t>(control_len));
        for (std::size_t k = 0; k < slots_.size(); ++k)
            t.set_u16(at::first_slot + 2 * k, slot_value(t, slots_[k]));
        for (std::size_t k = 0; k < parts_.size(); ++k)
            std::visit([&](auto const& s) { write(t, t.offsets[k], s, h); }, parts_[k]);
        t.set_u32(at::table_length, static_cast<std::uint32_t>(t.bytes.size()));
        t.fix_checksum();
        return t;
    }

private:
    using any_spec = std::variant<initiator_spec, nic_spec, target_spec>;
    using slot_value_t = std::variant<std::monostate, part, std::uint16_t>;

    /// Appends NUL-terminated strings after the structures.
    struct heap {
        built_table& t;
        std::size_t end;
        void put(std::size_t field, std::string const& s)
        {
            if (s.empty())
                return;
            t.bytes.resize(end + s.size() + 1);
            for (std::size_t k = 0; k < s.size(); ++k)
                t.set_u8(end + k, static_cast<std::uint8_t>(s[k]));
            t.set_u16(field, static_cast<std::uint16_t>(s.size()));
            t.set_u16(field + 2, static_cast<std::uint16_t>(end));
            end += s.size() + 1;
        }
    };

    static std::size_t align(std::size_t n) { return (n + 15) & ~std::size_t{15}; }
    static std::size_t size_of(any_spec const& s)
    {
        return std::holds_alternative<initiator_spec>(s) ? 74U : std::holds_alternative<nic_spec>(s) ? 102U : 54U;
    }

    part push(any_spec s)
    {
        parts_.push_back(std::move(s));
        return part{parts_.size() - 1};
    }
    table_builder& set_slot(std::size_t slot, slot_value_t v)
    {
        if (slots_.size() <= slot)
            slots_.resize(slot + 1);
        slots_[slot] = v;
        return *this;
    }
    static std::uint16_t slot_value(built_table const& t, slot_value_t const& v)
    {
        if (auto const* p = std::get_if<part>(&v))
            return static_cast<std::uint16_t>(t.offset_of(*p));
        if (auto const* o = std::get_if<std::uint16_t>(&v))
            return *o;
        return 0;
    }

    static void header(built_table& t)
    {
        auto text = [&](std::size_t at, std::string const& s) {
            for (std::size_t k = 0; k < s.size(); ++k)
                t.set_u8(at + k, static_cast<std::uint8_t>(s[k]));
        };
        text(0, "iBFT");
        t.set_u8(8, 1); // revision
        text(10, "BUILDR");
        text(16, "TESTTABL");
    }
    static void structure(built_table& t, std::size_t o, std::uint8_t id, std::size_t len, std::uint8_t index,
                          std::uint8_t flags)
    {
        t.set_u8(o + at::id, id);
        t.set_u8(o + 1, 1); // version
        t.set_u16(o + at::length, static_cast<std::uint16_t>(len));
        t.set_u8(o + at::index, index);
        t.set_u8(o + at::flags, flags);
    }
    static void address(built_table& t, std::size_t at, ip_bytes const& a)
    {
        for (std::size_t k = 0; k < a.size(); ++k)
            t.set_u8(at + k, a[k]);
    }

    static void write(built_table& t, std::size_t o, initiator_spec const& s, heap& h)
    {
        structure(t, o, 2, 74, s.index, s.flags);
        address(t, o + 6, s.isns);
        address(t, o + 22, s.slp);
        address(t, o + 38, s.primary_radius);
        address(t, o + 54, s.secondary_radius);
        h.put(o + at::initiator_name, s.name);
    }
    static void write(built_table& t, std::size_t o, nic_spec const& s, heap& h)
    {
        structure(t, o, 3, 102, s.index, s.flags);
        address(t, o + at::nic_ip, s.ip);
        t.set_u8(o + at::nic_prefix, s.prefix);
        t.set_u8(o + at::nic_origin, s.origin);
        address(t, o + at::nic_gateway, s.gateway);
        address(t, o + 40, s.primary_dns);
        address(t, o + 56, s.secondary_dns);
        address(t, o + 72, s.dhcp);
        t.set_u16(o + at::nic_vlan, s.vlan);
        for (std::size_t k = 0; k < s.mac.size(); ++k)
            t.set_u8(o + at::nic_mac + k, s.mac[k]);
        t.set_u16(o + 96, s.pci_bdf);
        h.put(o + at::nic_hostname, s.hostname);
    }
    static void write(built_table& t, std::size_t o, target_spec const& s, heap& h)
    {
        structure(t, o, 4, 54, s.index, s.flags);
        address(t, o + at::target_ip, s.ip);
        t.set_u16(o + at::target_port, s.port);
        for (std::size_t k = 0; k < s.lun.size(); ++k)
            t.set_u8(o + at::target_lun + k, s.lun[k]);
        t.set_u8(o + at::target_chap_type, s.chap_type);
        t.set_u8(o + at::target_nic, s.nic);
        h.put(o + at::target_name, s.name);
        h.put(o + at::target_chap_name, s.chap_name);
        h.put(o + at::target_chap_secret, s.chap_secret);
        h.put(o + at::target_rev_chap_name, s.rev_chap_name);
        h.put(o + at::target_rev_chap_secret, s.rev_chap_secret);
    }

    std::vector<any_spec> parts_;
    std::vector<slot_value_t> slots_;
};

/// The bytes of a table file (a fixture, a dump); empty when unreadable.
inline std::vector<std::byte> read_table_file(std::filesystem::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    std::vector<char> c{std::istreambuf_iterator<char>(in), {}};
    std::vector<std::byte> b(c.size());
    std::memcpy(b.data(), c.data(), c.size());
    return b;
}

/// Writes a table (or a memory image holding one) to `p`, making its directory.
inline void write_table_file(std::filesystem::path const& p, std::span<std::byte const> bytes)
{
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<char const*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

} // namespace iscsi::ibft::test
