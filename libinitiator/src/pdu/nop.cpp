#include "iscsi/pdu/nop.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {

using namespace detail;

// §11.18 / §11.19: byte 1 is "1 | reserved" in both directions; both carry
// LUN, ITT and TTT, then the sequence numbers of their direction.

raw_pdu encode(nop_out const& p)
{
    raw_pdu r = start(opcode::nop_out, p.immediate, final_flag);
    bhs_out out{r};
    out.lun_itt_ttt(p);
    out.initiator_sns(p);
    finish(r, p.data);
    return r;
}

raw_pdu encode(nop_in const& p)
{
    raw_pdu r = start(opcode::nop_in, false, final_flag);
    bhs_out out{r};
    out.lun_itt_ttt(p);
    out.target_sns(p);
    finish(r, p.data);
    return r;
}

result<nop_out> decode_nop_out(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::nop_out, diag)) return ec;
    bhs_in in{raw};
    nop_out p;
    p.immediate = raw.immediate();
    in.lun_itt_ttt(p);
    in.initiator_sns(p);
    p.data = raw.data;
    return p;
}

result<nop_in> decode_nop_in(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::nop_in, diag)) return ec;
    bhs_in in{raw};
    nop_in p;
    in.lun_itt_ttt(p);
    in.target_sns(p);
    p.data = raw.data;
    return p;
}

} // namespace iscsi::pdu
