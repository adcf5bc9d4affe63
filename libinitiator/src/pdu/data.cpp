#include "iscsi/pdu/data.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// Data-In byte 1 (§11.7.1): F | A | 0 | 0 | 0 | O | U | S.
constexpr std::uint8_t ack_flag = 0x40;
constexpr std::uint8_t overflow_flag = 0x04;
constexpr std::uint8_t underflow_flag = 0x02;
constexpr std::uint8_t status_flag = 0x01;

// Both carry LUN, ITT and TTT; Data-Out then only ExpStatSN (§11.7), Data-In
// the target's StatSN, ExpCmdSN and MaxCmdSN.
constexpr std::size_t off_status = 3;         // Data-In
constexpr std::size_t off_data_sn = 36;
constexpr std::size_t off_buffer_offset = 40;
constexpr std::size_t off_residual = 44;      // Data-In

raw_pdu encode_header(data_out const& p)
{
    raw_pdu r = start(opcode::data_out, false, bit_if(p.final, final_flag));
    bhs_out out{r};
    out.lun_itt_ttt(p);
    out.u32(off_exp_stat_sn, p.exp_stat_sn.value());
    out.u32(off_data_sn, p.data_sn.value());
    out.u32(off_buffer_offset, p.buffer_offset);
    return r;
}

raw_pdu encode_header(data_in const& p)
{
    auto const flags = static_cast<std::uint8_t>(
        bit_if(p.final, final_flag) | bit_if(p.acknowledge, ack_flag) | bit_if(p.residual_overflow, overflow_flag) |
        bit_if(p.residual_underflow, underflow_flag) | bit_if(p.status_present, status_flag));
    raw_pdu r = start(opcode::data_in, false, flags);
    bhs_out out{r};
    out.u8(off_status, p.status);
    out.lun_itt_ttt(p);
    out.target_sns(p);
    out.u32(off_data_sn, p.data_sn.value());
    out.u32(off_buffer_offset, p.buffer_offset);
    out.u32(off_residual, p.residual_count);
    return r;
}

template <class Pdu, class Data>
raw_pdu encode_with(Pdu const& p, Data&& data)
{
    raw_pdu r = encode_header(p);
    finish(r, std::forward<Data>(data));
    return r;
}

} // namespace

raw_pdu encode(data_out const& p) { return encode_with(p, p.data); }
raw_pdu encode(data_out&& p) { return encode_with(p, std::move(p.data)); }
raw_pdu encode(data_in const& p) { return encode_with(p, p.data); }
raw_pdu encode(data_in&& p) { return encode_with(p, std::move(p.data)); }

result<data_out> decode_data_out(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::data_out, diag)) return ec;
    bhs_in in{raw};
    data_out p;
    p.final = in.bit(off_flags, final_flag);
    in.lun_itt_ttt(p);
    p.exp_stat_sn = in.get32<statsn>(off_exp_stat_sn);
    p.data_sn = in.get32<datasn>(off_data_sn);
    p.buffer_offset = in.u32(off_buffer_offset);
    p.data = raw.data;
    return p;
}

result<data_in> decode_data_in(raw_pdu const& raw, diagnostics* diag)
{
    auto p = decode_data_in_header(raw, diag);
    if (p) p->data = raw.data;
    return p;
}

result<data_in> decode_data_in_header(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::data_in, diag)) return ec;
    bhs_in in{raw};
    data_in p;
    p.final = in.bit(off_flags, final_flag);
    p.acknowledge = in.bit(off_flags, ack_flag);
    p.residual_overflow = in.bit(off_flags, overflow_flag);
    p.residual_underflow = in.bit(off_flags, underflow_flag);
    p.status_present = in.bit(off_flags, status_flag);
    // §11.7.1: "If the S bit is set to 1, the F bit MUST also be set to 1."
    if (p.status_present && !p.final)
        return malformed(diag, "A Data-In PDU carries status (S bit) without being final (F bit).");
    // §11.7.3 / §11.4.5.1: overflow and underflow exclude each other.
    if (p.residual_overflow && p.residual_underflow)
        return malformed(diag, "A Data-In PDU claims both residual overflow and underflow (O and U bits).");
    p.status = in.u8(off_status);
    in.lun_itt_ttt(p);
    in.target_sns(p);
    p.data_sn = in.get32<datasn>(off_data_sn);
    p.buffer_offset = in.u32(off_buffer_offset);
    p.residual_count = in.u32(off_residual);
    return p;
}

} // namespace iscsi::pdu
