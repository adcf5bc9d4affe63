/**
 * @file
 * Strong types for the identifiers of RFC 7143 (STYLE habit 8): a raw
 * integer never crosses a module boundary, so an ITT cannot be passed where a
 * TTT or TSIH is expected.
 */
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace iscsi {

template <class Tag, class Rep>
class strong_id {
public:
    using rep = Rep;
    constexpr strong_id() noexcept = default;
    constexpr explicit strong_id(Rep v) noexcept : v_(v) {}
    [[nodiscard]] constexpr Rep value() const noexcept { return v_; }
    friend constexpr auto operator<=>(strong_id, strong_id) noexcept = default;

private:
    Rep v_{};
};

struct itt_tag;
struct ttt_tag;
struct tsih_tag;
struct cid_tag;

/// Initiator Task Tag (§11.1.4.2). 0xffffffff is reserved.
using itt = strong_id<itt_tag, std::uint32_t>;
/// Target Transfer Tag (§11.7.4 etc.). 0xffffffff means "none".
using ttt = strong_id<ttt_tag, std::uint32_t>;
/// Target Session Identifying Handle (§11.12.6). 0 names a new session.
using tsih = strong_id<tsih_tag, std::uint16_t>;
/// Connection ID (§11.12.7).
using cid = strong_id<cid_tag, std::uint16_t>;

inline constexpr itt reserved_itt{0xffffffffU};
inline constexpr ttt reserved_ttt{0xffffffffU};

/**
 * Initiator Session ID, the 6-byte field of §11.12.5: T (2 bits), A (6),
 * B (16), C (8), D (16). We keep the wire bytes; the helpers name the format.
 */
class isid {
public:
    constexpr isid() noexcept = default;
    constexpr explicit isid(std::array<std::byte, 6> bytes) noexcept : b_(bytes) {}

    /// From the 48-bit number open-iscsi prints (e.g. 0x00023d000001).
    [[nodiscard]] static constexpr isid from_u48(std::uint64_t v) noexcept
    {
        std::array<std::byte, 6> b{};
        for (std::size_t i = 0; i < 6; ++i)
            b[5 - i] = static_cast<std::byte>((v >> (8 * i)) & 0xffU);
        return isid{b};
    }
    /// Format "random" (T = 0b10, §10.1.1) with a 24-bit A/B random part and
    /// a 16-bit qualifier D, as RFC 7143 recommends for software initiators.
    [[nodiscard]] static constexpr isid random_format(std::uint32_t random24, std::uint16_t qualifier) noexcept
    {
        return from_u48((std::uint64_t{0x80} << 40) | (std::uint64_t{random24 & 0xffffffU} << 16) | qualifier);
    }

    [[nodiscard]] constexpr std::uint64_t to_u48() const noexcept
    {
        std::uint64_t v = 0;
        for (auto x : b_) v = (v << 8) | std::to_integer<std::uint64_t>(x);
        return v;
    }
    [[nodiscard]] constexpr std::array<std::byte, 6> const& bytes() const noexcept { return b_; }
    /// T field: 0 OUI, 1 EN, 2 random, 3 reserved.
    [[nodiscard]] constexpr unsigned type() const noexcept { return std::to_integer<unsigned>(b_[0]) >> 6; }

    friend constexpr bool operator==(isid const&, isid const&) noexcept = default;

private:
    std::array<std::byte, 6> b_{};
};

/**
 * An 8-byte SAM LUN (SAM-5 §4.7) as carried in the BHS. from_index() uses
 * peripheral device addressing below 256 and flat space addressing up to
 * 16383, which is what Linux's int_to_scsilun produces.
 */
class lun {
public:
    constexpr lun() noexcept = default;
    constexpr explicit lun(std::array<std::byte, 8> bytes) noexcept : b_(bytes) {}

    [[nodiscard]] static constexpr lun from_index(std::uint16_t n) noexcept
    {
        std::array<std::byte, 8> b{};
        if (n < 256) {
            b[1] = static_cast<std::byte>(n);
        } else {
            b[0] = static_cast<std::byte>(0x40U | ((n >> 8) & 0x3fU));
            b[1] = static_cast<std::byte>(n & 0xffU);
        }
        return lun{b};
    }
    /// The LUN number for peripheral and flat addressing; nullopt otherwise.
    [[nodiscard]] constexpr std::optional<std::uint16_t> index() const noexcept
    {
        unsigned const method = std::to_integer<unsigned>(b_[0]) >> 6;
        unsigned const hi = std::to_integer<unsigned>(b_[0]) & 0x3fU;
        unsigned const lo = std::to_integer<unsigned>(b_[1]);
        if (method == 0 && hi == 0) return static_cast<std::uint16_t>(lo);
        if (method == 1) return static_cast<std::uint16_t>((hi << 8) | lo);
        return std::nullopt;
    }
    [[nodiscard]] constexpr std::array<std::byte, 8> const& bytes() const noexcept { return b_; }
    friend constexpr bool operator==(lun const&, lun const&) noexcept = default;

private:
    std::array<std::byte, 8> b_{};
};

} // namespace iscsi
