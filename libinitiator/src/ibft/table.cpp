#include "iscsi/ibft/table.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace iscsi::ibft {
namespace {

// Offsets of iBFT 1.03. All numbers are little-endian.
constexpr std::size_t acpi_header_size = 48; // 36-byte ACPI header + 12 reserved
constexpr std::size_t control_offset = 48;
constexpr std::size_t structure_header = 6;  // id, version, length(2), index, flags
constexpr std::uint8_t id_control = 1, id_initiator = 2, id_nic = 3, id_target = 4;
constexpr std::size_t initiator_size = 74, nic_size = 102, target_size = 54;

/// A bounds-checked view of the table: reads outside it give zeros and are
/// never dereferenced.
class reader {
public:
    explicit reader(std::span<std::byte const> t) : t_(t) {}
    [[nodiscard]] bool fits(std::size_t at, std::size_t n) const noexcept { return at <= t_.size() && n <= t_.size() - at; }
    [[nodiscard]] std::uint8_t u8(std::size_t at) const noexcept
    {
        return fits(at, 1) ? std::to_integer<std::uint8_t>(t_[at]) : 0;
    }
    [[nodiscard]] std::uint16_t u16(std::size_t at) const noexcept
    {
        return static_cast<std::uint16_t>(u8(at) | (u8(at + 1) << 8));
    }
    [[nodiscard]] std::uint32_t u32(std::size_t at) const noexcept
    {
        return static_cast<std::uint32_t>(u16(at)) | (static_cast<std::uint32_t>(u16(at + 2)) << 16);
    }
    [[nodiscard]] std::string text(std::size_t at, std::size_t n) const
    {
        if (!fits(at, n))
            return {};
        std::string s(reinterpret_cast<char const*>(t_.data() + at), n);
        s.resize(std::min(s.size(), s.find('\0')));
        return s;
    }
    /// A string a structure points to: (length, offset) at `field`. Out of
    /// range or overlapping the headers: absent, with a warning.
    [[nodiscard]] std::string pointed(std::size_t field, std::vector<std::string>& warnings, char const* what) const
    {
        auto const len = u16(field), off = u16(field + 2);
        if (len == 0)
            return {};
        if (off < acpi_header_size || !fits(off, len)) {
            warnings.push_back(std::string(what) + " lies outside the table (offset " + std::to_string(off) +
                               ", length " + std::to_string(len) + "); ignored");
            return {};
        }
        return text(off, len);
    }
    /// A 16-byte address: IPv4 as ::ffff:a.b.c.d; all zeros and
    /// ::ffff:0.0.0.0 mean "none".
    [[nodiscard]] std::string address(std::size_t at) const
    {
        if (!fits(at, 16))
            return {};
        std::array<unsigned char, 16> a{};
        std::memcpy(a.data(), t_.data() + at, 16);
        bool const mapped = std::all_of(a.begin(), a.begin() + 10, [](unsigned char c) { return c == 0; }) &&
                            a[10] == 0xff && a[11] == 0xff;
        char buf[INET6_ADDRSTRLEN] = {};
        if (mapped) {
            if (a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] == 0)
                return {};
            ::inet_ntop(AF_INET, a.data() + 12, buf, sizeof buf);
            return buf;
        }
        if (std::all_of(a.begin(), a.end(), [](unsigned char c) { return c == 0; }))
            return {};
        ::inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
        return buf;
    }
    [[nodiscard]] std::size_t size() const noexcept { return t_.size(); }

private:
    std::span<std::byte const> t_;
};

initiator read_initiator(reader const& r, std::size_t at, std::vector<std::string>& w)
{
    initiator i;
    i.index = r.u8(at + 4);
    i.flags = r.u8(at + 5);
    i.isns_server = r.address(at + 6);
    i.slp_server = r.address(at + 22);
    i.primary_radius = r.address(at + 38);
    i.secondary_radius = r.address(at + 54);
    i.name = r.pointed(at + 70, w, "the initiator name");
    return i;
}

nic read_nic(reader const& r, std::size_t at, std::vector<std::string>& w)
{
    nic n;
    n.index = r.u8(at + 4);
    n.flags = r.u8(at + 5);
    n.ip = r.address(at + 6);
    n.prefix_length = r.u8(at + 22);
    n.origin = r.u8(at + 23);
    n.gateway = r.address(at + 24);
    n.primary_dns = r.address(at + 40);
    n.secondary_dns = r.address(at + 56);
    n.dhcp = r.address(at + 72);
    n.vlan = static_cast<std::uint16_t>(r.u16(at + 88) & 0x0fffU); // 802.1Q: the low 12 bits are the ID
    for (std::size_t k = 0; k < 6; ++k)
        n.mac[k] = r.u8(at + 90 + k);
    n.pci_bdf = r.u16(at + 96);
    n.hostname = r.pointed(at + 98, w, "a NIC's host name");
    return n;
}

