// PDUs from the target in the full feature phase (RFC 7143 §11), one
// handler per opcode.
#include "iscsi/session/ffp_connection.hpp"

#include "buffer_list.hpp"

#include "iscsi/pdu/async.hpp"
#include "iscsi/pdu/data.hpp"
#include "iscsi/pdu/logout.hpp"
#include "iscsi/pdu/nop.hpp"
#include "iscsi/pdu/r2t.hpp"
#include "iscsi/pdu/reject.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/text.hpp"
#include "iscsi/pdu/tmf.hpp"
#include "iscsi/session/errors.hpp"

#include <algorithm>
#include <string>

namespace iscsi::session {

void ffp_connection::handle_pdu(pdu::raw_pdu const& raw)
{
    if (error_) return;
    switch (raw.op()) {
    case pdu::opcode::scsi_response: on_scsi_response(raw); break;
    case pdu::opcode::data_in: on_data_in(raw); break;
    case pdu::opcode::r2t: on_r2t(raw); break;
    case pdu::opcode::nop_in: on_nop_in(raw); break;
    case pdu::opcode::text_response: on_text_response(raw); break;
    case pdu::opcode::logout_response: on_logout_response(raw); break;
    case pdu::opcode::reject: on_reject(raw); break;
    case pdu::opcode::async_message: on_async(raw); break;
    case pdu::opcode::task_mgmt_response: on_tmf_response(raw); break;
    default:
        fail(errc::unexpected_pdu,
             "opcode 0x" + std::to_string(static_cast<unsigned>(raw.op())) + " in the full feature phase");
        return;
    }
    // A response may have opened the window; but once the connection has
    // failed, held commands stay held for fail_all() rather than go out on it.
    if (!error_) flush_window();
}

/// The task a response names, if it exists and is of the kind the opcode
/// answers; otherwise the connection fails (ERL 0 cannot resynchronise).
ffp_connection::task* ffp_connection::task_for(itt tag, task_kind kind, char const* what)
{
    auto it = tasks_.find(tag.value());
    if (it != tasks_.end() && it->second.kind == kind) return &it->second;
    fail(errc::unknown_task, std::string(what) + " for ITT " + std::to_string(tag.value()));
    return nullptr;
}

void ffp_connection::on_scsi_response(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_scsi_response(raw, &d);
    if (!r) return fail(r.error(), d.message);
    if (!accept_stat_sn(r->stat_sn)) return;
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    task* t = task_for(r->itt_, task_kind::scsi, "SCSI Response");
    if (!t) return;
    scsi_outcome& out = t->out;
    out.response = r->response;
    out.status = r->status;
    out.sense = std::move(r->sense);
    out.residual = r->residual_count;
    out.underflow = r->residual_underflow;
    out.overflow = r->residual_overflow;
    complete(r->itt_);
}

void ffp_connection::on_data_in(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_data_in_header(raw, &d);
    if (!r) return fail(r.error(), d.message);
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    task* found = task_for(r->itt_, task_kind::scsi, "Data-In");
    if (!found) return;
    task& t = *found;
    // ERL 0 has no SNACK to ask for a missing PDU: a DataSN gap is fatal.
    if (r->data_sn != t.next_data_sn)
        return fail(errc::sequence_error, "Data-In DataSN " + std::to_string(r->data_sn.value()) +
                                              ", expected " + std::to_string(t.next_data_sn.value()));
    ++t.next_data_sn;
    // Placed data (placement_for) is already in the caller's buffers.
    std::size_t const length = raw.data_placed ? raw.data_segment_length() : raw.data.size();
    std::size_t const end = std::size_t{r->buffer_offset} + length;
    std::size_t const expected = t.req.cmd.dir == scsi::data_direction::write ? 0 : t.req.cmd.expected_length;
    if (end > expected)
        return fail(errc::data_overrun, "Data-In up to byte " + std::to_string(end) + " of a " +
                                            std::to_string(expected) + "-byte read");
    if (!store_data_in(t, r->buffer_offset, raw))
        return fail(errc::data_overrun, "Data-In up to byte " + std::to_string(end) + " beyond the read buffers");
    t.received = std::max(t.received, static_cast<std::uint32_t>(end));
    if (r->status_present) {
        // Phase collapse (§11.7.4): status in the last Data-In, no SCSI Response.
        if (!accept_stat_sn(r->stat_sn)) return;
        t.out.status = r->status;
        t.out.residual = r->residual_count;
        t.out.underflow = r->residual_underflow;
        t.out.overflow = r->residual_overflow;
        complete(r->itt_);
    }
}

bool ffp_connection::store_data_in(task& t, std::uint32_t offset, pdu::raw_pdu const& raw)
{
    if (raw.data_placed) return true;
    if (!t.req.read_into.empty()) {
        auto where = detail::pieces(t.req.read_into, offset, raw.data.size());
        if (where.empty() && !raw.data.empty()) return false;
        std::size_t done = 0;
        for (auto piece : where) {
            std::copy_n(raw.data.begin() + static_cast<std::ptrdiff_t>(done), piece.size(), piece.begin());
            done += piece.size();
        }
        return true;
    }
    auto& buf = t.out.data;
    if (offset == buf.size()) {
        buf.insert(buf.end(), raw.data.begin(), raw.data.end()); // in order: the usual case
    } else {
        if (offset + raw.data.size() > buf.size()) buf.resize(offset + raw.data.size());
        std::copy(raw.data.begin(), raw.data.end(), buf.begin() + offset);
    }
    return true;
}

std::vector<std::span<std::byte>> ffp_connection::placement_for(pdu::raw_pdu const& header)
{
    if (error_ || header.op() != pdu::opcode::data_in) return {};
    auto it = tasks_.find(header.task_tag().value());
    if (it == tasks_.end() || it->second.kind != task_kind::scsi || it->second.req.read_into.empty()) return {};
    task const& t = it->second;
    std::uint32_t const offset = load_be32(std::span{header.bhs}.subspan(40)); // Buffer Offset (§11.7.5)
    std::size_t const length = header.data_segment_length();
    if (t.req.cmd.dir == scsi::data_direction::write || offset + length > t.req.cmd.expected_length) return {};
    return detail::pieces(t.req.read_into, offset, length);
}

void ffp_connection::on_r2t(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_r2t(raw, &d);
    if (!r) return fail(r.error(), d.message);
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    task* found = task_for(r->itt_, task_kind::scsi, "R2T");
    if (!found) return;
    task& t = *found;
    // ERL 0: R2TSN counts this task's R2Ts from 0 without gaps (§11.8.3);
    // a missing one could only be recovered with a SNACK.
    if (r->r2t_sn != t.next_r2t_sn)
        return fail(errc::sequence_error, "R2TSN " + std::to_string(r->r2t_sn.value()) + ", expected " +
                                              std::to_string(t.next_r2t_sn.value()));
    ++t.next_r2t_sn;
    std::uint64_t const end = std::uint64_t{r->buffer_offset} + r->desired_data_transfer_length;
    // §11.8.4: the desired length is at most MaxBurstLength and lies within
    // the write's Expected Data Transfer Length.
    std::size_t const write_length = t.req.write_length();
    if (t.req.cmd.dir != scsi::data_direction::write || end > write_length ||
        r->desired_data_transfer_length == 0 || r->desired_data_transfer_length > params_.max_burst_length)
        return fail(errc::bad_r2t, "R2T for bytes " + std::to_string(r->buffer_offset) + ".." +
                                       std::to_string(end) + " of a " +
                                       std::to_string(write_length) + "-byte write");
    send_data_out(r->itt_, t, r->ttt_, r->buffer_offset, r->desired_data_transfer_length);
}

void ffp_connection::on_nop_in(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_nop_in(raw, &d);
    if (!r) return fail(r.error(), d.message);
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    if (r->itt_ != reserved_itt) {
        // The answer to our ping (§11.19): StatSN advances for it.
        if (!accept_stat_sn(r->stat_sn)) return;
        task* t = task_for(r->itt_, task_kind::nop, "NOP-In");
        if (!t) return;
        t->ping = std::move(r->data);
        return complete(r->itt_);
    }
    if (r->ttt_ == reserved_ttt) return; // an unsolicited status update
    // The target pings us: answer with a NOP-Out carrying its TTT and data,
    // ITT 0xffffffff, immediate (§11.18.4).
    pdu::nop_out n;
    n.immediate = true;
    n.lun_ = r->lun_;
    n.itt_ = reserved_itt;
    n.ttt_ = r->ttt_;
    n.cmd_sn = window_.next();
    n.exp_stat_sn = exp_stat_sn_;
    n.data = std::move(r->data);
    outbound_.push_back(pdu::encode(n));
}

void ffp_connection::on_text_response(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_text_response(raw, &d);
    if (!r) return fail(r.error(), d.message);
    if (!accept_stat_sn(r->stat_sn)) return;
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    task* found = task_for(r->itt_, task_kind::text, "Text Response");
    if (!found) return;
    task& t = *found;
    if (!t.text_out.empty()) {
        // The target took a C=1 piece of our request: send the next one.
        return send_text_piece(r->itt_, t, r->ttt_);
    }
    if (t.text_in.size() + r->data.size() > max_text_bytes_)
        return fail(errc::text_too_long, "text response over " + std::to_string(max_text_bytes_) + " bytes");
    t.text_in.insert(t.text_in.end(), r->data.begin(), r->data.end());
    if (!r->final) {
        // §11.11.2 / Appendix: ask for the rest with an empty Text Request
        // carrying the target's TTT. Immediate (§11.10 allows it), so a
        // closed window cannot stall the sequence: tgt answers each piece of
        // a long SendTargets reply with MaxCmdSN = ExpCmdSN - 1.
        pdu::text_request more;
        more.immediate = true;
        more.final = true;
        more.itt_ = r->itt_;
        more.ttt_ = r->ttt_;
        more.cmd_sn = window_.next();
        more.exp_stat_sn = exp_stat_sn_;
        queue_command(r->itt_, pdu::encode(more), true);
        return;
    }
    auto keys = text::parse(t.text_in, {.max_pairs = 1U << 20, .max_total_bytes = max_text_bytes_}, &d);
    if (!keys) {
        complete(r->itt_, keys.error());
        return;
    }
    t.text_keys = std::move(*keys);
    complete(r->itt_);
}

void ffp_connection::on_logout_response(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_logout_response(raw, &d);
    if (!r) return fail(r.error(), d.message);
    if (!accept_stat_sn(r->stat_sn)) return;
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    task* t = task_for(r->itt_, task_kind::logout, "Logout Response");
    if (!t) return;
    t->logout = logout_outcome{r->response, r->time2wait, r->time2retain};
    bool const ok = r->response == pdu::logout_response_code::closed_successfully;
    complete(r->itt_, ok ? std::error_code{} : make_error_code(errc::logout_failed));
}

void ffp_connection::on_reject(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_reject(raw, &d);
    if (!r) return fail(r.error(), d.message);
    if (!accept_stat_sn(r->stat_sn)) return;
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    // The rejected PDU's header comes back in the data segment (§11.17.1);
    // its ITT (bytes 16..19) names the task that failed.
    if (auto tag = pdu::rejected_task_tag(*r); tag && tasks_.contains(tag->value()))
        complete(*tag, errc::rejected);
}

void ffp_connection::on_async(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_async_message(raw, &d);
    if (!r) return fail(r.error(), d.message);
    if (!accept_stat_sn(r->stat_sn)) return;
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    auto const e = static_cast<unsigned>(r->event);
    events_.push_back(e <= 5 ? static_cast<async_event>(e) : async_event::vendor);
    if (e == 2 || e == 3) fail(errc::target_dropped, "Async Message event " + std::to_string(e));
}

void ffp_connection::on_tmf_response(pdu::raw_pdu const& raw)
{
    diagnostics d;
    auto r = pdu::decode_task_mgmt_response(raw, &d);
    if (!r) return fail(r.error(), d.message);
    if (!accept_stat_sn(r->stat_sn)) return;
    window_.update(r->exp_cmd_sn, r->max_cmd_sn);
    task* t = task_for(r->itt_, task_kind::tmf, "Task Management Function Response");
    if (!t) return;
    t->tmf_out.response = r->response;
    pdu::task_mgmt_request const req = t->tmf;
    if (r->response == pdu::tmf_response::function_complete) clear_tasks(req);
    complete(r->itt_);
}

void ffp_connection::clear_tasks(pdu::task_mgmt_request const& req)
{
    std::vector<itt> ended;
    for (auto const& [tag, t] : tasks_) {
        // Tasks still held by the window were never seen by the target: they
        // run after the function, as if submitted after it.
        if (t.kind != task_kind::scsi || t.command) continue;
        switch (req.function) {
        case pdu::tmf_function::abort_task:
            if (itt{tag} == req.referenced_task_tag) ended.push_back(itt{tag});
            break;
        case pdu::tmf_function::abort_task_set:
        case pdu::tmf_function::clear_task_set:
        case pdu::tmf_function::logical_unit_reset:
            if (t.req.lun_ == req.lun_) ended.push_back(itt{tag});
            break;
        case pdu::tmf_function::target_warm_reset:
        case pdu::tmf_function::target_cold_reset: ended.push_back(itt{tag}); break;
        default: break;
        }
    }
    for (itt tag : ended) complete(tag, errc::task_aborted);
}

} // namespace iscsi::session
