/**
 * @file
 * Command Descriptor Block builders (SPC-4 §4.2, SBC-3 §5). Each builder
 * returns the CDB together with what the iSCSI task needs to know about it:
 * the direction of the data and the Expected Data Transfer Length
 * (RFC 7143 §11.3.5). Builders do no I/O; byte layouts are spelled out in
 * src/scsi/cdb.cpp next to the SPC/SBC table they follow.
 *
 * Builders whose arguments can describe something a CDB or an iSCSI task
 * cannot express (a transfer above 4 GiB, an LBA range that wraps) return
 * result<command>; the plain ones state their preconditions.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace iscsi::scsi {

/// Operation codes used by the builders (SPC-4 Annex D, SBC-3 Table 13).
enum class opcode : std::uint8_t {
    test_unit_ready = 0x00,
    inquiry = 0x12,
    mode_sense6 = 0x1a,
    read_capacity10 = 0x25,
    read10 = 0x28,
    write10 = 0x2a,
    synchronize_cache10 = 0x35,
    unmap = 0x42,
    mode_sense10 = 0x5a,
    read16 = 0x88,
    write16 = 0x8a,
    synchronize_cache16 = 0x91,
    write_same16 = 0x93,
    service_action_in16 = 0x9e, ///< READ CAPACITY(16) is service action 10h
    report_luns = 0xa0,
};

/// A CDB of up to 32 bytes (the iSCSI BHS holds 16; longer CDBs go in an
/// Extended CDB AHS, RFC 7143 §11.3.4).
struct cdb {
    std::array<std::byte, 32> bytes{};
    std::uint8_t size = 0;

    [[nodiscard]] std::span<std::byte const> view() const noexcept { return {bytes.data(), size}; }
    friend bool operator==(cdb const&, cdb const&) = default;
};

/// Direction of the data phase, from the initiator's point of view
/// (the R and W bits of the SCSI Command PDU, RFC 7143 §11.3.1).
enum class data_direction : std::uint8_t { none, read, write, bidirectional };

/// Everything a task needs to send one SCSI command.
struct command {
    cdb cdb_;
    data_direction dir = data_direction::none;
    /// Bytes the initiator expects to receive (read) or send (write).
    std::uint32_t expected_length = 0;
};

/// PC field of MODE SENSE (SPC-4 §6.11.1).
enum class page_control : std::uint8_t { current = 0, changeable = 1, defaults = 2, saved = 3 };

/// Mode page codes that MODE SENSE callers commonly name (SPC-4 §7.5, SBC-3 §6.4).
inline constexpr std::uint8_t mode_page_caching = 0x08;
inline constexpr std::uint8_t mode_page_control = 0x0a;
inline constexpr std::uint8_t mode_page_all = 0x3f;

/// Cache bits of READ/WRITE(10/16) byte 1 (SBC-3 §5.8, §5.32).
struct rw_flags {
    bool fua = false; ///< force unit access: bypass the volatile cache
    bool dpo = false; ///< disable page out: do not keep the data in cache
};

/// TEST UNIT READY (SPC-4 §6.47): 6 zero bytes, no data.
[[nodiscard]] command test_unit_ready();

/// Standard INQUIRY (SPC-4 §6.6). alloc_len below 36 gets truncated data.
[[nodiscard]] command inquiry(std::uint16_t alloc_len = 96);
/// INQUIRY with EVPD=1 for a vital product data page (SPC-4 §7.8).
[[nodiscard]] command inquiry_vpd(std::uint8_t page, std::uint16_t alloc_len = 255);

/// REPORT LUNS, SELECT REPORT 00h (SPC-4 §6.33). SPC-3 requires an
/// allocation length of at least 16, so smaller values are raised to 16.
[[nodiscard]] command report_luns(std::uint32_t alloc_len = 4096);

/// READ CAPACITY(10) (SBC-3 §5.15): 8 bytes of data.
[[nodiscard]] command read_capacity10();
/// READ CAPACITY(16) (SBC-3 §5.16): SERVICE ACTION IN(16), 32 bytes of data.
[[nodiscard]] command read_capacity16();

/**
 * READ(10)/WRITE(10) (SBC-3 §5.8, §5.32) and READ(16)/WRITE(16) (§5.11,
 * §5.35). Precondition: blocks * block_size <= 0xffffffff (checked by
 * assert); read_blocks/write_blocks check it and return an error instead.
 */
