#include "iscsi/pdu/r2t.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// §11.8: LUN, ITT, TTT and the target's sequence numbers, then these.
constexpr std::size_t off_r2t_sn = 36;
constexpr std::size_t off_buffer_offset = 40;
constexpr std::size_t off_desired_length = 44;

} // namespace

raw_pdu encode(r2t const& p)
{
    raw_pdu r = start(opcode::r2t, false, final_flag);
    bhs_out out{r};
    out.lun_itt_ttt(p);
    out.target_sns(p);
    out.u32(off_r2t_sn, p.r2t_sn.value());
    out.u32(off_buffer_offset, p.buffer_offset);
    out.u32(off_desired_length, p.desired_data_transfer_length);
    finish(r);
    return r;
}

result<r2t> decode_r2t(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header_only(raw, opcode::r2t, diag)) return ec;
    if (!raw.ahs.empty()) return malformed(diag, "An R2T PDU carries no additional header segment.");
    bhs_in in{raw};
    r2t p;
    in.lun_itt_ttt(p);
    in.target_sns(p);
    p.r2t_sn = in.get32<r2tsn>(off_r2t_sn);
    p.buffer_offset = in.u32(off_buffer_offset);
    p.desired_data_transfer_length = in.u32(off_desired_length);
    // §11.8.4: "The Desired Data Transfer Length MUST NOT be 0".
    if (p.desired_data_transfer_length == 0)
        return malformed(diag, "An R2T asked for a Desired Data Transfer Length of 0 bytes.");
    return p;
}

} // namespace iscsi::pdu
