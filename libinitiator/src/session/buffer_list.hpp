// Scatter/gather lists of caller buffers (scsi_request::read_into and
// write_from): which parts of them a byte range of the transfer occupies.
// Private to the session module.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace iscsi::session::detail {

/// The parts of `buffers` that bytes [offset, offset + length) of the
/// transfer occupy, in order; empty when the list is too short.
template <class Byte>
std::vector<std::span<Byte>> pieces(std::vector<std::span<Byte>> const& buffers, std::size_t offset, std::size_t length)
{
    std::vector<std::span<Byte>> out;
    for (auto b : buffers) {
        if (length == 0) break;
        if (offset >= b.size()) {
            offset -= b.size();
            continue;
        }
        std::size_t const n = std::min(b.size() - offset, length);
        out.push_back(b.subspan(offset, n));
        offset = 0;
        length -= n;
    }
    if (length != 0) out.clear();
    return out;
}

} // namespace iscsi::session::detail
