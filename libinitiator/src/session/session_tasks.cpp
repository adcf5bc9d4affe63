// Task management (RFC 7143 §11.5, §11.6) and command timeouts for the
// ERL 0 session. A command past command_timeout goes through the escalation
// Linux's SCSI error handler uses: ABORT TASK, then LOGICAL UNIT RESET, then
// session recovery (drop the connection, reinstate). Each step has its own
// timeout; commands that only shared the LU with the culprit run again.
#include "iscsi/session/session_machine.hpp"

#include "iscsi/session/errors.hpp"

#include <algorithm>
#include <string>

namespace iscsi::session {

namespace {

std::string itt_text(std::uint32_t tag) { return "ITT " + std::to_string(tag); }

} // namespace

request_id session_machine::task_management(tmf_request r, time_point now)
{
    request_id const id{next_request_++};
    auto answer = [&](std::error_code ec, std::optional<pdu::tmf_response> resp = std::nullopt) {
        done_.push_back(request_done{id, ec, {}, resp});
        return id;
    };
    bool const abort = r.function == pdu::tmf_function::abort_task;
    if (abort) {
        if (!r.task) return answer({}, pdu::tmf_response::task_does_not_exist);
        // Still queued here (no connection yet, or recovering): the target
        // never saw it.
        auto q = std::find_if(queue_.begin(), queue_.end(), [&](pending const& p) { return p.id == *r.task; });
        if (q != queue_.end()) {
            done_.push_back(request_done{q->id, errc::task_aborted, {}});
            queue_.erase(q);
            return answer({}, pdu::tmf_response::function_complete);
        }
    }
    if (ended_ || closing_) return answer(errc::session_ended);
    if (conn_ != conn_state::logged_in) return answer(errc::no_connection);
    std::optional<itt> ref;
    if (abort) {
        auto it = std::find_if(in_flight_.begin(), in_flight_.end(), [&](auto const& e) { return e.second.id == *r.task; });
        if (it == in_flight_.end()) return answer({}, pdu::tmf_response::task_does_not_exist);
        ref = itt{it->first};
    }
    send_tmf(tmf_in_flight{.id = id, .function = r.function, .lun_ = r.lun_}, ref, now);
    drain_connection(now);
    return id;
}

/// Hands the TMF to the connection; the caller drains it (this may run
/// inside drain_connection's loop).
itt session_machine::send_tmf(tmf_in_flight t, std::optional<itt> referenced, time_point now)
{
    using pdu::tmf_function;
    duration const limit = t.function == tmf_function::abort_task ? cfg_.abort_timeout
                           : t.function == tmf_function::target_warm_reset || t.function == tmf_function::target_cold_reset
                               ? cfg_.tgt_reset_timeout
                               : cfg_.lu_reset_timeout;
    t.deadline = now + limit;
    itt const tag = ffp_->submit_tmf(t.function, t.lun_, referenced);
    tmfs_.emplace(tag.value(), std::move(t));
    return tag;
}

void session_machine::tmf_finished(tmf_in_flight t, completion const& c, time_point now)
{
    auto const* o = std::get_if<tmf_outcome>(&c.outcome);
    auto const resp = o ? o->response : pdu::tmf_response::function_rejected;
    if (t.id) {
        done_.push_back(request_done{*t.id, c.error, {}, c.error ? std::nullopt : std::optional{resp}});
        return;
    }
    // Error handling. "Function complete" has already ended the command(s)
    // (their completions came first); anything else leaves the culprit
    // running, so go one step further.
    if (!c.error && resp == pdu::tmf_response::function_complete) return;
    if (t.victim && !in_flight_.contains(*t.victim)) return; // it completed meanwhile
    escalate(t, now);
}

void session_machine::command_timed_out(std::uint32_t tag, time_point now)
{
    in_flight& f = in_flight_.at(tag);
    f.timed_out = true;
    note(session_notice::kind::command_timeout, errc::command_timeout, itt_text(tag) + ": ABORT TASK");
    send_tmf(tmf_in_flight{.function = pdu::tmf_function::abort_task, .lun_ = f.lun_, .victim = tag}, itt{tag}, now);
}

/// The step after a failed or unanswered one: ABORT TASK -> LUN RESET ->
/// session recovery.
void session_machine::escalate(tmf_in_flight const& t, time_point now)
{
    if (t.function == pdu::tmf_function::abort_task) {
        note(session_notice::kind::command_timeout, errc::command_timeout,
             itt_text(t.victim.value_or(0)) + ": ABORT TASK did not end it; LOGICAL UNIT RESET");
        for (auto& [tag, f] : in_flight_)
            if (f.lun_ == t.lun_ && !f.timed_out) f.eh_reset = true;
        send_tmf(tmf_in_flight{.function = pdu::tmf_function::logical_unit_reset, .lun_ = t.lun_, .victim = t.victim},
                 std::nullopt, now);
        return;
    }
    connection_failed(errc::command_timeout, "LOGICAL UNIT RESET did not end a timed-out command", now);
}

void session_machine::check_task_deadlines(time_point now)
{
    // Unanswered TMFs first: the caller's fail the connection (the target
    // is not responding); error handling's escalate.
    for (auto it = tmfs_.begin(); it != tmfs_.end() && conn_ == conn_state::logged_in;) {
        if (now < it->second.deadline) {
            ++it;
            continue;
        }
        tmf_in_flight t = std::move(it->second);
        it = tmfs_.erase(it);
        if (t.id) {
            done_.push_back(request_done{*t.id, errc::tmf_timeout, {}});
            return connection_failed(errc::tmf_timeout, "no answer to a task management request", now);
        }
        escalate(t, now);
    }
    while (conn_ == conn_state::logged_in) {
        auto const* e = live_deadline();
        if (!e || now < e->at) return;
        std::uint32_t const tag = e->tag;
        deadlines_.pop_front();
        command_timed_out(tag, now);
    }
}

session_machine::deadline_entry const* session_machine::live_deadline() const
{
    while (!deadlines_.empty()) {
        auto const& e = deadlines_.front();
        auto it = in_flight_.find(e.tag);
        if (it != in_flight_.end() && it->second.id == e.id && !it->second.timed_out) return &e;
        deadlines_.pop_front(); // finished, retried under another ITT, or already in error handling
    }
    return nullptr;
}

/// The earliest command or TMF deadline: the first live command deadline
/// (they come in order) and a scan of the few TMFs.
std::optional<time_point> session_machine::next_task_deadline() const
{
    std::optional<time_point> next;
    for (auto const& [tag, t] : tmfs_)
        if (!next || t.deadline < *next) next = t.deadline;
    if (auto const* e = live_deadline(); e && (!next || e->at < *next)) next = e->at;
    return next;
}

void session_machine::fail_tmfs(std::error_code ec)
{
    for (auto const& [tag, t] : tmfs_)
        if (t.id) done_.push_back(request_done{*t.id, ec, {}});
    tmfs_.clear();
}

} // namespace iscsi::session
