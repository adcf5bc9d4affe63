// Private helpers shared by the typed PDU codecs: named-offset access to the
// 48-byte BHS (RFC 7143 §11.2.1) and the checks every decode_*() starts with.
#pragma once

#include "iscsi/core/byte_io.hpp"
#include "iscsi/core/error.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <array>
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

// Field groups that recur at the same place in many PDUs.
// Bytes 20-23: the Target Transfer Tag where a PDU has one (§11.7, §11.8,
// §11.10, §11.16, §11.18, §11.19).
inline constexpr std::size_t off_ttt = 20;
// Initiator to target: CmdSN and ExpStatSN (§11.3, §11.5, §11.10, §11.12,
// §11.14, §11.18); Data-Out and SNACK keep only ExpStatSN (§11.7, §11.16).
inline constexpr std::size_t off_cmd_sn = 24;
inline constexpr std::size_t off_exp_stat_sn = 28;
// Target to initiator: StatSN, ExpCmdSN and MaxCmdSN (§11.4, §11.6, §11.7,
// §11.8, §11.9, §11.11, §11.13, §11.15, §11.17, §11.19).
inline constexpr std::size_t off_stat_sn = 24;
inline constexpr std::size_t off_exp_cmd_sn = 28;
inline constexpr std::size_t off_max_cmd_sn = 32;

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

    /// LUN, ITT and TTT (bytes 8, 16, 20) from p.lun_, p.itt_, p.ttt_.
    template <class Pdu>
    void lun_itt_ttt(Pdu const& p) noexcept
    {
        lun_at(off_lun, p.lun_);
        u32(off_itt, p.itt_.value());
        u32(off_ttt, p.ttt_.value());
    }
    /// CmdSN and ExpStatSN (bytes 24, 28) from p.cmd_sn, p.exp_stat_sn.
    template <class Pdu>
    void initiator_sns(Pdu const& p) noexcept
    {
        u32(off_cmd_sn, p.cmd_sn.value());
        u32(off_exp_stat_sn, p.exp_stat_sn.value());
    }
    /// StatSN, ExpCmdSN and MaxCmdSN (bytes 24, 28, 32) from p.stat_sn,
    /// p.exp_cmd_sn, p.max_cmd_sn.
    template <class Pdu>
    void target_sns(Pdu const& p) noexcept
    {
        u32(off_stat_sn, p.stat_sn.value());
        u32(off_exp_cmd_sn, p.exp_cmd_sn.value());
        u32(off_max_cmd_sn, p.max_cmd_sn.value());
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

    /// Fills p.lun_, p.itt_ and p.ttt_ from bytes 8, 16, 20.
    template <class Pdu>
    void lun_itt_ttt(Pdu& p) const noexcept
    {
        p.lun_ = lun_at(off_lun);
        p.itt_ = get32<itt>(off_itt);
        p.ttt_ = get32<ttt>(off_ttt);
    }
    /// Fills p.cmd_sn and p.exp_stat_sn from bytes 24, 28.
    template <class Pdu>
    void initiator_sns(Pdu& p) const noexcept
    {
        p.cmd_sn = get32<cmdsn>(off_cmd_sn);
        p.exp_stat_sn = get32<statsn>(off_exp_stat_sn);
    }
    /// Fills p.stat_sn, p.exp_cmd_sn and p.max_cmd_sn from bytes 24, 28, 32.
    template <class Pdu>
    void target_sns(Pdu& p) const noexcept
    {
        p.stat_sn = get32<statsn>(off_stat_sn);
        p.exp_cmd_sn = get32<cmdsn>(off_exp_cmd_sn);
        p.max_cmd_sn = get32<cmdsn>(off_max_cmd_sn);
    }

private:
    std::array<std::byte, bhs_size> const& b_;
};

/// A raw_pdu with opcode, I bit and byte 1 set; the rest zero.
[[nodiscard]] raw_pdu start(opcode op, bool immediate, std::uint8_t byte1) noexcept;

/// Writes TotalAHSLength and DataSegmentLength from the vectors' sizes.
void finish(raw_pdu& r) noexcept;

/// Sets the data segment, then finish().
void finish(raw_pdu& r, std::vector<std::byte> data) noexcept;

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
