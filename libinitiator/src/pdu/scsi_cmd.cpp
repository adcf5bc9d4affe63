#include "iscsi/pdu/scsi_cmd.hpp"

#include "bhs_codec.hpp"
#include "iscsi/pdu/writer.hpp"

#include <algorithm>
#include <cassert>

namespace iscsi::pdu {
namespace {

using namespace detail;

// SCSI Command byte 1 (§11.3.1): F | R | W | . | . | ATTR(3).
constexpr std::uint8_t read_flag = 0x40;
constexpr std::uint8_t write_flag = 0x20;
constexpr std::uint8_t attr_mask = 0x07;
constexpr std::size_t off_expected_length = 20;
constexpr std::size_t off_cdb = 32;

// SCSI Response byte 1 (§11.4.1): 1 | . | . | o | u | O | U | .
constexpr std::uint8_t bidi_overflow_flag = 0x10;
constexpr std::uint8_t bidi_underflow_flag = 0x08;
constexpr std::uint8_t overflow_flag = 0x04;
constexpr std::uint8_t underflow_flag = 0x02;
constexpr std::size_t off_response = 2;
constexpr std::size_t off_status = 3;
constexpr std::size_t off_snack_tag = 20;
constexpr std::size_t off_exp_data_sn = 36;
constexpr std::size_t off_bidi_residual = 40;
constexpr std::size_t off_residual = 44;

// An AHS (§11.2.2): AHSLength(2) | AHSType(1) | type-specific byte | ...,
// where AHSLength counts from the type-specific byte on, without padding.
constexpr std::size_t ahs_fixed = 3;
constexpr std::uint8_t ahs_type_mask = 0x3f;  // bits 0-1 of AHSType are reserved

void append_ahs(std::vector<std::byte>& ahs, ahs_type type, std::span<std::byte const> body)
{
    std::size_t const start_at = ahs.size();
    std::size_t const length = 1 + body.size();  // the reserved byte counts
    ahs.resize(start_at + ahs_fixed + length + padding_for(ahs_fixed + length));
    std::span<std::byte> const out = std::span{ahs}.subspan(start_at);
    store_be16(out, static_cast<std::uint16_t>(length));
    out[2] = static_cast<std::byte>(type);
    for (std::size_t i = 0; i < body.size(); ++i) out[4 + i] = body[i];
}

raw_pdu encode_header(scsi_command const& p)
{
    assert(!p.cdb.empty() && p.cdb.size() <= max_cdb_size);
    auto const byte1 = static_cast<std::uint8_t>(bit_if(p.final, final_flag) | bit_if(p.read, read_flag) |
                                                 bit_if(p.write, write_flag) |
                                                 (static_cast<std::uint8_t>(p.attr) & attr_mask));
    raw_pdu r = start(opcode::scsi_command, p.immediate, byte1);
    bhs_out out{r};
    out.lun_at(off_lun, p.lun_);
    out.u32(off_itt, p.itt_.value());
    out.u32(off_expected_length, p.expected_data_transfer_length);
    out.initiator_sns(p);
    std::span<std::byte const> const cdb{p.cdb};
    out.copy(off_cdb, cdb.first(std::min(cdb.size(), bhs_cdb_size)));
    // §11.2.2.3: bytes beyond 16 go into an Extended CDB AHS.
    if (cdb.size() > bhs_cdb_size) append_ahs(r.ahs, ahs_type::extended_cdb, cdb.subspan(bhs_cdb_size));
    // §11.2.2.4: AHSLength 5, the read length as a 32-bit number.
    if (p.bidi_read_expected_length) {
        std::array<std::byte, 4> len{};
        store_be32(len, *p.bidi_read_expected_length);
        append_ahs(r.ahs, ahs_type::bidi_read_expected_length, len);
    }
    return r;
}

/// Walks the AHS area and fills the command's extended CDB and bidi length.
std::error_code read_ahs(raw_pdu const& raw, scsi_command& p, diagnostics* diag)
{
    std::span<std::byte const> rest{raw.ahs};
    while (!rest.empty()) {
        std::size_t const length = load_be16(rest);
        std::size_t const total = ahs_fixed + length + padding_for(ahs_fixed + length);
        if (length == 0 || total > rest.size())
            return malformed(diag, "An AHS of length " + std::to_string(length) + " does not fit the " +
                                       std::to_string(rest.size()) + " AHS bytes left.");
        auto const type = static_cast<ahs_type>(std::to_integer<std::uint8_t>(rest[2]) & ahs_type_mask);
        auto const body = rest.subspan(4, length - 1);
        if (type == ahs_type::extended_cdb) {
            p.cdb.insert(p.cdb.end(), body.begin(), body.end());
        } else if (type == ahs_type::bidi_read_expected_length) {
            if (length != 5)
                return malformed(diag, "The Bidirectional Read Expected Data Transfer Length AHS must have "
                                       "AHSLength 5, not " + std::to_string(length) + ".");
            p.bidi_read_expected_length = load_be32(body);
        } // other types (reserved or vendor, §11.2.2.2) are skipped
        rest = rest.subspan(total);
    }
    return {};
}

} // namespace

raw_pdu encode(scsi_command const& p)
{
    raw_pdu r = encode_header(p);
    finish(r, p.data);
    return r;
}

raw_pdu encode(scsi_command&& p)
{
    raw_pdu r = encode_header(p);
    finish(r, std::move(p.data));
    return r;
}

raw_pdu encode(scsi_response const& p)
{
    auto const byte1 = static_cast<std::uint8_t>(
        final_flag | bit_if(p.bidi_read_overflow, bidi_overflow_flag) |
        bit_if(p.bidi_read_underflow, bidi_underflow_flag) | bit_if(p.residual_overflow, overflow_flag) |
        bit_if(p.residual_underflow, underflow_flag));
    raw_pdu r = start(opcode::scsi_response, false, byte1);
    bhs_out out{r};
    out.u8(off_response, static_cast<std::uint8_t>(p.response));
    out.u8(off_status, p.status);
    out.u32(off_itt, p.itt_.value());
    out.u32(off_snack_tag, p.snack_tag);
    out.target_sns(p);
    out.u32(off_exp_data_sn, p.exp_data_sn.value());
    out.u32(off_bidi_residual, p.bidi_read_residual_count);
    out.u32(off_residual, p.residual_count);
    finish(r, join_sense(p.sense, p.response_data));
    return r;
}

result<scsi_command> decode_scsi_command(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::scsi_command, diag)) return ec;
    bhs_in in{raw};
    scsi_command p;
    p.immediate = raw.immediate();
    p.final = in.bit(off_flags, final_flag);
    p.read = in.bit(off_flags, read_flag);
    p.write = in.bit(off_flags, write_flag);
    p.attr = static_cast<task_attribute>(in.u8(off_flags) & attr_mask);
    p.lun_ = in.lun_at(off_lun);
    p.itt_ = in.get32<itt>(off_itt);
    p.expected_data_transfer_length = in.u32(off_expected_length);
    in.initiator_sns(p);
    auto const bhs = std::span{raw.bhs}.subspan(off_cdb, bhs_cdb_size);
    p.cdb.assign(bhs.begin(), bhs.end());
    if (auto ec = read_ahs(raw, p, diag)) return ec;
    p.data = raw.data;
    return p;
}