target read_target(reader const& r, std::size_t at, std::vector<std::string>& w)
{
    target t;
    t.index = r.u8(at + 4);
    t.flags = r.u8(at + 5);
    t.ip = r.address(at + 6);
    t.port = r.u16(at + 22);
    for (std::size_t k = 0; k < 8; ++k)
        t.lun_bytes[k] = r.u8(at + 24 + k);
    t.chap_type = r.u8(at + 32);
    t.nic_association = r.u8(at + 33);
    t.name = r.pointed(at + 34, w, "a target name");
    t.chap_name = r.pointed(at + 38, w, "a CHAP name");
    t.chap_secret = r.pointed(at + 42, w, "a CHAP secret");
    t.reverse_chap_name = r.pointed(at + 46, w, "a reverse CHAP name");
    t.reverse_chap_secret = r.pointed(at + 50, w, "a reverse CHAP secret");
    return t;
}

/// The structure at `off` if it is whole, has the expected ID and a
/// version and length we understand; else false (with a warning). A
/// length field that runs past the table is read to its iBFT 1.03 size.
bool structure_ok(reader const& r, std::size_t off, std::uint8_t id, std::size_t min_size, std::vector<std::string>& w)
{
    if (off < acpi_header_size || !r.fits(off, min_size)) {
        w.push_back("structure at offset " + std::to_string(off) + " lies outside the table; ignored");
        return false;
    }
    if (r.u8(off) != id)
        return false; // another kind: the caller looks for it by its ID
    std::size_t const length = r.u16(off + 2);
    if (length < min_size) {
        w.push_back("structure at offset " + std::to_string(off) + " is shorter than iBFT 1.03 says; ignored");
        return false;
    }
    if (!r.fits(off, length))
        w.push_back("structure at offset " + std::to_string(off) + " says it is " + std::to_string(length) +
                    " bytes long, past the table's end; read as its " + std::to_string(min_size) + " bytes");
    return true;
}

/// iBFT 1.03 §3.4: the five fixed slots and the structure ID each is for.
constexpr std::array<char const*, 5> slot_names{"initiator", "NIC0", "target0", "NIC1", "target1"};
constexpr std::array<std::uint8_t, 5> slot_ids{id_initiator, id_nic, id_target, id_nic, id_target};

/// iBFT 1.03 §3.5-§3.7: the bytes each kind has; 0 for the IDs not read
/// here (control, extensions, reserved, unknown).
std::size_t size_of(std::uint8_t id)
{
    return id == id_initiator ? initiator_size : id == id_nic ? nic_size : id == id_target ? target_size : 0;
}

char const* kind_of(std::uint8_t id)
{
    return id == id_initiator ? "an initiator" : id == id_nic ? "a NIC" : "a target";
}

/// The bytes of the structures read so far, [first, second): their iBFT
/// 1.03 size (what is read), not their length field.
using claimed = std::vector<std::pair<std::size_t, std::size_t>>;

/// A structure already read through another slot, or one overlapping it,
/// is not read again: one boot target must not become two logins, and
/// bytes that belong to another structure are not fields of this one.
bool claim(claimed& c, std::size_t off, std::size_t size, std::string const& where, std::vector<std::string>& w)
{
    for (auto const& [begin, end] : c) {
        if (off == begin) {
            w.push_back(where + ": the structure at offset " + std::to_string(off) + " was already read; ignored");
            return false;
        }
        if (off < end && begin < off + size) {
            w.push_back(where + ": the structure at offset " + std::to_string(off) + " overlaps the one at " +
                        std::to_string(begin) + "; ignored");
            return false;
        }
    }
    c.emplace_back(off, off + size);
    return true;
}

/// Adds `x` unless one of its kind with its index is there already (the
/// first wins: a target's nic_association must name one NIC).
template <class T>
void add_once(std::vector<T>& v, T x, char const* kind, std::vector<std::string>& w)
{
    if (std::any_of(v.begin(), v.end(), [&](T const& y) { return y.index == x.index; })) {
        w.push_back(std::string("a second ") + kind + " with index " + std::to_string(x.index) + "; ignored");
        return;
    }
    v.push_back(std::move(x));
}

/// The structure control slot `k` points at (iBFT 1.03 §3.4), read by its
/// ID. Slots past the fifth are expansion slots and may hold any kind.
void read_slot(reader const& r, std::size_t k, std::size_t off, std::size_t headers_end, table& t, claimed& c)
{
    auto& w = t.warnings;
    std::string const where =
        "control slot " + std::to_string(k) + (k < slot_names.size() ? std::string(" (") + slot_names[k] + ")" : "");
    if (off < headers_end || !r.fits(off, structure_header)) {
        w.push_back(where + (off < headers_end ? " points into the table's headers" : " points outside the table") +
                    "; ignored");
        return;
    }
    std::uint8_t const id = r.u8(off);
    std::size_t const size = size_of(id);
    if (size == 0) {
        w.push_back(where + " points at an unknown structure (ID " + std::to_string(id) + "); ignored");
        return;
    }
    if (!structure_ok(r, off, id, size, w) || !claim(c, off, size, where, w))
        return;
    if (k < slot_ids.size() && slot_ids[k] != id)
        w.push_back(where + " holds " + kind_of(id) + " structure; read as one");
    if (id == id_initiator && t.init)
        w.push_back("a second initiator structure; ignored");
    else if (id == id_initiator)
        t.init = read_initiator(r, off, w);
    else if (id == id_nic)
        add_once(t.nics, read_nic(r, off, w), "NIC", w);
    else
        add_once(t.targets, read_target(r, off, w), "target", w);
}

} // namespace

