/**
 * @file
 * Big-endian ("network order", RFC 7143 §11.1) loads and stores over byte
 * spans. Callers guarantee the span is long enough; these are the only
 * places that shift bytes by hand.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace iscsi {

template <std::size_t N>
[[nodiscard]] constexpr std::uint64_t load_be(std::span<std::byte const> in) noexcept
{
    static_assert(N >= 1 && N <= 8);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < N; ++i)
        v = (v << 8) | std::to_integer<std::uint64_t>(in[i]);
    return v;
}

template <std::size_t N>
constexpr void store_be(std::span<std::byte> out, std::uint64_t v) noexcept
{
    static_assert(N >= 1 && N <= 8);
    for (std::size_t i = 0; i < N; ++i)
        out[N - 1 - i] = static_cast<std::byte>((v >> (8 * i)) & 0xffU);
}

[[nodiscard]] constexpr std::uint16_t load_be16(std::span<std::byte const> in) noexcept
{ return static_cast<std::uint16_t>(load_be<2>(in)); }
[[nodiscard]] constexpr std::uint32_t load_be24(std::span<std::byte const> in) noexcept
{ return static_cast<std::uint32_t>(load_be<3>(in)); }
[[nodiscard]] constexpr std::uint32_t load_be32(std::span<std::byte const> in) noexcept
{ return static_cast<std::uint32_t>(load_be<4>(in)); }
[[nodiscard]] constexpr std::uint64_t load_be64(std::span<std::byte const> in) noexcept
{ return load_be<8>(in); }

constexpr void store_be16(std::span<std::byte> out, std::uint16_t v) noexcept { store_be<2>(out, v); }
constexpr void store_be24(std::span<std::byte> out, std::uint32_t v) noexcept { store_be<3>(out, v); }
constexpr void store_be32(std::span<std::byte> out, std::uint32_t v) noexcept { store_be<4>(out, v); }
constexpr void store_be64(std::span<std::byte> out, std::uint64_t v) noexcept { store_be<8>(out, v); }

/// View a string's characters as bytes (text segments, CHAP values).
[[nodiscard]] inline std::span<std::byte const> as_bytes(std::string_view s) noexcept
{
    return {reinterpret_cast<std::byte const*>(s.data()), s.size()};
}

} // namespace iscsi
