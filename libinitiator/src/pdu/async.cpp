#include "iscsi/pdu/async.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// §11.9.
constexpr std::size_t off_event = 36;
constexpr std::size_t off_vendor_code = 37;
constexpr std::size_t off_parameter1 = 38;
constexpr std::size_t off_parameter2 = 40;
constexpr std::size_t off_parameter3 = 42;

} // namespace

raw_pdu encode(async_message const& p)
{
    raw_pdu r = start(opcode::async_message, false, final_flag);
    bhs_out out{r};
    out.lun_at(off_lun, p.lun_);
    out.u32(off_itt, reserved_itt.value());  // §11.9: ITT is 0xffffffff
    out.target_sns(p);
    out.u8(off_event, static_cast<std::uint8_t>(p.event));
    out.u8(off_vendor_code, p.vendor_code);
    out.u16(off_parameter1, p.parameter1);
    out.u16(off_parameter2, p.parameter2);
    out.u16(off_parameter3, p.parameter3);
    finish(r, join_sense(p.sense, p.event_data));
    return r;
}

result<async_message> decode_async_message(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::async_message, diag)) return ec;
    bhs_in in{raw};
    async_message p;
    if (auto ec = split_sense(raw.data, p.sense, p.event_data, diag)) return ec;
    p.event = static_cast<async_event>(in.u8(off_event));
    p.vendor_code = in.u8(off_vendor_code);
    p.lun_ = in.lun_at(off_lun);
    in.target_sns(p);
    p.parameter1 = in.u16(off_parameter1);
    p.parameter2 = in.u16(off_parameter2);
    p.parameter3 = in.u16(off_parameter3);
    return p;
}

} // namespace iscsi::pdu