std::uint64_t target::lun() const noexcept
{
    // SAM-5 single level LUN structure: one level in bytes 0-1, bytes 2-7
    // zero; the address method is in the top two bits of byte 0.
    bool const single_level = std::all_of(lun_bytes.begin() + 2, lun_bytes.end(), [](auto b) { return b == 0; });
    if (single_level && lun_bytes[0] == 0) // peripheral device addressing, bus identifier 0
        return lun_bytes[1];
    if (single_level && lun_bytes[0] >> 6 == 1) // flat space addressing: a 14-bit LUN
        return (static_cast<std::uint64_t>(lun_bytes[0] & 0x3fU) << 8) | lun_bytes[1];
    // Not one number: a bus identifier other than 0 (byte 1 then names a
    // target behind that bus, not a LUN), logical unit or extended
    // addressing, or a second level. The 8 bytes, big-endian.
    std::uint64_t v = 0;
    for (auto b : lun_bytes)
        v = (v << 8) | b;
    return v;
}

result<table> parse(std::span<std::byte const> bytes, parse_options const& o)
{
    reader const whole(bytes);
    if (bytes.size() < acpi_header_size + 18)
        return make_error_code(errc::too_short);
    table t;
    t.signature = whole.text(0, 4);
    if (t.signature != "iBFT" && t.signature != "IBFT" && t.signature != "BIFT")
        return make_error_code(errc::bad_signature);
    std::uint32_t const length = whole.u32(4);
    if (length < acpi_header_size + 18 || length > bytes.size())
        return make_error_code(errc::too_short);
    reader const r(bytes.first(length));
    t.revision = r.u8(8);
    t.oem_id = r.text(10, 6);
    t.oem_table_id = r.text(16, 8);
    unsigned sum = 0;
    for (std::size_t k = 0; k < length; ++k)
        sum += r.u8(k);
    if ((sum & 0xffU) != 0) {
        if (o.reject_bad_checksum)
            return make_error_code(errc::bad_checksum);
        t.warnings.push_back("the table's checksum is wrong (firmware often gets it wrong); used anyway");
    }
    // iBFT 1.03 §3.4: the control structure holds at least its five slots
    // and lies inside the table; else nothing in it can be trusted.
    std::size_t const control_len = r.u16(control_offset + 2);
    if (r.u8(control_offset) != id_control || control_len < 18 || !r.fits(control_offset, control_len))
        return make_error_code(errc::no_control);
    // Every 16-bit offset after the control header and its extensions
    // word: initiator, NIC0, target0, NIC1, target1, then expansion slots.
    claimed c;
    for (std::size_t slot = control_offset + 8; slot + 2 <= control_offset + control_len; slot += 2) {
        if (std::size_t const off = r.u16(slot); off != 0)
            read_slot(r, (slot - control_offset - 8) / 2, off, control_offset + control_len, t, c);
    }
    return t;
}

std::optional<std::size_t> find_in_memory(std::span<std::byte const> memory)
{
    reader const r(memory);
    for (std::size_t at = 0; at + acpi_header_size <= memory.size(); at += 16) {
        auto const sig = r.text(at, 4);
        if (sig != "iBFT" && sig != "IBFT" && sig != "BIFT")
            continue;
        auto const length = r.u32(at + 4);
        if (length >= acpi_header_size + 18 && r.fits(at, length))
            return at;
    }
    return std::nullopt;
}

namespace {

class category final : public error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "iscsi.ibft"; }
    [[nodiscard]] std::string message(int v) const override
    {
        switch (static_cast<errc>(v)) {
        case errc::too_short: return "the iBFT is shorter than its headers or its own length";
        case errc::bad_signature: return "not an iBFT (signature is not iBFT, IBFT or BIFT)";
        case errc::bad_checksum: return "the iBFT's checksum is wrong";
        case errc::no_control: return "the iBFT has no valid control structure";
        }
        return "unknown iBFT error";
    }
    [[nodiscard]] recovery recovery_of(int) const noexcept override { return recovery::report_to_user; }
};

} // namespace

std::error_code make_error_code(errc e) noexcept
{
    static category const cat;
    return {static_cast<int>(e), cat};
}

} // namespace iscsi::ibft
