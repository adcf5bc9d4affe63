#include "iscsi/pdu/decode.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

/// Lifts result<T> into result<Variant>.
template <class Variant, class T>
result<Variant> lift(result<T>&& r)
{
    if (!r) return r.error();
    return Variant{std::move(*r)};
}

std::error_code not_this_direction(raw_pdu const& raw, char const* direction, diagnostics* diag)
{
    opcode const op = raw.op();
    if (!is_known(op)) {
        if (diag) diag->set("The PDU's opcode " + std::to_string(static_cast<unsigned>(op)) + " is not defined by RFC 7143.");
        return errc::unknown_opcode;
    }
    if (diag) diag->set("A " + std::string{name_of(op)} + " PDU is never sent by " + direction + ".");
    return errc::wrong_opcode;
}

} // namespace

// One case per opcode, each delegating to its codec (STYLE habit 12).
result<target_pdu> decode_target_pdu(raw_pdu const& raw, diagnostics* diag)
{
    using v = target_pdu;
    switch (raw.op()) {
    case opcode::nop_in: return lift<v>(decode_nop_in(raw, diag));
    case opcode::scsi_response: return lift<v>(decode_scsi_response(raw, diag));
    case opcode::task_mgmt_response: return lift<v>(decode_task_mgmt_response(raw, diag));
    case opcode::login_response: return lift<v>(decode_login_response(raw, diag));
    case opcode::text_response: return lift<v>(decode_text_response(raw, diag));
    case opcode::data_in: return lift<v>(decode_data_in(raw, diag));
    case opcode::logout_response: return lift<v>(decode_logout_response(raw, diag));
    case opcode::r2t: return lift<v>(decode_r2t(raw, diag));
    case opcode::async_message: return lift<v>(decode_async_message(raw, diag));
    case opcode::reject: return lift<v>(decode_reject(raw, diag));
    default: return not_this_direction(raw, "a target", diag);
    }
}

result<initiator_pdu> decode_initiator_pdu(raw_pdu const& raw, diagnostics* diag)
{
    using v = initiator_pdu;
    switch (raw.op()) {
    case opcode::nop_out: return lift<v>(decode_nop_out(raw, diag));
    case opcode::scsi_command: return lift<v>(decode_scsi_command(raw, diag));
    case opcode::task_mgmt_request: return lift<v>(decode_task_mgmt_request(raw, diag));
    case opcode::login_request: return lift<v>(decode_login_request(raw, diag));
    case opcode::text_request: return lift<v>(decode_text_request(raw, diag));
    case opcode::data_out: return lift<v>(decode_data_out(raw, diag));
    case opcode::logout_request: return lift<v>(decode_logout_request(raw, diag));
    case opcode::snack_request: return lift<v>(decode_snack_request(raw, diag));
    default: return not_this_direction(raw, "an initiator", diag);
    }
}

raw_pdu encode(initiator_pdu const& p)
{
    return std::visit([](auto const& x) { return encode(x); }, p);
}

raw_pdu encode(target_pdu const& p)
{
    return std::visit([](auto const& x) { return encode(x); }, p);
}

} // namespace iscsi::pdu
