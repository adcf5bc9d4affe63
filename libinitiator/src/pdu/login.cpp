#include "iscsi/pdu/login.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// Byte 1 of both login PDUs (§11.12.1-4): T | C | . | . | CSG(2) | NSG(2).
constexpr std::uint8_t transit_flag = 0x80;
constexpr std::uint8_t continue_flag = 0x40;

// Offsets shared by request and response (§11.12, §11.13).
constexpr std::size_t off_version_max = 2;
constexpr std::size_t off_version_min_or_active = 3;
constexpr std::size_t off_isid = 8;
constexpr std::size_t off_tsih = 14;
// Request only.
constexpr std::size_t off_cid = 20;
// Response only.
constexpr std::size_t off_status_class = 36;
constexpr std::size_t off_status_detail = 37;

/// Byte 1, ISID, TSIH and ITT, laid out alike in both directions.
template <class Pdu>
raw_pdu start_login(opcode op, bool immediate, Pdu const& p)
{
    auto const flags = static_cast<std::uint8_t>(bit_if(p.transit, transit_flag) | bit_if(p.cont, continue_flag) |
                                                 (static_cast<std::uint8_t>(p.csg) << 2) |
                                                 static_cast<std::uint8_t>(p.nsg));
    raw_pdu r = start(op, immediate, flags);
    bhs_out out{r};
    out.u8(off_version_max, p.version_max);
    out.copy(off_isid, p.isid_.bytes());
    out.u16(off_tsih, p.tsih_.value());
    out.u32(off_itt, p.itt_.value());
    return r;
}

isid read_isid(bhs_in const& in) noexcept
{
    std::array<std::byte, 6> b{};
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::byte>(in.u8(off_isid + i));
    return isid{b};
}

// §11.12.3: stage code 2 is reserved. NSG is only meaningful with T set
// (§11.12.4), so a reserved NSG without T is ignored and read as 0.
template <class Pdu>
std::error_code read_common(raw_pdu const& r, Pdu& p, diagnostics* diag)
{
    bhs_in in{r};
    std::uint8_t const flags = in.u8(off_flags);
    p.transit = (flags & transit_flag) != 0;
    p.cont = (flags & continue_flag) != 0;
    unsigned const csg = (flags >> 2) & 3U;
    unsigned const nsg = flags & 3U;
    if (csg == 2)
        return malformed(diag, "The login PDU names the reserved stage 2 as its current stage (CSG).");
    if (nsg == 2 && p.transit)
        return malformed(diag, "The login PDU asks to move to the reserved stage 2 (NSG).");
    p.csg = static_cast<stage>(csg);
    p.nsg = nsg == 2 ? stage::security_negotiation : static_cast<stage>(nsg);
    p.version_max = in.u8(off_version_max);
    p.isid_ = read_isid(in);
    p.tsih_ = in.get16<tsih>(off_tsih);
    p.itt_ = in.get32<itt>(off_itt);
    return {};
}

} // namespace

raw_pdu encode(login_request const& p)
{
    // §11.12: "the I bit is always 1" for Login Requests.
    raw_pdu r = start_login(opcode::login_request, true, p);
    bhs_out out{r};
    out.u8(off_version_min_or_active, p.version_min);
    out.u16(off_cid, p.cid_.value());
    out.initiator_sns(p);
    finish(r, p.data);
    return r;
}

raw_pdu encode(login_response const& p)
{
    raw_pdu r = start_login(opcode::login_response, false, p);
    bhs_out out{r};
    out.u8(off_version_min_or_active, p.version_active);
    out.target_sns(p);
    out.u8(off_status_class, p.status_class);
    out.u8(off_status_detail, p.status_detail);
    finish(r, p.data);
    return r;
}

result<login_request> decode_login_request(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::login_request, diag)) return ec;
    login_request p;
    if (auto ec = read_common(raw, p, diag)) return ec;
    bhs_in in{raw};
    p.version_min = in.u8(off_version_min_or_active);
    p.cid_ = in.get16<cid>(off_cid);
    in.initiator_sns(p);
    p.data = raw.data;
    return p;
}

result<login_response> decode_login_response(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::login_response, diag)) return ec;
    login_response p;
    if (auto ec = read_common(raw, p, diag)) return ec;
    bhs_in in{raw};
    p.version_active = in.u8(off_version_min_or_active);
    in.target_sns(p);
    p.status_class = in.u8(off_status_class);
    p.status_detail = in.u8(off_status_detail);
    p.data = raw.data;
    return p;
}

} // namespace iscsi::pdu
