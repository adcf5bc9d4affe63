#include "iscsi/scsi/vpd.hpp"

#include "detail.hpp"
#include "iscsi/core/byte_io.hpp"
#include "iscsi/scsi/errors.hpp"

namespace iscsi::scsi {
namespace {

using detail::bytes;
using detail::u8;

struct vpd_page {
    bytes page;  ///< header + the part of PAGE LENGTH that is present
    bool truncated = false;
};

// VPD header (SPC-4 §7.8.1): [0] qualifier|type, [1] PAGE CODE,
// [2..3] PAGE LENGTH. Old targets used only byte 3; byte 2 was reserved
// (zero), so reading 16 bits is compatible.
result<vpd_page> vpd_header(bytes data, std::uint8_t page_code) noexcept
{
    if (data.size() < 4) return errc::short_response;
    if (u8(data, 1) != page_code) return errc::wrong_vpd_page;
    std::size_t const claimed = 4 + std::size_t{load_be16(data.subspan(2))};
    return vpd_page{data.first(std::min(data.size(), claimed)), data.size() < claimed};
}

// A 1- to 8-byte big-endian field at a page offset; 0 when not present.
template <std::size_t N>
std::uint64_t field_or_zero(bytes page, std::size_t offset) noexcept
{
    return page.size() >= offset + N ? load_be<N>(page.subspan(offset)) : 0;
}

// Designation descriptor (SPC-4 §7.8.6.1): [0] PROTOCOL IDENTIFIER (7-4) |
// CODE SET (3-0), [1] PIV (7) | ASSOCIATION (5-4) | TYPE (3-0),
// [3] DESIGNATOR LENGTH, [4..] DESIGNATOR.
designator make_designator(bytes desc)
{
    designator d;
    d.code_set = static_cast<std::uint8_t>(u8(desc, 0) & 0x0fU);
    d.association = static_cast<std::uint8_t>((u8(desc, 1) >> 4) & 0x03U);
    d.type = static_cast<std::uint8_t>(u8(desc, 1) & 0x0fU);
    // PROTOCOL IDENTIFIER is meaningful only with PIV for a port or device.
    bool const piv = (u8(desc, 1) & 0x80U) != 0;
    if (piv && (d.association == 1 || d.association == 2))
        d.protocol = static_cast<std::uint8_t>(u8(desc, 0) >> 4);
    auto const value = desc.subspan(4);
    d.value.assign(value.begin(), value.end());
    return d;
}

std::string hex(std::span<std::byte const> v)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * v.size());
    for (auto b : v) {
        auto const x = std::to_integer<unsigned>(b);
        s += digits[x >> 4];
        s += digits[x & 0xfU];
    }
    return s;
}

int lu_rank(designator const& d) noexcept
{
    if (d.association != static_cast<std::uint8_t>(association::logical_unit)) return -1;
    auto const size = static_cast<int>(d.value.size());
    switch (static_cast<designator_type>(d.type)) {
    case designator_type::naa: return 1000 + size;
    case designator_type::eui64: return 800 + size;
    case designator_type::uuid: return 700;
    case designator_type::scsi_name_string: return 600;
    case designator_type::t10_vendor_id: return 500;
    default: return -1;
    }
}

} // namespace

result<std::vector<std::uint8_t>> parse_supported_vpd_pages(std::span<std::byte const> data)
{
    auto p = vpd_header(data, vpd_supported_pages);
    if (!p) return p.error();
    std::vector<std::uint8_t> pages;
    for (auto b : p->page.subspan(4)) pages.push_back(std::to_integer<std::uint8_t>(b));
    return pages;
}

result<std::string> parse_unit_serial(std::span<std::byte const> data)
{
    auto p = vpd_header(data, vpd_unit_serial);
    if (!p) return p.error();
    return detail::ascii_field(p->page.subspan(4));
}

result<std::vector<designator>> parse_device_identification(std::span<std::byte const> data)
{
    auto p = vpd_header(data, vpd_device_identification);
    if (!p) return p.error();
    auto const list = p->page.subspan(4);
    std::vector<designator> out;
    std::size_t off = 0;
    while (off + 4 <= list.size()) {
        std::size_t const len = 4 + u8(list, off + 3);
        if (off + len > list.size()) break; // cut by the allocation length
        out.push_back(make_designator(list.subspan(off, len)));
        off += len;
    }
    return out;
}

