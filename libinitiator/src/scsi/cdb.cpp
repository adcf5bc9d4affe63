#include "iscsi/scsi/cdb.hpp"

#include "iscsi/core/byte_io.hpp"
#include "iscsi/scsi/errors.hpp"

#include <cassert>
#include <limits>

namespace iscsi::scsi {
namespace {

constexpr std::byte byte_of(unsigned v) noexcept { return static_cast<std::byte>(v & 0xffU); }

struct cdb_writer {
    cdb c;

    cdb_writer(opcode op, std::uint8_t size) noexcept
    {
        c.size = size;
        c.bytes[0] = byte_of(static_cast<unsigned>(op));
    }
    std::span<std::byte> at(std::size_t offset) noexcept { return std::span{c.bytes}.subspan(offset); }
    void set(std::size_t offset, unsigned v) noexcept { c.bytes[offset] = byte_of(v); }
};

command make_command(cdb_writer const& w, data_direction dir, std::uint32_t length) noexcept
{
    return command{w.c, dir, length};
}

std::uint32_t transfer_bytes(std::uint64_t blocks, std::uint32_t block_size) noexcept
{
    std::uint64_t const n = blocks * block_size;
    assert(n <= std::numeric_limits<std::uint32_t>::max() && "transfer exceeds 32 bits; use read_blocks");
    return static_cast<std::uint32_t>(n);
}

// Byte 1 of READ/WRITE(10/16): xxPROTECT (7-5) = 0, DPO bit 4, FUA bit 3.
unsigned rw_byte1(rw_flags f) noexcept { return (f.dpo ? 0x10U : 0U) | (f.fua ? 0x08U : 0U); }

// READ(10)/WRITE(10): op, flags, LBA[2..5], group[6], length[7..8], control.
command rw10(opcode op, data_direction dir, std::uint32_t lba, std::uint16_t blocks, std::uint32_t block_size,
             rw_flags f)
{
    cdb_writer w{op, 10};
    w.set(1, rw_byte1(f));
    store_be32(w.at(2), lba);
    store_be16(w.at(7), blocks);
    return make_command(w, dir, transfer_bytes(blocks, block_size));
}

// READ(16)/WRITE(16): op, flags, LBA[2..9], length[10..13], group[14], control.
command rw16(opcode op, data_direction dir, std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size,
             rw_flags f)
{
    cdb_writer w{op, 16};
    w.set(1, rw_byte1(f));
    store_be64(w.at(2), lba);
    store_be32(w.at(10), blocks);
    return make_command(w, dir, transfer_bytes(blocks, block_size));
}

bool range_wraps(std::uint64_t lba, std::uint32_t blocks) noexcept
{
    return blocks > 0 && lba > std::numeric_limits<std::uint64_t>::max() - (blocks - 1U);
}

// Checks shared by read_blocks and write_blocks; true means READ(10) fits.
result<bool> check_rw(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size) noexcept
{
    if (std::uint64_t{blocks} * block_size > std::numeric_limits<std::uint32_t>::max())
        return errc::transfer_too_large;
    if (range_wraps(lba, blocks)) return errc::lba_out_of_range;
    return lba <= std::numeric_limits<std::uint32_t>::max() && blocks <= std::numeric_limits<std::uint16_t>::max();
}

} // namespace

command test_unit_ready()
{
    return make_command(cdb_writer{opcode::test_unit_ready, 6}, data_direction::none, 0);
}

// INQUIRY: op, EVPD bit 0 of byte 1, PAGE CODE, ALLOCATION LENGTH[3..4], control.
command inquiry(std::uint16_t alloc_len)
{
    cdb_writer w{opcode::inquiry, 6};
    store_be16(w.at(3), alloc_len);
    return make_command(w, data_direction::read, alloc_len);
}

command inquiry_vpd(std::uint8_t page, std::uint16_t alloc_len)
{
    cdb_writer w{opcode::inquiry, 6};
    w.set(1, 0x01); // EVPD
    w.set(2, page);
    store_be16(w.at(3), alloc_len);
    return make_command(w, data_direction::read, alloc_len);
}

// REPORT LUNS: op, reserved, SELECT REPORT[2], reserved[3..5],
// ALLOCATION LENGTH[6..9], reserved, control.
command report_luns(std::uint32_t alloc_len)
{
    std::uint32_t const len = alloc_len < 16 ? 16 : alloc_len;
    cdb_writer w{opcode::report_luns, 12};
    store_be32(w.at(6), len);
    return make_command(w, data_direction::read, len);
}

// READ CAPACITY(10): the LBA and PMI fields are obsolete in SBC-3; all zero.
command read_capacity10()
{
    return make_command(cdb_writer{opcode::read_capacity10, 10}, data_direction::read, 8);
}

// SERVICE ACTION IN(16): op 9Eh, SERVICE ACTION 10h in bits 4-0 of byte 1,
// LBA[2..9] (obsolete, 0), ALLOCATION LENGTH[10..13], PMI bit[14], control.
command read_capacity16()
{
    constexpr std::uint32_t len = 32;
    cdb_writer w{opcode::service_action_in16, 16};
    w.set(1, 0x10);
    store_be32(w.at(10), len);
    return make_command(w, data_direction::read, len);
}

command read10(std::uint32_t lba, std::uint16_t blocks, std::uint32_t block_size, rw_flags flags)
{
    return rw10(opcode::read10, data_direction::read, lba, blocks, block_size, flags);
}

command write10(std::uint32_t lba, std::uint16_t blocks, std::uint32_t block_size, rw_flags flags)
{
    return rw10(opcode::write10, data_direction::write, lba, blocks, block_size, flags);
}

command read16(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size, rw_flags flags)
{
    return rw16(opcode::read16, data_direction::read, lba, blocks, block_size, flags);
}

command write16(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size, rw_flags flags)
{
    return rw16(opcode::write16, data_direction::write, lba, blocks, block_size, flags);
}

result<command> read_blocks(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size, rw_flags flags)
{
    auto fits10 = check_rw(lba, blocks, block_size);
    if (!fits10) return fits10.error();
    if (*fits10)
        return read10(static_cast<std::uint32_t>(lba), static_cast<std::uint16_t>(blocks), block_size, flags);
    return read16(lba, blocks, block_size, flags);
}

result<command> write_blocks(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size, rw_flags flags)
{
    auto fits10 = check_rw(lba, blocks, block_size);
    if (!fits10) return fits10.error();
    if (*fits10)
        return write10(static_cast<std::uint32_t>(lba), static_cast<std::uint16_t>(blocks), block_size, flags);
    return write16(lba, blocks, block_size, flags);
}

// SYNCHRONIZE CACHE(10): op, IMMED bit 1 of byte 1, LBA[2..5], group[6],
// NUMBER OF LOGICAL BLOCKS[7..8], control.
command synchronize_cache10(std::uint32_t lba, std::uint16_t blocks, bool immed)
{
    cdb_writer w{opcode::synchronize_cache10, 10};
    w.set(1, immed ? 0x02U : 0U);
    store_be32(w.at(2), lba);
    store_be16(w.at(7), blocks);
    return make_command(w, data_direction::none, 0);
}

// SYNCHRONIZE CACHE(16): op, IMMED, LBA[2..9], NUMBER OF BLOCKS[10..13],
// group[14], control.
command synchronize_cache16(std::uint64_t lba, std::uint32_t blocks, bool immed)
{
    cdb_writer w{opcode::synchronize_cache16, 16};
    w.set(1, immed ? 0x02U : 0U);
    store_be64(w.at(2), lba);
    store_be32(w.at(10), blocks);
    return make_command(w, data_direction::none, 0);
}

// MODE SENSE(6): op, DBD bit 3, PC (7-6) | PAGE CODE (5-0), SUBPAGE CODE,
// ALLOCATION LENGTH (one byte), control.
command mode_sense6(std::uint8_t page, std::uint8_t subpage, std::uint8_t alloc_len, page_control pc, bool dbd)
{
    cdb_writer w{opcode::mode_sense6, 6};
    w.set(1, dbd ? 0x08U : 0U);
    w.set(2, (static_cast<unsigned>(pc) << 6) | (page & 0x3fU));
    w.set(3, subpage);
    w.set(4, alloc_len);
    return make_command(w, data_direction::read, alloc_len);
}

// MODE SENSE(10): op, LLBAA bit 4 | DBD bit 3, PC | PAGE CODE, SUBPAGE,
// reserved[4..6], ALLOCATION LENGTH[7..8], control.
command mode_sense10(std::uint8_t page, std::uint8_t subpage, std::uint16_t alloc_len, page_control pc, bool dbd,
                     bool llbaa)
{
    cdb_writer w{opcode::mode_sense10, 10};
    w.set(1, (llbaa ? 0x10U : 0U) | (dbd ? 0x08U : 0U));
    w.set(2, (static_cast<unsigned>(pc) << 6) | (page & 0x3fU));
    w.set(3, subpage);
    store_be16(w.at(7), alloc_len);
    return make_command(w, data_direction::read, alloc_len);
}

// WRITE SAME(16): op, WRPROTECT (7-5) | ANCHOR 4 | UNMAP 3 | NDOB 0,
// LBA[2..9], NUMBER OF LOGICAL BLOCKS[10..13], group[14], control.
result<command> write_same16(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size,
                             write_same_flags flags)
{
    if (blocks == 0) return errc::empty_request;
    if (range_wraps(lba, blocks)) return errc::lba_out_of_range;
    cdb_writer w{opcode::write_same16, 16};
    w.set(1, (flags.anchor ? 0x10U : 0U) | (flags.unmap ? 0x08U : 0U) | (flags.ndob ? 0x01U : 0U));
    store_be64(w.at(2), lba);
    store_be32(w.at(10), blocks);
    if (flags.ndob) return make_command(w, data_direction::none, 0);
    return make_command(w, data_direction::write, block_size);
}

// UNMAP: op, ANCHOR bit 0, reserved[2..5], group[6], PARAMETER LIST
// LENGTH[7..8], control. The parameter list (SBC-3 §5.28.2) is an 8-byte
// header — UNMAP DATA LENGTH (bytes after itself), BLOCK DESCRIPTOR DATA
// LENGTH, 4 reserved — then 16-byte descriptors: LBA[0..7], count[8..11].
result<unmap_request> unmap(std::span<lba_range const> ranges, bool anchor)
{
    if (ranges.empty()) return errc::empty_request;
    if (ranges.size() > max_unmap_ranges) return errc::too_many_ranges;
    auto const desc_len = static_cast<std::uint16_t>(16 * ranges.size());
    auto const list_len = static_cast<std::uint16_t>(8 + desc_len);

    unmap_request req;
    req.parameters.resize(list_len);
    std::span<std::byte> p{req.parameters};
    store_be16(p, static_cast<std::uint16_t>(list_len - 2));
    store_be16(p.subspan(2), desc_len);
    std::size_t off = 8;
    for (auto const& r : ranges) {
        if (range_wraps(r.lba, r.blocks)) return errc::lba_out_of_range;
        store_be64(p.subspan(off), r.lba);
        store_be32(p.subspan(off + 8), r.blocks);
        off += 16;
    }

    cdb_writer w{opcode::unmap, 10};
    w.set(1, anchor ? 0x01U : 0U);
    store_be16(w.at(7), list_len);
    req.cmd = make_command(w, data_direction::write, list_len);
    return req;
}

} // namespace iscsi::scsi
