/**
 * @file
 * CRC32C (Castagnoli), the only digest RFC 7143 defines (§13.1, Appendix B.4),
 * computed by ISA-L's crc32_iscsi.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace iscsi {

/// Incremental CRC32C. Feed chunks with update(), read the digest with value().
class crc32c {
public:
    crc32c& update(std::span<std::byte const> data) noexcept;
    /// The standard CRC32C value (e.g. 0xE3069283 for "123456789").
    [[nodiscard]] std::uint32_t value() const noexcept { return ~state_; }

    /// One-shot helper.
    [[nodiscard]] static std::uint32_t of(std::span<std::byte const> data) noexcept
    {
        return crc32c{}.update(data).value();
    }

private:
    std::uint32_t state_ = 0xffffffffU;
};

/// RFC 7143 Appendix B.4: the digest travels least significant byte first
/// (32 zero bytes give CRC 0x8A9136AA, sent as aa 36 91 8a).
constexpr void store_digest(std::span<std::byte> out, std::uint32_t crc) noexcept
{
    for (std::size_t i = 0; i < 4; ++i)
        out[i] = static_cast<std::byte>((crc >> (8 * i)) & 0xffU);
}

[[nodiscard]] constexpr std::uint32_t load_digest(std::span<std::byte const> in) noexcept
{
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
        v |= std::to_integer<std::uint32_t>(in[i]) << (8 * i);
    return v;
}

} // namespace iscsi
