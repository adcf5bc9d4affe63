#include "iscsi/scsi/sense.hpp"

#include "iscsi/core/byte_io.hpp"
#include "iscsi/scsi/errors.hpp"

#include <algorithm>
#include <array>

namespace iscsi::scsi {
namespace {

using bytes = std::span<std::byte const>;

unsigned u8(bytes b, std::size_t i) noexcept { return std::to_integer<unsigned>(b[i]); }

// The three SENSE KEY SPECIFIC bytes (SPC-4 §4.5.2.4), meaningful only with
// SKSV (bit 7 of the first) set. Their layout depends on the sense key.
void decode_key_specific(bytes sks, sense& s) noexcept
{
    if ((u8(sks, 0) & 0x80U) == 0) return;
    switch (s.key) {
    case sense_key::illegal_request: {
        // C/D bit 6, BPV bit 3, BIT POINTER bits 2-0, FIELD POINTER bytes 1-2.
        field_pointer fp;
        fp.in_cdb = (u8(sks, 0) & 0x40U) != 0;
        if ((u8(sks, 0) & 0x08U) != 0) fp.bit = static_cast<std::uint8_t>(u8(sks, 0) & 0x07U);
        fp.byte = load_be16(sks.subspan(1));
        s.field = fp;
        break;
    }
    case sense_key::not_ready:
    case sense_key::no_sense:
        // PROGRESS INDICATION: fraction of the operation done, over 65536.
        s.progress = load_be16(sks.subspan(1));
        break;
    default:
        break; // retry counts, segment pointers: not surfaced
    }
}

/**
 * Fixed format (SPC-4 §4.5.3): [0] VALID|code, [2] FILEMARK|EOM|ILI|key,
 * [3..6] INFORMATION, [7] ADDITIONAL SENSE LENGTH, [8..11] COMMAND-SPECIFIC,
 * [12] ASC, [13] ASCQ, [14] FRU, [15..17] SENSE KEY SPECIFIC.
 */
result<sense> parse_fixed(bytes data, sense s)
{
    if (data.size() < 3) return errc::short_response;
    unsigned const flags = u8(data, 2);
    s.key = static_cast<sense_key>(flags & 0x0fU);
    s.filemark = (flags & 0x80U) != 0;
    s.end_of_medium = (flags & 0x40U) != 0;
    s.ili = (flags & 0x20U) != 0;

    std::size_t end = data.size();
    if (data.size() >= 8) {
        std::size_t const claimed = 8 + u8(data, 7);
        s.truncated = data.size() < claimed;
        end = std::min(end, claimed);
    } else {
        s.truncated = true;
    }
    bytes const d = data.first(end);
    if (d.size() >= 7 && (u8(d, 0) & 0x80U) != 0) s.information = load_be32(d.subspan(3));
    if (d.size() >= 12) s.command_specific = load_be32(d.subspan(8));
    if (d.size() >= 13) s.asc = static_cast<std::uint8_t>(u8(d, 12));
    if (d.size() >= 14) s.ascq = static_cast<std::uint8_t>(u8(d, 13));
    if (d.size() >= 15) s.fru_code = static_cast<std::uint8_t>(u8(d, 14));
    if (d.size() >= 18) decode_key_specific(d.subspan(15, 3), s);
    return s;
}

// One sense data descriptor (SPC-4 §4.5.2): [0] type, [1] ADDITIONAL
// LENGTH, then the body. Descriptors too short for their type are ignored.
void apply_descriptor(bytes desc, sense& s) noexcept
{
    std::size_t const len = desc.size();
    switch (u8(desc, 0)) {
    case 0x00: // Information: VALID at [2], INFORMATION [4..11]
        if (len >= 12) s.information = load_be64(desc.subspan(4));
        break;
    case 0x01: // Command-specific information [4..11]
        if (len >= 12) s.command_specific = load_be64(desc.subspan(4));
        break;
    case 0x02: // Sense key specific [4..6]
        if (len >= 7) decode_key_specific(desc.subspan(4, 3), s);
        break;
    case 0x03: // Field replaceable unit [3]
        if (len >= 4) s.fru_code = static_cast<std::uint8_t>(u8(desc, 3));
        break;
    case 0x04: // Stream commands: FILEMARK, EOM, ILI at [3]
        if (len >= 4) {
            s.filemark = (u8(desc, 3) & 0x80U) != 0;
            s.end_of_medium = (u8(desc, 3) & 0x40U) != 0;
            s.ili = (u8(desc, 3) & 0x20U) != 0;
        }
        break;
    case 0x05: // Block commands: ILI at [3]
        if (len >= 4) s.ili = (u8(desc, 3) & 0x20U) != 0;
        break;
    default:
        break;
    }
}

/**
 * Descriptor format (SPC-4 §4.5.2): [1] key, [2] ASC, [3] ASCQ,
 * [7] ADDITIONAL SENSE LENGTH, descriptors from byte 8.
 */
result<sense> parse_descriptor(bytes data, sense s)
{
    if (data.size() < 2) return errc::short_response;
    s.descriptor_format = true;
    s.key = static_cast<sense_key>(u8(data, 1) & 0x0fU);
    if (data.size() >= 3) s.asc = static_cast<std::uint8_t>(u8(data, 2));
    if (data.size() >= 4) s.ascq = static_cast<std::uint8_t>(u8(data, 3));
    if (data.size() < 8) {
        s.truncated = true;
        return s;
    }
    std::size_t const claimed = 8 + u8(data, 7);
    s.truncated = data.size() < claimed;
    bytes const d = data.first(std::min(data.size(), claimed));
    std::size_t off = 8;
    while (off + 2 <= d.size()) {
        std::size_t const len = 2 + u8(d, off + 1);
        if (off + len > d.size()) {
            s.truncated = true;
            break;
        }
        apply_descriptor(d.subspan(off, len), s);
        off += len;
    }
    if (off < d.size() && off + 2 > d.size()) s.truncated = true; // a lone type byte
    return s;
}

} // namespace

result<sense> parse_sense(std::span<std::byte const> data)
{
    if (data.empty()) return errc::short_response;
    sense s;
    s.response_code = static_cast<std::uint8_t>(u8(data, 0) & 0x7fU);
    switch (s.response_code) {
    case 0x70:
    case 0x71:
        return parse_fixed(data, s);
    case 0x72:
    case 0x73:
        return parse_descriptor(data, s);
    default:
        return errc::bad_sense;
    }
}

std::string_view to_string(status s) noexcept
{
    switch (s) {
    case status::good: return "GOOD";
    case status::check_condition: return "CHECK CONDITION";
    case status::condition_met: return "CONDITION MET";
    case status::busy: return "BUSY";
    case status::reservation_conflict: return "RESERVATION CONFLICT";
    case status::task_set_full: return "TASK SET FULL";
    case status::aca_active: return "ACA ACTIVE";
    case status::task_aborted: return "TASK ABORTED";
    }
    return "unknown status";
}

std::string_view to_string(sense_key k) noexcept
{
    static constexpr std::array<std::string_view, 16> names{
        "No Sense",        "Recovered Error", "Not Ready",     "Medium Error",
        "Hardware Error",  "Illegal Request", "Unit Attention", "Data Protect",
        "Blank Check",     "Vendor Specific", "Copy Aborted",  "Aborted Command",
        "Reserved (0Ch)",  "Volume Overflow", "Miscompare",    "Completed",
    };
    return names[static_cast<std::size_t>(k) & 0x0fU];
}

std::string describe(sense const& s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out{to_string(s.key)};
    out += ": ";
    if (auto const text = asc_text(s.asc, s.ascq); !text.empty())
        out += text;
    else if (s.asc >= 0x80 || s.ascq >= 0x80) // SPC-4 §4.5.2.1: vendor-specific ranges
        out += "vendor-specific additional sense code";
    else
        out += "additional sense code not in the table";
    out += " (";
    out += {hex[s.asc >> 4], hex[s.asc & 0xf], '/', hex[s.ascq >> 4], hex[s.ascq & 0xf]};
    out += ')';
    if (s.deferred()) out += ", deferred error";
    return out;
}

} // namespace iscsi::scsi
