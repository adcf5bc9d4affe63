#include "iscsi/pdu/nop.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// §11.18 / §11.19: byte 1 is "1 | reserved" in both directions.
constexpr std::size_t off_ttt = 20;
constexpr std::size_t off_cmd_sn = 24;       // NOP-Out
constexpr std::size_t off_exp_stat_sn = 28;  // NOP-Out
constexpr std::size_t off_stat_sn = 24;      // NOP-In
constexpr std::size_t off_exp_cmd_sn = 28;   // NOP-In
constexpr std::size_t off_max_cmd_sn = 32;   // NOP-In

} // namespace

raw_pdu encode(nop_out const& p)
{
    raw_pdu r = start(opcode::nop_out, p.immediate, final_flag);
    bhs_out out{r};
    out.lun_at(off_lun, p.lun_);
    out.u32(off_itt, p.itt_.value());
    out.u32(off_ttt, p.ttt_.value());
    out.u32(off_cmd_sn, p.cmd_sn.value());
    out.u32(off_exp_stat_sn, p.exp_stat_sn.value());
    r.data = p.data;
    finish(r);
    return r;
}

raw_pdu encode(nop_in const& p)
{
    raw_pdu r = start(opcode::nop_in, false, final_flag);
    bhs_out out{r};
    out.lun_at(off_lun, p.lun_);
    out.u32(off_itt, p.itt_.value());
    out.u32(off_ttt, p.ttt_.value());
    out.u32(off_stat_sn, p.stat_sn.value());
    out.u32(off_exp_cmd_sn, p.exp_cmd_sn.value());
    out.u32(off_max_cmd_sn, p.max_cmd_sn.value());
    r.data = p.data;
    finish(r);
    return r;
}

result<nop_out> decode_nop_out(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::nop_out, diag)) return ec;
    bhs_in in{raw};
    nop_out p;
    p.immediate = raw.immediate();
    p.lun_ = in.lun_at(off_lun);
    p.itt_ = in.get32<itt>(off_itt);
    p.ttt_ = in.get32<ttt>(off_ttt);
    p.cmd_sn = in.get32<cmdsn>(off_cmd_sn);
    p.exp_stat_sn = in.get32<statsn>(off_exp_stat_sn);
    p.data = raw.data;
    return p;
}

result<nop_in> decode_nop_in(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::nop_in, diag)) return ec;
    bhs_in in{raw};
    nop_in p;
    p.lun_ = in.lun_at(off_lun);
    p.itt_ = in.get32<itt>(off_itt);
    p.ttt_ = in.get32<ttt>(off_ttt);
    p.stat_sn = in.get32<statsn>(off_stat_sn);
    p.exp_cmd_sn = in.get32<cmdsn>(off_exp_cmd_sn);
    p.max_cmd_sn = in.get32<cmdsn>(off_max_cmd_sn);
    p.data = raw.data;
    return p;
}

} // namespace iscsi::pdu
