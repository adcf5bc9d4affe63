#include "iscsi/pdu/logout.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// Request (§11.14): byte 1 is 1 | Reason Code (7 bits).
constexpr std::uint8_t reason_mask = 0x7f;
constexpr std::size_t off_cid = 20;
// Response (§11.15).
constexpr std::size_t off_response = 2;
constexpr std::size_t off_time2wait = 40;
constexpr std::size_t off_time2retain = 42;

} // namespace

raw_pdu encode(logout_request const& p)
{
    auto const byte1 = static_cast<std::uint8_t>(final_flag | (static_cast<std::uint8_t>(p.reason) & reason_mask));
    raw_pdu r = start(opcode::logout_request, p.immediate, byte1);
    bhs_out out{r};
    out.u32(off_itt, p.itt_.value());
    out.u16(off_cid, p.cid_.value());
    out.initiator_sns(p);
    finish(r);
    return r;
}

raw_pdu encode(logout_response const& p)
{
    raw_pdu r = start(opcode::logout_response, false, final_flag);
    bhs_out out{r};
    out.u8(off_response, static_cast<std::uint8_t>(p.response));
    out.u32(off_itt, p.itt_.value());
    out.target_sns(p);
    out.u16(off_time2wait, p.time2wait);
    out.u16(off_time2retain, p.time2retain);
    finish(r);
    return r;
}

result<logout_request> decode_logout_request(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header_only(raw, opcode::logout_request, diag)) return ec;
    bhs_in in{raw};
    logout_request p;
    p.immediate = raw.immediate();
    p.reason = static_cast<logout_reason>(in.u8(off_flags) & reason_mask);
    p.itt_ = in.get32<itt>(off_itt);
    p.cid_ = in.get16<cid>(off_cid);
    in.initiator_sns(p);
    return p;
}

result<logout_response> decode_logout_response(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header_only(raw, opcode::logout_response, diag)) return ec;
    bhs_in in{raw};
    logout_response p;
    p.response = static_cast<logout_response_code>(in.u8(off_response));
    p.itt_ = in.get32<itt>(off_itt);
    in.target_sns(p);
    p.time2wait = in.u16(off_time2wait);
    p.time2retain = in.u16(off_time2retain);
    return p;
}

} // namespace iscsi::pdu
