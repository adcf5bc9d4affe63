/**
 * @file
 * The wire format of a PDU (RFC 7143 §11.1): BHS, AHS, optional header
 * digest, data segment, padding to a 4-byte boundary, optional data digest.
 * Digests are CRC32C (§13.1) stored least significant byte first.
 */
#pragma once

#include "iscsi/pdu/raw_pdu.hpp"

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace iscsi::pdu {

/// Which digests were negotiated (HeaderDigest / DataDigest, §13.1).
struct digest_options {
    bool header = false;
    bool data = false;
    friend bool operator==(digest_options, digest_options) = default;
};

inline constexpr std::size_t digest_size = 4;

/// Bytes of padding after a data segment of `n` bytes (§11.1: to 4 bytes).
[[nodiscard]] constexpr std::size_t padding_for(std::size_t n) noexcept { return (4 - (n & 3U)) & 3U; }

/// The exact number of bytes serialize() appends.
[[nodiscard]] std::size_t wire_size(raw_pdu const& pdu, digest_options digests) noexcept;

/**
 * Appends the whole PDU to `out`. TotalAHSLength and DataSegmentLength are
 * written from the sizes of pdu.ahs and pdu.data, so the framing is always
 * consistent whatever the BHS bytes held.
 * Preconditions: pdu.ahs.size() is a multiple of 4 and <= max_ahs_size;
 * pdu.data.size() <= max_data_segment_size.
 */
void serialize(raw_pdu const& pdu, digest_options digests, std::vector<std::byte>& out);

/**
 * Scatter/gather form, for large data segments that should not be copied:
 * send serialize_header() output, then the data segment where it is
 * (pdu.data or the pieces of pdu.data_ref), then make_trailer().
 */
/// Appends BHS + AHS + header digest (same preconditions as serialize()).
void serialize_header(raw_pdu const& pdu, digest_options digests, std::vector<std::byte>& out);

/// Padding and data digest that follow the data segment (0..7 bytes).
class wire_trailer {
public:
    [[nodiscard]] std::span<std::byte const> bytes() const noexcept { return std::span{buf_}.first(size_); }

private:
    friend wire_trailer make_trailer(std::span<std::span<std::byte const> const> pieces,
                                     digest_options digests) noexcept;
    std::array<std::byte, 3 + digest_size> buf_{};
    std::size_t size_ = 0;
};

/// The trailer for `data` (computes the data digest over data + padding).
[[nodiscard]] wire_trailer make_trailer(std::span<std::byte const> data, digest_options digests) noexcept;
/// The trailer for a data segment held in pieces (raw_pdu::data_ref).
[[nodiscard]] wire_trailer make_trailer(std::span<std::span<std::byte const> const> pieces,
                                        digest_options digests) noexcept;

} // namespace iscsi::pdu