std::string designator::text() const
{
    if (code_set == static_cast<std::uint8_t>(code_set::ascii) ||
        code_set == static_cast<std::uint8_t>(code_set::utf8)) {
        // SCSI name strings are NUL-terminated and NUL-padded (SPC-4 §7.8.6.11).
        std::string s;
        for (auto b : value) {
            if (b == std::byte{0}) break;
            s.push_back(static_cast<char>(std::to_integer<unsigned char>(b)));
        }
        return s;
    }
    switch (static_cast<designator_type>(type)) {
    case designator_type::naa: return "naa." + hex(value);
    case designator_type::eui64: return "eui." + hex(value);
    case designator_type::relative_target_port:
    case designator_type::target_port_group:
    case designator_type::logical_unit_group:
        // Four bytes, the identifier in the last two (SPC-4 §7.8.6.6-8).
        if (value.size() == 4) return std::to_string(load_be16(std::span{value}.subspan(2)));
        return hex(value);
    default:
        return hex(value);
    }
}

designator const* best_lu_designator(std::span<designator const> ds) noexcept
{
    designator const* best = nullptr;
    int best_rank = -1;
    for (auto const& d : ds) {
        if (int const r = lu_rank(d); r > best_rank) {
            best = &d;
            best_rank = r;
        }
    }
    return best;
}

/*
 * Block Limits (SBC-3 Table 197): [4] WSNZ (0), [5] MAXIMUM COMPARE AND
 * WRITE LENGTH, [6..7] OPTIMAL TRANSFER LENGTH GRANULARITY, [8..11] MAXIMUM
 * TRANSFER LENGTH, [12..15] OPTIMAL TRANSFER LENGTH, [16..19] MAXIMUM
 * PREFETCH LENGTH, [20..23] MAXIMUM UNMAP LBA COUNT, [24..27] MAXIMUM UNMAP
 * BLOCK DESCRIPTOR COUNT, [28..31] OPTIMAL UNMAP GRANULARITY, [32..35]
 * UGAVALID (31) | UNMAP GRANULARITY ALIGNMENT, [36..43] MAXIMUM WRITE SAME
 * LENGTH. SBC-2 era targets send only up to byte 15 (PAGE LENGTH 0Ch).
 */
result<block_limits> parse_block_limits(std::span<std::byte const> data)
{
    auto p = vpd_header(data, vpd_block_limits);
    if (!p) return p.error();
    bytes const pg = p->page;
    block_limits bl;
    bl.truncated = p->truncated;
    bl.wsnz = pg.size() > 4 && (u8(pg, 4) & 0x01U) != 0;
    bl.max_compare_and_write = static_cast<std::uint8_t>(field_or_zero<1>(pg, 5));
    bl.optimal_transfer_granularity = static_cast<std::uint16_t>(field_or_zero<2>(pg, 6));
    bl.max_transfer_length = static_cast<std::uint32_t>(field_or_zero<4>(pg, 8));
    bl.optimal_transfer_length = static_cast<std::uint32_t>(field_or_zero<4>(pg, 12));
    bl.max_prefetch_length = static_cast<std::uint32_t>(field_or_zero<4>(pg, 16));
    bl.max_unmap_lba_count = static_cast<std::uint32_t>(field_or_zero<4>(pg, 20));
    bl.max_unmap_descriptor_count = static_cast<std::uint32_t>(field_or_zero<4>(pg, 24));
    bl.optimal_unmap_granularity = static_cast<std::uint32_t>(field_or_zero<4>(pg, 28));
    if (auto const uga = field_or_zero<4>(pg, 32); (uga & 0x80000000U) != 0)
        bl.unmap_granularity_alignment = static_cast<std::uint32_t>(uga & 0x7fffffffU);
    bl.max_write_same_length = field_or_zero<8>(pg, 36);
    return bl;
}

/*
 * Logical Block Provisioning (SBC-3 Table 200): [4] THRESHOLD EXPONENT,
 * [5] LBPU (7) | LBPWS (6) | LBPWS10 (5) | LBPRZ (2) | ANC_SUP (1) | DP (0),
 * [6] PROVISIONING TYPE (2-0). SBC-4 widened LBPRZ to bits 4-2, where 001b
 * still means "reads as zeros", so testing bit 2 serves both.
 */
result<logical_block_provisioning> parse_logical_block_provisioning(std::span<std::byte const> data)
{
    auto p = vpd_header(data, vpd_logical_block_provisioning);
    if (!p) return p.error();
    bytes const pg = p->page;
    if (pg.size() < 6) return errc::short_response;
    logical_block_provisioning lbp;
    lbp.threshold_exponent = static_cast<std::uint8_t>(u8(pg, 4));
    unsigned const bits = u8(pg, 5);
    lbp.lbpu = (bits & 0x80U) != 0;
    lbp.lbpws = (bits & 0x40U) != 0;
    lbp.lbpws10 = (bits & 0x20U) != 0;
    lbp.lbprz = (bits & 0x04U) != 0;
    lbp.anc_sup = (bits & 0x02U) != 0;
    if (pg.size() > 6) lbp.provisioning_type = static_cast<std::uint8_t>(u8(pg, 6) & 0x07U);
    return lbp;
}

} // namespace iscsi::scsi
