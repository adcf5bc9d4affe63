// Test helper: byte vectors written as the spec tables show them.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <vector>

namespace iscsi::scsi::test {

inline std::vector<std::byte> bytes(std::initializer_list<unsigned> values)
{
    std::vector<std::byte> out;
    out.reserve(values.size());
    for (unsigned v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

inline std::vector<std::byte> to_vector(std::span<std::byte const> s) { return {s.begin(), s.end()}; }

/// An ASCII field padded with spaces to width (SPC-4 §4.4.1).
inline void put_ascii(std::vector<std::byte>& out, std::size_t offset, char const* s, std::size_t width)
{
    for (std::size_t i = 0; i < width; ++i) {
        char const c = *s != '\0' ? *s++ : ' ';
        out.at(offset + i) = static_cast<std::byte>(c);
    }
}

} // namespace iscsi::scsi::test
