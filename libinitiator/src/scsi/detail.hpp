// Private helpers shared by the SCSI parsers (not installed).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace iscsi::scsi::detail {

using bytes = std::span<std::byte const>;

[[nodiscard]] inline unsigned u8(bytes b, std::size_t i) noexcept { return std::to_integer<unsigned>(b[i]); }

/// The part of data[offset, offset+len) that data holds (may be empty).
[[nodiscard]] inline bytes clamp(bytes data, std::size_t offset, std::size_t len) noexcept
{
    if (offset >= data.size()) return {};
    return data.subspan(offset, std::min(len, data.size() - offset));
}

/// SPC ASCII fields (SPC-4 §4.4.1): printable 20h-7Eh, padded with spaces.
/// Other bytes (NUL padding from some targets) become spaces; both ends trimmed.
[[nodiscard]] inline std::string ascii_field(bytes field)
{
    std::string s;
    s.reserve(field.size());
    for (auto b : field) {
        auto const c = std::to_integer<unsigned char>(b);
        s.push_back(c >= 0x20 && c <= 0x7e ? static_cast<char>(c) : ' ');
    }
    auto const first = s.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    auto const last = s.find_last_not_of(' ');
    return s.substr(first, last - first + 1);
}

} // namespace iscsi::scsi::detail