[[nodiscard]] command read10(std::uint32_t lba, std::uint16_t blocks, std::uint32_t block_size,
                             rw_flags flags = {});
[[nodiscard]] command write10(std::uint32_t lba, std::uint16_t blocks, std::uint32_t block_size,
                              rw_flags flags = {});
[[nodiscard]] command read16(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size,
                             rw_flags flags = {});
[[nodiscard]] command write16(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size,
                              rw_flags flags = {});

/**
 * READ(10) when the LBA fits 32 bits and the count 16 bits, READ(16)
 * otherwise (the choice Linux sd makes). Errors: errc::transfer_too_large
 * if the byte count exceeds 32 bits, errc::lba_out_of_range if the range
 * wraps the 64-bit LBA space.
 */
[[nodiscard]] result<command> read_blocks(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size,
                                          rw_flags flags = {});
/// WRITE(10) or WRITE(16), chosen and checked like read_blocks.
[[nodiscard]] result<command> write_blocks(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size,
                                           rw_flags flags = {});

/// SYNCHRONIZE CACHE(10) (SBC-3 §5.22). blocks == 0 means "from lba to the
/// end of the medium", so the defaults flush everything.
[[nodiscard]] command synchronize_cache10(std::uint32_t lba = 0, std::uint16_t blocks = 0, bool immed = false);
/// SYNCHRONIZE CACHE(16) (SBC-3 §5.23), for LBAs beyond 32 bits.
[[nodiscard]] command synchronize_cache16(std::uint64_t lba = 0, std::uint32_t blocks = 0, bool immed = false);

/// MODE SENSE(6) (SPC-4 §6.11). dbd: leave out block descriptors.
[[nodiscard]] command mode_sense6(std::uint8_t page = mode_page_all, std::uint8_t subpage = 0,
                                  std::uint8_t alloc_len = 0xff, page_control pc = page_control::current,
                                  bool dbd = false);
/// MODE SENSE(10) (SPC-4 §6.12). llbaa: accept 16-byte block descriptors.
[[nodiscard]] command mode_sense10(std::uint8_t page = mode_page_all, std::uint8_t subpage = 0,
                                   std::uint16_t alloc_len = 4096, page_control pc = page_control::current,
                                   bool dbd = false, bool llbaa = false);

/// Bits of WRITE SAME(16) byte 1 (SBC-3 §5.42, NDOB from SBC-4).
struct write_same_flags {
    bool unmap = false;  ///< deallocate the blocks if the LU is thin provisioned
    bool anchor = false; ///< anchor rather than deallocate
    bool ndob = false;   ///< no data-out buffer: write zeros, send no data
};

/**
 * WRITE SAME(16): one block of data-out (none with ndob) written to
 * `blocks` blocks. Errors: errc::empty_request when blocks == 0 (SBC-3
 * gives zero the meaning "up to the last LBA", which a caller never means
 * by accident), errc::lba_out_of_range when the range wraps.
 */
[[nodiscard]] result<command> write_same16(std::uint64_t lba, std::uint32_t blocks, std::uint32_t block_size,
                                           write_same_flags flags = {});

/// One UNMAP block descriptor (SBC-3 §5.28.2).
struct lba_range {
    std::uint64_t lba = 0;
    std::uint32_t blocks = 0;
};

/// An UNMAP CDB with the parameter list to send as its data-out.
struct unmap_request {
    command cmd;
    std::vector<std::byte> parameters;
};

/// Most descriptors one UNMAP parameter list can hold: its 16-bit
/// PARAMETER LIST LENGTH covers an 8-byte header plus 16 bytes each.
inline constexpr std::size_t max_unmap_ranges = (0xffff - 8) / 16;

/**
 * UNMAP (SBC-3 §5.28). The caller should also respect MAXIMUM UNMAP
 * BLOCK DESCRIPTOR COUNT from the Block Limits VPD page. Errors:
 * errc::empty_request for no ranges, errc::too_many_ranges above
 * max_unmap_ranges, errc::lba_out_of_range when a range wraps.
 */
[[nodiscard]] result<unmap_request> unmap(std::span<lba_range const> ranges, bool anchor = false);

} // namespace iscsi::scsi