result<scsi_response> decode_scsi_response(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::scsi_response, diag)) return ec;
    bhs_in in{raw};
    scsi_response p;
    p.bidi_read_overflow = in.bit(off_flags, bidi_overflow_flag);
    p.bidi_read_underflow = in.bit(off_flags, bidi_underflow_flag);
    p.residual_overflow = in.bit(off_flags, overflow_flag);
    p.residual_underflow = in.bit(off_flags, underflow_flag);
    // §11.4.5.1: "Bits O and U and bits o and u are mutually exclusive".
    if ((p.residual_overflow && p.residual_underflow) || (p.bidi_read_overflow && p.bidi_read_underflow))
        return malformed(diag, "A SCSI Response claims both residual overflow and underflow.");
    if (auto ec = split_sense(raw.data, p.sense, p.response_data, diag)) return ec;
    p.response = static_cast<service_response>(in.u8(off_response));
    p.status = in.u8(off_status);
    p.itt_ = in.get32<itt>(off_itt);
    p.snack_tag = in.u32(off_snack_tag);
    in.target_sns(p);
    p.exp_data_sn = in.get32<datasn>(off_exp_data_sn);
    p.bidi_read_residual_count = in.u32(off_bidi_residual);
    p.residual_count = in.u32(off_residual);
    return p;
}

} // namespace iscsi::pdu
