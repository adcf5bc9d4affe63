// Private helpers shared by the typed PDU codecs: named-offset access to the
// 48-byte BHS (RFC 7143 §11.2.1) and the checks every decode_*() starts with.
#pragma once

#include "iscsi/core/byte_io.hpp"
#include "iscsi/core/error.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace iscsi::pdu::detail {

// Offsets shared by every PDU (§11.2.1).
inline constexpr std::size_t off_flags = 1;
inline constexpr std::size_t off_total_ahs_length = 4;
inline constexpr std::size_t off_data_segment_length = 5;
inline constexpr std::size_t off_lun = 8;
inline constexpr std::size_t off_itt = 16;

[[nodiscard]] constexpr std::uint8_t bit_if(bool on, std::uint8_t mask) noexcept
{
    return on ? mask : std::uint8_t{0};
}

/// Writes fields into a raw_pdu's BHS.
class bhs_out {
public:
    explicit bhs_out(raw_pdu& r) noexcept : b_(r.bhs) {}
    void u8(std::size_t off, std::uint8_t v) noexcept { b_[off] = static_cast<std::byte>(v); }
    void u16(std::size_t off, std::uint16_t v) noexcept { store_be16(std::span{b_}.subspan(off), v); }
    void u32(std::size_t off, std::uint32_t v) noexcept { store_be32(std::span{b_}.subspan(off), v); }
    void lun_at(std::size_t off, lun const& l) noexcept { copy(off, l.bytes()); }
    void copy(std::size_t off, std::span<std::byte const> src) noexcept
    {
        for (std::size_t i = 0; i < src.size(); ++i) b_[off + i] = src[i];
    }

private:
    std::array<std::byte, bhs_size>& b_;
};

/// Reads fields from a raw_pdu's BHS.
class bhs_in {
public:
    explicit bhs_in(raw_pdu const& r) noexcept : b_(r.bhs) {}
    [[nodiscard]] std::uint8_t u8(std::size_t off) const noexcept { return std::to_integer<std::uint8_t>(b_[off]); }
    [[nodiscard]] std::uint16_t u16(std::size_t off) const noexcept { return load_be16(std::span{b_}.subspan(off)); }
    [[nodiscard]] std::uint32_t u32(std::size_t off) const noexcept { return load_be32(std::span{b_}.subspan(off)); }
    [[nodiscard]] bool bit(std::size_t off, std::uint8_t mask) const noexcept { return (u8(off) & mask) != 0; }
    /// A 32-bit strong type (itt, ttt, serial numbers) at `off`.
    template <class T>
    [[nodiscard]] T get32(std::size_t off) const noexcept { return T{u32(off)}; }
    template <class T>
    [[nodiscard]] T get16(std::size_t off) const noexcept { return T{u16(off)}; }
    [[nodiscard]] lun lun_at(std::size_t off) const noexcept
    {
        std::array<std::byte, 8> l{};
        for (std::size_t i = 0; i < l.size(); ++i) l[i] = b_[off + i];
        return lun{l};
    }

private:
    std::array<std::byte, bhs_size> const& b_;
};

/// A raw_pdu with opcode, I bit and byte 1 set; the rest zero.
[[nodiscard]] raw_pdu start(opcode op, bool immediate, std::uint8_t byte1) noexcept;

/// Writes TotalAHSLength and DataSegmentLength from the vectors' sizes.
void finish(raw_pdu& r) noexcept;

/// Sets ec (and diag) to errc::malformed with the given explanation.
[[nodiscard]] std::error_code malformed(diagnostics* diag, std::string message);

/**
 * The checks every decode_*() starts with: the opcode is known and is
 * `expected`, and the AHS and data sizes agree with the BHS fields.
 */
[[nodiscard]] std::error_code check_header(raw_pdu const& r, opcode expected, diagnostics* diag);

/// check_header() plus: no AHS and no data segment (for PDUs that carry neither).
[[nodiscard]] std::error_code check_header_only(raw_pdu const& r, opcode expected, diagnostics* diag);

/// Builds the SenseLength + sense + trailing data segment (§11.4.7, §11.9.4).
/// Empty when both parts are empty.
[[nodiscard]] std::vector<std::byte> join_sense(std::vector<std::byte> const& sense,
                                                std::vector<std::byte> const& rest);

/// Splits such a data segment back; malformed when SenseLength overruns it.
[[nodiscard]] std::error_code split_sense(std::span<std::byte const> data, std::vector<std::byte>& sense,
                                          std::vector<std::byte>& rest, diagnostics* diag);

} // namespace iscsi::pdu::detail
