/**
 * @file
 * A PDU as it travels (RFC 7143 §11.1), with padding and digests removed:
 * the unit the reader produces, the writer consumes and the typed codecs
 * (login.hpp, scsi_cmd.hpp, ...) translate.
 */
#pragma once

#include "iscsi/core/byte_io.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/pdu/opcode.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace iscsi::pdu {

/// Largest AHS area: TotalAHSLength is one byte of 4-byte words (§11.2.1.5).
inline constexpr std::size_t max_ahs_size = 255 * 4;
/// Largest data segment: DataSegmentLength is 24 bits (§11.2.1.6).
inline constexpr std::size_t max_data_segment_size = 0xffffff;

struct raw_pdu {
    std::array<std::byte, bhs_size> bhs{};
    /// All AHS bytes, a multiple of 4 (TotalAHSLength * 4).
    std::vector<std::byte> ahs;
    /// The data segment, without padding.
    std::vector<std::byte> data;
    /// The data segment went where the reader's placement put it (a
    /// caller's read buffer); `data` is empty (see reader::set_placement).
    bool data_placed = false;
    /**
     * Outbound only: the data segment as pieces of a caller's buffers, sent
     * by a gather write without being copied (`data` stays empty). The
     * bytes must stay valid until the PDU has been written: the session
     * machine holds the completion of the command they belong to until the
     * driver says so (session_machine::on_written).
     */
    std::vector<std::span<std::byte const>> data_ref;

    /// Bytes in the data segment, in `data` or in `data_ref`.
    [[nodiscard]] std::size_t data_size() const noexcept
    {
        if (data_ref.empty()) return data.size();
        std::size_t n = 0;
        for (auto piece : data_ref) n += piece.size();
        return n;
    }
    /// Copies borrowed bytes into `data`, so the PDU no longer depends on
    /// the caller's buffers.
    void own_data()
    {
        for (auto piece : data_ref) data.insert(data.end(), piece.begin(), piece.end());
        data_ref.clear();
    }

    /// Opcode bits of byte 0, with the I bit masked off. May be a value
    /// outside the enum when the peer sent an unknown opcode.
    [[nodiscard]] opcode op() const noexcept
    {
        return static_cast<opcode>(std::to_integer<std::uint8_t>(bhs[0]) & opcode_mask);
    }
    /// The I bit (§11.1.1): immediate delivery, initiator PDUs only.
    [[nodiscard]] bool immediate() const noexcept
    {
        return (std::to_integer<std::uint8_t>(bhs[0]) & immediate_flag) != 0;
    }
    /// Byte 1 bit 7 (F, or T on login PDUs).
    [[nodiscard]] bool final_bit() const noexcept
    {
        return (std::to_integer<std::uint8_t>(bhs[1]) & final_flag) != 0;
    }
    /// Initiator Task Tag, bytes 16..19 (§11.2.1.8).
    [[nodiscard]] itt task_tag() const noexcept { return itt{load_be32(std::span{bhs}.subspan(16))}; }
    /// TotalAHSLength in 4-byte words, byte 4 (§11.2.1.5).
    [[nodiscard]] std::uint8_t total_ahs_length() const noexcept
    {
        return std::to_integer<std::uint8_t>(bhs[4]);
    }
    /// DataSegmentLength, bytes 5..7 (§11.2.1.6).
    [[nodiscard]] std::uint32_t data_segment_length() const noexcept
    {
        return load_be24(std::span{bhs}.subspan(5));
    }

    /// Same bytes on the wire: a borrowed segment equals an owned one with
    /// the same content.
    friend bool operator==(raw_pdu const& a, raw_pdu const& b)
    {
        if (a.bhs != b.bhs || a.ahs != b.ahs || a.data_placed != b.data_placed) return false;
        if (a.data_ref.empty() && b.data_ref.empty()) return a.data == b.data;
        raw_pdu x = a, y = b;
        x.own_data();
        y.own_data();
        return x.data == y.data;
    }
};

} // namespace iscsi::pdu
