// Task submission and the outbound side of ffp_connection (RFC 7143 §4, §11).
#include "iscsi/session/ffp_connection.hpp"

#include "buffer_list.hpp"

#include "iscsi/pdu/data.hpp"
#include "iscsi/pdu/logout.hpp"
#include "iscsi/pdu/nop.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/text.hpp"
#include "iscsi/session/errors.hpp"
#include "iscsi/text/assembler.hpp"

#include <algorithm>

namespace iscsi::session {

void scsi_request::append_write_data(std::size_t offset, std::size_t n, std::vector<std::byte>& out) const
{
    if (write_from.empty()) {
        auto const first = data_out.begin() + static_cast<std::ptrdiff_t>(offset);
        out.insert(out.end(), first, first + static_cast<std::ptrdiff_t>(n));
        return;
    }
    for (auto piece : detail::pieces(write_from, offset, n)) out.insert(out.end(), piece.begin(), piece.end());
}

namespace {
/// Puts write data bytes [offset, offset + n) into an encoded PDU: borrowed
/// from the caller's gather list, so it is sent without a copy, or copied
/// from data_out.
void attach_write_data(scsi_request const& req, std::size_t offset, std::size_t n, pdu::raw_pdu& raw)
{
    if (n == 0) return;
    if (req.write_from.empty())
        req.append_write_data(offset, n, raw.data);
    else
        raw.data_ref = detail::pieces(req.write_from, offset, n);
    store_be24(std::span{raw.bhs}.subspan(5), static_cast<std::uint32_t>(n));
}
} // namespace

ffp_connection::ffp_connection(ffp_params p)
    : params_(std::move(p.params)),
      window_(p.cmd_sn, p.exp_cmd_sn, p.max_cmd_sn),
      exp_stat_sn_(p.exp_stat_sn),
      max_text_bytes_(p.max_text_bytes)
{
}

itt ffp_connection::add_task(task t)
{
    // ITTs are unique among outstanding tasks (§11.1.4.2); 0xffffffff is
    // reserved, so the counter skips it.
    // A completed task whose borrowed data is still being written keeps
    // its ITT until then.
    while (next_itt_ == reserved_itt.value() || tasks_.contains(next_itt_) || borrowed_.contains(next_itt_))
        ++next_itt_;
    itt const tag{next_itt_++};
    tasks_.emplace(tag.value(), std::move(t));
    return tag;
}

void ffp_connection::queue_command(itt tag, pdu::raw_pdu cmd, bool immediate)
{
    if (immediate) {
        outbound_.push_back(std::move(cmd));
        return;
    }
    tasks_.at(tag.value()).command = std::move(cmd);
    waiting_.push_back(tag);
    flush_window();
}

/// Sends held commands while the window is open, assigning CmdSN in order
/// (§4.2.2.1: CmdSN increments for each non-immediate command). A write's
/// unsolicited Data-Out follows its command.
void ffp_connection::flush_window()
{
    while (!waiting_.empty() && window_.open()) {
        itt const tag = waiting_.front();
        waiting_.pop_front();
        auto it = tasks_.find(tag.value());
        if (it == tasks_.end() || !it->second.command) continue;
        pdu::raw_pdu cmd = std::move(*it->second.command);
        it->second.command.reset();
        it->second.cmd_sn = window_.take();
        store_be32(std::span{cmd.bhs}.subspan(24), it->second.cmd_sn.value());
        store_be32(std::span{cmd.bhs}.subspan(28), exp_stat_sn_.value());
        outbound_.push_back(std::move(cmd));
        task& t = it->second;
        if (t.kind == task_kind::scsi && t.req.cmd.dir == scsi::data_direction::write) {
            std::uint32_t const edtl = t.req.cmd.expected_length;
            std::uint32_t const imm = t.immediate_bytes;
            if (!params_.initial_r2t) {
                // §13.11/§13.14: unsolicited data up to FirstBurstLength,
                // immediate data included.
                std::uint32_t const unsolicited = std::min(edtl, params_.first_burst_length);
                if (unsolicited > imm) send_unsolicited(tag, t, imm, unsolicited);
            }
        }
    }
}

itt ffp_connection::submit(scsi_request req)
{
    task t;
    t.kind = task_kind::scsi;
    t.req = std::move(req);
    auto const& cmd = t.req.cmd;
    std::uint32_t const edtl = cmd.expected_length;

    bool const both = !t.req.data_out.empty() && !t.req.write_from.empty();
    if (cmd.dir == scsi::data_direction::write && (both || t.req.write_length() != edtl)) {
        // Nothing goes on the wire for a request we could only send wrongly.
        itt const tag = add_task(std::move(t));
        complete(tag, errc::invalid_request);
        return tag;
    }

    pdu::scsi_command c;
    c.read = cmd.dir == scsi::data_direction::read || cmd.dir == scsi::data_direction::bidirectional;
    c.write = cmd.dir == scsi::data_direction::write || cmd.dir == scsi::data_direction::bidirectional;
    c.attr = t.req.attr;
    c.lun_ = t.req.lun_;
    c.expected_data_transfer_length = edtl;
    c.cdb.assign(cmd.cdb_.view().begin(), cmd.cdb_.view().end());
    std::uint32_t imm = 0;
    if (c.write) {
        if (params_.immediate_data)
            imm = std::min({edtl, params_.first_burst_length, params_.max_xmit_data_segment_length});
        // F=1 unless unsolicited Data-Out PDUs follow (§11.3.1).
        std::uint32_t const unsolicited = params_.initial_r2t ? imm : std::min(edtl, params_.first_burst_length);
        c.final = unsolicited <= imm;
    }
    // Data-In fills it in order (DataPDUInOrder=Yes) by appending: reserving
    // instead of resizing spares zeroing a buffer about to be overwritten.
    if (c.read && t.req.read_into.empty()) t.out.data.reserve(edtl);
    t.immediate_bytes = imm;
    itt const tag = add_task(std::move(t));
    c.itt_ = tag;
    pdu::raw_pdu raw = pdu::encode(std::move(c));
    attach_write_data(tasks_.at(tag.value()).req, 0, imm, raw);
    queue_command(tag, std::move(raw), false);
    return tag;
}

void ffp_connection::send_unsolicited(itt tag, task& t, std::uint32_t from, std::uint32_t to)
{
    // Unsolicited Data-Out uses TTT 0xffffffff and one data sequence whose
    // last PDU has F set (§11.7.1).
    send_data_out(tag, t, reserved_ttt, from, to - from);
}

void ffp_connection::send_data_out(itt tag, task& t, ttt target_tag, std::uint32_t offset, std::uint32_t length)
{
    std::uint32_t const mdsl = std::max<std::uint32_t>(params_.max_xmit_data_segment_length, 512);
    datasn sn{0}; // DataSN restarts for every R2T sequence (§11.7.5)
    for (std::uint32_t done = 0; done < length;) {
        std::uint32_t const n = std::min(mdsl, length - done);
        pdu::data_out d;
        d.final = done + n == length;
        d.lun_ = t.req.lun_;
        d.itt_ = tag;
        d.ttt_ = target_tag;
        d.exp_stat_sn = exp_stat_sn_;
        d.data_sn = sn++;
        d.buffer_offset = offset + done;
        pdu::raw_pdu raw = pdu::encode(std::move(d));
        attach_write_data(t.req, std::size_t{offset} + done, n, raw);
        outbound_.push_back(std::move(raw));
        done += n;
    }
}

itt ffp_connection::submit_text(text::key_values keys)
{
    task t;
    t.kind = task_kind::text;
    // A text longer than the target's MaxRecvDataSegmentLength goes out in
    // pieces with C=1 (§11.10.2); the target acknowledges each with an empty
    // response whose TTT the next piece echoes (send_text_piece).
    for (auto& piece : text::split(text::encode(keys), params_.max_xmit_data_segment_length))
        t.text_out.push_back(std::move(piece));
    itt const tag = add_task(std::move(t));
    send_text_piece(tag, tasks_.at(tag.value()), reserved_ttt);
    return tag;
}

void ffp_connection::send_text_piece(itt tag, task& t, ttt target_tag)
{
    pdu::text_request r;
    r.itt_ = tag;
    r.ttt_ = target_tag;
    if (!t.text_out.empty()) {
        r.data = std::move(t.text_out.front());
        t.text_out.pop_front();
    }
    r.cont = !t.text_out.empty();
    r.final = !r.cont; // §11.10.1: F=1 only on the last piece
    queue_command(tag, pdu::encode(r), false);
}

itt ffp_connection::submit_logout(pdu::logout_reason reason, cid c)
{
    task t;
    t.kind = task_kind::logout;
    itt const tag = add_task(std::move(t));
    // Sent as an immediate command so a closed window cannot hold it back
    // (§11.14: allowed), carrying the current CmdSN without advancing it.
    pdu::logout_request r;
    r.immediate = true;
    r.reason = reason;
    r.itt_ = tag;
    r.cid_ = c;
    r.cmd_sn = window_.next();
    r.exp_stat_sn = exp_stat_sn_;
    queue_command(tag, pdu::encode(r), true);
    return tag;
}

itt ffp_connection::submit_nop(std::vector<std::byte> ping_data)
{
    task t;
    t.kind = task_kind::nop;
    t.ping = ping_data;
    itt const tag = add_task(std::move(t));
    // A ping that wants an answer: a valid ITT, TTT 0xffffffff, immediate
    // (§11.18).
    pdu::nop_out n;
    n.immediate = true;
    n.itt_ = tag;
    n.ttt_ = reserved_ttt;
    n.cmd_sn = window_.next();
    n.exp_stat_sn = exp_stat_sn_;
    n.data = std::move(ping_data);
    queue_command(tag, pdu::encode(n), true);
    return tag;
}

itt ffp_connection::submit_tmf(pdu::tmf_function function, lun l, std::optional<itt> referenced)
{
    task t;
    t.kind = task_kind::tmf;
    t.tmf.function = function;
    t.tmf.lun_ = l;
    bool const abort = function == pdu::tmf_function::abort_task;
    auto victim = referenced ? tasks_.find(referenced->value()) : tasks_.end();
    if (abort && (victim == tasks_.end() || victim->second.kind != task_kind::scsi)) {
        // Already completed (its response may have crossed our request).
        t.tmf_out.response = pdu::tmf_response::task_does_not_exist;
        itt const tag = add_task(std::move(t));
        complete(tag);
        return tag;
    }
    if (abort && victim->second.command) {
        // Still held by the window: the target never saw it (§4.2.2.1).
        itt const ref = *referenced;
        std::erase(waiting_, ref);
        complete(ref, errc::task_aborted);
        itt const tag = add_task(std::move(t));
        complete(tag);
        return tag;
    }
    if (abort) {
        t.tmf.lun_ = victim->second.req.lun_;
        t.tmf.referenced_task_tag = *referenced;
        t.tmf.ref_cmd_sn = victim->second.cmd_sn;
    }
    itt const tag = add_task(std::move(t));
    pdu::task_mgmt_request& r = tasks_.at(tag.value()).tmf;
    // §11.5: immediate, carrying the current CmdSN without advancing it.
    r.immediate = true;
    r.itt_ = tag;
    r.cmd_sn = window_.next();
    r.exp_stat_sn = exp_stat_sn_;
    queue_command(tag, pdu::encode(r), true);
    return tag;
}

std::optional<pdu::raw_pdu> ffp_connection::poll_transmit()
{
    if (outbound_.empty()) return std::nullopt;
    pdu::raw_pdu p = std::move(outbound_.front());
    outbound_.pop_front();
    if (!p.data_ref.empty()) ++borrowed_[p.task_tag().value()];
    return p;
}

void ffp_connection::on_written(std::span<pdu::raw_pdu const> pdus)
{
    for (auto const& p : pdus) {
        if (p.data_ref.empty()) continue;
        auto it = borrowed_.find(p.task_tag().value());
        if (it == borrowed_.end() || --it->second != 0) continue;
        borrowed_.erase(it);
        if (auto parked = parked_.find(p.task_tag().value()); parked != parked_.end()) {
            completions_.push_back(std::move(parked->second));
            parked_.erase(parked);
        }
    }
}

std::optional<completion> ffp_connection::poll_completion()
{
    if (completions_.empty()) return std::nullopt;
    completion c = std::move(completions_.front());
    completions_.pop_front();
    return c;
}

std::optional<async_event> ffp_connection::poll_event()
{
    if (events_.empty()) return std::nullopt;
    async_event e = events_.front();
    events_.pop_front();
    return e;
}

namespace {
using outcome_t = decltype(completion::outcome);
} // namespace

void ffp_connection::complete(itt tag, std::error_code ec)
{
    auto it = tasks_.find(tag.value());
    if (it == tasks_.end()) return;
    task& t = it->second;
    auto make = [&]() -> outcome_t {
        switch (t.kind) {
        case task_kind::text: return outcome_t{std::in_place_type<text_outcome>, text_outcome{std::move(t.text_keys)}};
        case task_kind::logout: return outcome_t{std::in_place_type<logout_outcome>, t.logout};
        case task_kind::nop: return outcome_t{std::in_place_type<nop_outcome>, nop_outcome{std::move(t.ping)}};
        case task_kind::tmf: return outcome_t{std::in_place_type<tmf_outcome>, t.tmf_out};
        case task_kind::scsi: break;
        }
        t.out.data.resize(std::min<std::size_t>(t.out.data.size(), t.received));
        t.out.received = t.received;
        return outcome_t{std::in_place_type<scsi_outcome>, std::move(t.out)};
    };
    std::optional<scsi_request> req;
    if (t.kind == task_kind::scsi) req = std::move(t.req);
    completion c{tag, ec, make(), std::move(req)};
    tasks_.erase(it);
    // The caller may free its write buffers once this completes: not while
    // a PDU borrowing them is still being written (an early response).
    if (borrowed_.contains(tag.value()))
        parked_.emplace(tag.value(), std::move(c));
    else
        completions_.push_back(std::move(c));
}

void ffp_connection::fail_all(std::error_code why)
{
    std::vector<itt> tags;
    for (auto const& [tag, t] : tasks_) tags.push_back(itt{tag});
    for (itt tag : tags) complete(tag, why);
    waiting_.clear();
    // Nothing more of this connection is written: held completions go out.
    borrowed_.clear();
    for (auto& [tag, c] : parked_) completions_.push_back(std::move(c));
    parked_.clear();
}

std::vector<std::pair<itt, scsi_request>> ffp_connection::take_scsi_requests(std::error_code why)
{
    std::vector<std::pair<itt, scsi_request>> out;
    // Completed, but held for their borrowed data: the connection is gone,
    // so their answer is lost with it; they run again like the others.
    for (auto& [tag, c] : parked_)
        if (c.request) out.emplace_back(itt{tag}, std::move(*c.request));
    parked_.clear();
    borrowed_.clear();
    for (auto it = tasks_.begin(); it != tasks_.end();) {
        if (it->second.kind != task_kind::scsi) {
            ++it;
            continue;
        }
        out.emplace_back(itt{it->first}, std::move(it->second.req));
        it = tasks_.erase(it);
    }
    fail_all(why);
    return out;
}

void ffp_connection::fail(std::error_code ec, std::string detail)
{
    if (error_) return;
    error_ = ec;
    diag_.set(std::move(detail));
}

bool ffp_connection::accept_stat_sn(statsn sn)
{
    // §4.2.2.2: "Initiators MUST undertake recovery actions if the
    // difference is greater than an implementation-defined constant". Over
    // one TCP connection at ERL 0 StatSN only ever moves by one; we allow
    // for targets that number loosely, up to more statuses than any target
    // has in flight.
    constexpr std::uint32_t max_distance = 1U << 16;
    if (std::min(sn.distance_from(exp_stat_sn_), exp_stat_sn_.distance_from(sn)) > max_distance) {
        fail(errc::sequence_error, "StatSN " + std::to_string(sn.value()) + " where " +
                                       std::to_string(exp_stat_sn_.value()) + " was expected");
        return false;
    }
    if (sn + 1 > exp_stat_sn_) exp_stat_sn_ = sn + 1;
    return true;
}

} // namespace iscsi::session
