#include "iscsi/pdu/text.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// Byte 1 (§11.10.1, §11.10.2): F | C | reserved.
// Request (§11.10) and response (§11.11) both carry LUN, ITT and TTT, then
// the sequence numbers of their direction.
constexpr std::uint8_t continue_flag = 0x40;

std::uint8_t text_flags(bool final, bool cont) noexcept
{
    return static_cast<std::uint8_t>(bit_if(final, final_flag) | bit_if(cont, continue_flag));
}

template <class Pdu>
void read_flags(bhs_in const& in, Pdu& p) noexcept
{
    p.final = in.bit(off_flags, final_flag);
    p.cont = in.bit(off_flags, continue_flag);
}

} // namespace

raw_pdu encode(text_request const& p)
{
    raw_pdu r = start(opcode::text_request, p.immediate, text_flags(p.final, p.cont));
    bhs_out out{r};
    out.lun_itt_ttt(p);
    out.initiator_sns(p);
    finish(r, p.data);
    return r;
}

raw_pdu encode(text_response const& p)
{
    raw_pdu r = start(opcode::text_response, false, text_flags(p.final, p.cont));
    bhs_out out{r};
    out.lun_itt_ttt(p);
    out.target_sns(p);
    finish(r, p.data);
    return r;
}

result<text_request> decode_text_request(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::text_request, diag)) return ec;
    bhs_in in{raw};
    text_request p;
    p.immediate = raw.immediate();
    read_flags(in, p);
    in.lun_itt_ttt(p);
    in.initiator_sns(p);
    p.data = raw.data;
    return p;
}

result<text_response> decode_text_response(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::text_response, diag)) return ec;
    bhs_in in{raw};
    text_response p;
    read_flags(in, p);
    in.lun_itt_ttt(p);
    in.target_sns(p);
    p.data = raw.data;
    return p;
}

} // namespace iscsi::pdu
