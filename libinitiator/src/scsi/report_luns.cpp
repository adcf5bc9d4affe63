#include "iscsi/scsi/report_luns.hpp"

#include "iscsi/core/byte_io.hpp"
#include "iscsi/scsi/errors.hpp"

#include <algorithm>
#include <array>

namespace iscsi::scsi {

result<lun_list> parse_report_luns(std::span<std::byte const> data)
{
    if (data.size() < 8) return errc::short_response;
    lun_list out;
    out.list_length = load_be32(data);
    auto const body = data.subspan(8);
    // Never size anything by the peer's length: it is only compared.
    out.truncated = body.size() < out.list_length;
    std::size_t const usable = std::min<std::size_t>(body.size(), out.list_length);
    out.luns.reserve(usable / 8);
    for (std::size_t off = 0; off + 8 <= usable; off += 8) {
        std::array<std::byte, 8> b{};
        std::copy_n(body.begin() + static_cast<std::ptrdiff_t>(off), 8, b.begin());
        out.luns.emplace_back(b);
    }
    return out;
}

} // namespace iscsi::scsi
