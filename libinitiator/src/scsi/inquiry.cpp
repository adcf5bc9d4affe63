#include "iscsi/scsi/inquiry.hpp"

#include "detail.hpp"
#include "iscsi/core/byte_io.hpp"
#include "iscsi/scsi/errors.hpp"

namespace iscsi::scsi {

using detail::u8;

/*
 * Standard INQUIRY data (SPC-4 Table 139):
 *   [0] PERIPHERAL QUALIFIER (7-5) | DEVICE TYPE (4-0)   [1] RMB (7)
 *   [2] VERSION   [3] NORMACA (5) | HISUP (4) | RESPONSE DATA FORMAT (3-0)
 *   [4] ADDITIONAL LENGTH (n-4)   [5] TPGS (5-4) | PROTECT (0)
 *   [7] CMDQUE (1)   [8..15] VENDOR   [16..31] PRODUCT   [32..35] REVISION
 *   [58..73] VERSION DESCRIPTORS 1-8
 */
result<inquiry_data> parse_inquiry(std::span<std::byte const> data)
{
    if (data.size() < 5) return errc::short_response;
    std::size_t const claimed = 5 + u8(data, 4);
    inquiry_data q;
    q.truncated = data.size() < claimed;
    auto const d = data.first(std::min(data.size(), claimed));

    q.peripheral_qualifier = static_cast<std::uint8_t>(u8(d, 0) >> 5);
    q.device_type = static_cast<std::uint8_t>(u8(d, 0) & 0x1fU);
    q.removable = (u8(d, 1) & 0x80U) != 0;
    q.version = static_cast<std::uint8_t>(u8(d, 2));
    q.hisup = (u8(d, 3) & 0x10U) != 0;
    q.response_data_format = static_cast<std::uint8_t>(u8(d, 3) & 0x0fU);
    if (d.size() > 5) {
        q.tpgs = static_cast<std::uint8_t>((u8(d, 5) >> 4) & 0x03U);
        q.protect = (u8(d, 5) & 0x01U) != 0;
    }
    if (d.size() > 7) q.cmdque = (u8(d, 7) & 0x02U) != 0;
    q.vendor = detail::ascii_field(detail::clamp(d, 8, 8));
    q.product = detail::ascii_field(detail::clamp(d, 16, 16));
    q.revision = detail::ascii_field(detail::clamp(d, 32, 4));
    for (std::size_t off = 58; off + 2 <= std::min<std::size_t>(d.size(), 74); off += 2)
        if (auto const v = load_be16(d.subspan(off)); v != 0) q.version_descriptors.push_back(v);
    return q;
}

} // namespace iscsi::scsi
