#include "iscsi/scsi/mode_sense.hpp"

#include "detail.hpp"
#include "iscsi/core/byte_io.hpp"
#include "iscsi/scsi/errors.hpp"

namespace iscsi::scsi {
namespace {

using detail::bytes;
using detail::u8;

struct header_fields {
    std::size_t total;      ///< MODE DATA LENGTH + its own size
    std::size_t header_len; ///< 4 or 8
    unsigned medium_type;
    unsigned device_specific;
    bool long_lba;
    std::size_t bd_len;
};

// Short descriptor: [0..3] NUMBER OF LOGICAL BLOCKS, [5..7] LOGICAL BLOCK
// LENGTH. Long (LONGLBA): [0..7] blocks, [12..15] length (SBC-3 §6.4.2).
std::optional<block_descriptor> first_block_descriptor(bytes bd, bool long_lba) noexcept
{
    if (long_lba && bd.size() >= 16)
        return block_descriptor{load_be64(bd), load_be32(bd.subspan(12))};
    if (!long_lba && bd.size() >= 8)
        return block_descriptor{load_be32(bd), load_be24(bd.subspan(5))};
    return std::nullopt;
}

// Page header: [0] PS (7) | SPF (6) | PAGE CODE (5-0); SPF=0: [1] PAGE
// LENGTH; SPF=1: [1] SUBPAGE CODE, [2..3] PAGE LENGTH.
void split_pages(bytes pages, mode_parameters& mp)
{
    std::size_t off = 0;
    while (off + 2 <= pages.size()) {
        bytes const p = pages.subspan(off);
        bool const spf = (u8(p, 0) & 0x40U) != 0;
        if (spf && p.size() < 4) break;
        std::size_t const len = spf ? 4 + std::size_t{load_be16(p.subspan(2))} : 2 + std::size_t{u8(p, 1)};
        if (len > p.size()) {
            mp.truncated = true;
            break;
        }
        mode_page page;
        page.code = static_cast<std::uint8_t>(u8(p, 0) & 0x3fU);
        page.subpage = spf ? static_cast<std::uint8_t>(u8(p, 1)) : std::uint8_t{0};
        page.parameters_savable = (u8(p, 0) & 0x80U) != 0;
        page.bytes.assign(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(len));
        mp.pages.push_back(std::move(page));
        off += len;
    }
}

mode_parameters parse_body(bytes data, header_fields const& h)
{
    mode_parameters mp;
    mp.truncated = data.size() < h.total;
    // A MODE DATA LENGTH shorter than the header itself is malformed; the
    // caller checked the header is present, so read at least that far.
    std::size_t const total = std::max(h.total, h.header_len);
    bytes const d = data.first(std::min(data.size(), total));
    mp.medium_type = static_cast<std::uint8_t>(h.medium_type);
    mp.write_protected = (h.device_specific & 0x80U) != 0;
    mp.dpofua = (h.device_specific & 0x10U) != 0;
    bytes const bd = detail::clamp(d, h.header_len, h.bd_len);
    mp.block = first_block_descriptor(bd, h.long_lba);
    if (bd.size() < h.bd_len) {
        mp.truncated = true;
        return mp;
    }
    split_pages(d.subspan(h.header_len + h.bd_len), mp);
    return mp;
}

} // namespace

// Header(6): [0] MODE DATA LENGTH, [1] MEDIUM TYPE, [2] DEVICE-SPECIFIC
// PARAMETER, [3] BLOCK DESCRIPTOR LENGTH (SPC-4 Table 451).
result<mode_parameters> parse_mode_sense6(std::span<std::byte const> data)
{
    if (data.size() < 4) return errc::short_response;
    return parse_body(data, {1 + std::size_t{u8(data, 0)}, 4, u8(data, 1), u8(data, 2), false, u8(data, 3)});
}

// Header(10): [0..1] MODE DATA LENGTH, [2] MEDIUM TYPE, [3] DEVICE-SPECIFIC
// PARAMETER, [4] LONGLBA (0), [6..7] BLOCK DESCRIPTOR LENGTH (Table 452).
result<mode_parameters> parse_mode_sense10(std::span<std::byte const> data)
{
    if (data.size() < 8) return errc::short_response;
    return parse_body(data, {2 + std::size_t{load_be16(data)}, 8, u8(data, 2), u8(data, 3),
                             (u8(data, 4) & 0x01U) != 0, load_be16(data.subspan(6))});
}

// Caching page: [2] IC | ABPF | CAP | DISC | SIZE | WCE (2) | MF | RCD (0).
result<caching_page> parse_caching_page(mode_page const& page)
{
    if (page.code != mode_page_caching || page.bytes.size() < 3) return errc::short_response;
    unsigned const b2 = std::to_integer<unsigned>(page.bytes[2]);
    return caching_page{(b2 & 0x04U) != 0, (b2 & 0x01U) != 0};
}

mode_page const* find_mode_page(mode_parameters const& mp, std::uint8_t code, std::uint8_t subpage) noexcept
{
    for (auto const& p : mp.pages)
        if (p.code == code && p.subpage == subpage) return &p;
    return nullptr;
}

} // namespace iscsi::scsi
