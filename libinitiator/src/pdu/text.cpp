#include "iscsi/pdu/text.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// Byte 1 (§11.10.1, §11.10.2): F | C | reserved.
constexpr std::uint8_t continue_flag = 0x40;
constexpr std::size_t off_ttt = 20;
// Request (§11.10).
constexpr std::size_t off_cmd_sn = 24;
constexpr std::size_t off_exp_stat_sn = 28;
// Response (§11.11).
constexpr std::size_t off_stat_sn = 24;
constexpr std::size_t off_exp_cmd_sn = 28;
constexpr std::size_t off_max_cmd_sn = 32;

std::uint8_t text_flags(bool final, bool cont) noexcept
{
    return static_cast<std::uint8_t>(bit_if(final, final_flag) | bit_if(cont, continue_flag));
}

} // namespace

raw_pdu encode(text_request const& p)
{
    raw_pdu r = start(opcode::text_request, p.immediate, text_flags(p.final, p.cont));
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

raw_pdu encode(text_response const& p)
{
    raw_pdu r = start(opcode::text_response, false, text_flags(p.final, p.cont));
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

result<text_request> decode_text_request(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::text_request, diag)) return ec;
    bhs_in in{raw};
    text_request p;
    p.immediate = raw.immediate();
    p.final = in.bit(off_flags, final_flag);
    p.cont = in.bit(off_flags, continue_flag);
    p.lun_ = in.lun_at(off_lun);
    p.itt_ = in.get32<itt>(off_itt);
    p.ttt_ = in.get32<ttt>(off_ttt);
    p.cmd_sn = in.get32<cmdsn>(off_cmd_sn);
    p.exp_stat_sn = in.get32<statsn>(off_exp_stat_sn);
    p.data = raw.data;
    return p;
}

result<text_response> decode_text_response(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::text_response, diag)) return ec;
    bhs_in in{raw};
    text_response p;
    p.final = in.bit(off_flags, final_flag);
    p.cont = in.bit(off_flags, continue_flag);
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
