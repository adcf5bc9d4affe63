#include "iscsi/pdu/tmf.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// Request (§11.5): byte 1 is 1 | Function (7 bits).
constexpr std::uint8_t function_mask = 0x7f;
constexpr std::size_t off_referenced_tag = 20;
constexpr std::size_t off_ref_cmd_sn = 32;
constexpr std::size_t off_exp_data_sn = 36;
// Response (§11.6).
constexpr std::size_t off_response = 2;

} // namespace

raw_pdu encode(task_mgmt_request const& p)
{
    auto const byte1 = static_cast<std::uint8_t>(final_flag | (static_cast<std::uint8_t>(p.function) & function_mask));
    raw_pdu r = start(opcode::task_mgmt_request, p.immediate, byte1);
    bhs_out out{r};
    out.lun_at(off_lun, p.lun_);
    out.u32(off_itt, p.itt_.value());
    out.u32(off_referenced_tag, p.referenced_task_tag.value());
    out.initiator_sns(p);
    out.u32(off_ref_cmd_sn, p.ref_cmd_sn.value());
    out.u32(off_exp_data_sn, p.exp_data_sn.value());
    finish(r);
    return r;
}

raw_pdu encode(task_mgmt_response const& p)
{
    raw_pdu r = start(opcode::task_mgmt_response, false, final_flag);
    bhs_out out{r};
    out.u8(off_response, static_cast<std::uint8_t>(p.response));
    out.u32(off_itt, p.itt_.value());
    out.target_sns(p);
    finish(r);
    return r;
}

result<task_mgmt_request> decode_task_mgmt_request(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header_only(raw, opcode::task_mgmt_request, diag)) return ec;
    bhs_in in{raw};
    task_mgmt_request p;
    p.immediate = raw.immediate();
    p.function = static_cast<tmf_function>(in.u8(off_flags) & function_mask);
    p.lun_ = in.lun_at(off_lun);
    p.itt_ = in.get32<itt>(off_itt);
    p.referenced_task_tag = in.get32<itt>(off_referenced_tag);
    in.initiator_sns(p);
    p.ref_cmd_sn = in.get32<cmdsn>(off_ref_cmd_sn);
    p.exp_data_sn = in.get32<datasn>(off_exp_data_sn);
    return p;
}

result<task_mgmt_response> decode_task_mgmt_response(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header_only(raw, opcode::task_mgmt_response, diag)) return ec;
    bhs_in in{raw};
    task_mgmt_response p;
    p.response = static_cast<tmf_response>(in.u8(off_response));
    p.itt_ = in.get32<itt>(off_itt);
    in.target_sns(p);
    return p;
}

} // namespace iscsi::pdu
