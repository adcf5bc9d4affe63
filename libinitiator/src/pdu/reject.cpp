#include "iscsi/pdu/reject.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// §11.17.
constexpr std::size_t off_reason = 2;
constexpr std::size_t off_data_sn = 36;

} // namespace

raw_pdu encode(reject const& p)
{
    raw_pdu r = start(opcode::reject, false, final_flag);
    bhs_out out{r};
    out.u8(off_reason, static_cast<std::uint8_t>(p.reason));
    out.u32(off_itt, reserved_itt.value());  // §11.17: ITT is 0xffffffff
    out.target_sns(p);
    out.u32(off_data_sn, p.data_sn.value());
    finish(r, p.rejected_header);
    return r;
}

result<reject> decode_reject(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header(raw, opcode::reject, diag)) return ec;
    bhs_in in{raw};
    reject p;
    p.reason = static_cast<reject_reason>(in.u8(off_reason));
    in.target_sns(p);
    p.data_sn = in.get32<datasn>(off_data_sn);
    p.rejected_header = raw.data;
    return p;
}

std::optional<itt> rejected_task_tag(reject const& r) noexcept
{
    if (r.rejected_header.size() < bhs_size) return std::nullopt;
    return itt{load_be32(std::span{r.rejected_header}.subspan(off_itt))};
}

} // namespace iscsi::pdu
