#include "iscsi/core/crc32c.hpp"

#include <isa-l/crc.h>

#include <climits>

namespace iscsi {

crc32c& crc32c::update(std::span<std::byte const> data) noexcept
{
    // crc32_iscsi takes an int length; feed very large spans in pieces.
    constexpr std::size_t max_chunk = INT_MAX & ~std::size_t{0xfff};
    auto const* p = reinterpret_cast<unsigned char const*>(data.data());
    std::size_t left = data.size();
    while (left > 0) {
        std::size_t n = left < max_chunk ? left : max_chunk;
        state_ = crc32_iscsi(const_cast<unsigned char*>(p), static_cast<int>(n), state_);
        p += n;
        left -= n;
    }
    return *this;
}

} // namespace iscsi
