#include "iscsi/scsi/capacity.hpp"

#include "detail.hpp"
#include "iscsi/core/byte_io.hpp"
#include "iscsi/scsi/errors.hpp"

#include <limits>

namespace iscsi::scsi {

using detail::u8;

std::uint64_t capacity::bytes() const noexcept
{
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t const n = blocks();
    if (n == 0 && last_lba == max) return max; // 2^64 blocks
    if (block_size != 0 && n > max / block_size) return max;
    return n * block_size;
}

std::uint64_t capacity::physical_block_size() const noexcept
{
    // The exponent is a 4-bit field, so the shift stays below 64.
    return std::uint64_t{block_size} << (physical_exponent & 0x0fU);
}

result<capacity> parse_read_capacity10(std::span<std::byte const> data)
{
    if (data.size() < 8) return errc::short_response;
    capacity c;
    c.last_lba = load_be32(data);
    c.block_size = load_be32(data.subspan(4));
    if (c.block_size == 0) return errc::bad_capacity;
    return c;
}

/*
 * READ CAPACITY(16) data (SBC-3 Table 66): [0..7] RETURNED LOGICAL BLOCK
 * ADDRESS, [8..11] LOGICAL BLOCK LENGTH, [12] P_TYPE (3-1) | PROT_EN (0),
 * [13] P_I_EXPONENT (7-4) | LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT
 * (3-0), [14..15] LBPME (15) | LBPRZ (14) | LOWEST ALIGNED LBA (13-0).
 */
result<capacity> parse_read_capacity16(std::span<std::byte const> data)
{
    if (data.size() < 12) return errc::short_response;
    capacity c;
    c.last_lba = load_be64(data);
    c.block_size = load_be32(data.subspan(8));
    if (c.block_size == 0) return errc::bad_capacity;
    if (data.size() < 16) return c;
    c.protection_enabled = (u8(data, 12) & 0x01U) != 0;
    if (c.protection_enabled) c.protection_type = static_cast<std::uint8_t>(((u8(data, 12) >> 1) & 0x07U) + 1);
    c.physical_exponent = static_cast<std::uint8_t>(u8(data, 13) & 0x0fU);
    auto const w = load_be16(data.subspan(14));
    c.lbpme = (w & 0x8000U) != 0;
    c.lbprz = (w & 0x4000U) != 0;
    c.lowest_aligned_lba = static_cast<std::uint16_t>(w & 0x3fffU);
    return c;
}

} // namespace iscsi::scsi
