// The ERL 0 session: leading login, full feature phase, pings and session
// recovery (RFC 7143 §6.3.5, §7.1.1, §8.3). Timers live in the machine as
// deadlines; the driver only reports `now`.
#include "iscsi/session/session_machine.hpp"

#include "iscsi/scsi/sense.hpp"
#include "iscsi/session/errors.hpp"

#include <algorithm>

namespace iscsi::session {

session_machine::session_machine(session_config cfg, auth::random_source& rng)
    : cfg_(std::move(cfg)), rng_(&rng), portal_(cfg_.portal)
{
}
session_machine::~session_machine() = default;
session_machine::session_machine(session_machine&&) noexcept = default;
session_machine& session_machine::operator=(session_machine&&) noexcept = default;

std::size_t session_machine::outstanding() const noexcept { return queue_.size() + in_flight_.size(); }

text::negotiated_params const* session_machine::params() const noexcept
{
    return ffp_ ? &ffp_->params() : nullptr;
}

void session_machine::note(session_notice::kind k, std::error_code ec, std::string detail)
{
    notices_.push_back(session_notice{k, ec, std::move(detail)});
}

void session_machine::start(time_point now)
{
    if (started_) return;
    started_ = true;
    connect(now);
}

void session_machine::connect(time_point now)
{
    conn_ = conn_state::xpt_wait;
    reconnect_at_.reset();
    conn_deadline_ = now + cfg_.connect_timeout;
    actions_.push_back(connect_to{portal_});
}

void session_machine::on_connected(time_point now)
{
    if (conn_ != conn_state::xpt_wait) return;
    conn_ = conn_state::in_login;
    conn_deadline_.reset();
    login::login_params p = cfg_.login;
    // §6.3.5: both a new session and the reinstatement of a failed one use
    // a leading login with TSIH 0 and the session's ISID; the target then
    // closes the old session with that ISID in favour of the new one.
    p.tsih_ = tsih{};
    login_.emplace(std::move(p), *rng_);
    login_->start(now);
    drain_login(now);
}

void session_machine::drain_login(time_point now)
{
    while (auto p = login_->poll_transmit()) actions_.push_back(std::move(*p));
    if (login_->done()) login_finished(now);
}

void session_machine::login_finished(time_point now)
{
    switch (login_->state()) {
    case login::login_state::full_feature_phase: return enter_full_feature(now);
    case login::login_state::redirected: {
        // §11.13.5: log in at the address given. Not counted as a failure.
        auto next = discovery::parse_portal(login_->redirect().target_address);
        std::string const where = login_->redirect().target_address;
        login_.reset();
        actions_.push_back(disconnect{});
        if (!next || ++redirects_ > cfg_.max_redirects)
            return login_failed(errc::redirect_failed, "redirect to \"" + where + "\"", now);
        portal_ = *next;
        return connect(now);
    }
    default: {
        std::error_code const ec = login_->error();
        std::string detail = login_->diag().message;
        login_.reset();
        actions_.push_back(disconnect{});
        return login_failed(ec, std::move(detail), now);
    }
    }
}

void session_machine::login_failed(std::error_code ec, std::string detail, time_point now)
{
    conn_ = conn_state::free;
    conn_deadline_.reset();
    portal_ = cfg_.portal; // redirects are per login (§11.13.5 temporary)
    redirects_ = 0;
    if (!ever_logged_in_ || closing_) {
        // No session to recover: the caller decides whether to try again.
        return end(ec, std::move(detail));
    }
    // Recovery goes on until logout: a restarted target may refuse logins
    // for a while (§7.1.1 leaves the retry policy to the initiator).
    note(session_notice::kind::login_failed, ec, std::move(detail));
    reconnect_at_ = now + cfg_.reconnect_interval;
}

void session_machine::enter_full_feature(time_point now)
{
    login::login_success const info = login_->success();
    login_.reset();
    conn_ = conn_state::logged_in;
    state_ = session_state::logged_in;
    tsih_ = info.tsih_;
    time2wait_s_ = info.params.default_time2wait;
    redirects_ = 0;
    actions_.push_back(configure_stream{
        .digests = {.header = info.params.header_digest == text::digest::crc32c,
                    .data = info.params.data_digest == text::digest::crc32c},
        .max_recv_data_segment_length = info.params.max_recv_data_segment_length});
    ffp_.emplace(ffp_params{info.params, info.cmd_sn, info.exp_cmd_sn, info.max_cmd_sn, info.exp_stat_sn});
    last_heard_ = now;
    ping_deadline_.reset();
    ping_.reset();
    note(ever_logged_in_ ? session_notice::kind::reinstated : session_notice::kind::logged_in);
    ever_logged_in_ = true;
    replacement_at_.reset();
    fast_fail_ = false;
    // Retries first, in their original order, then what came meanwhile.
    auto queued = std::move(queue_);
    queue_.clear();
    for (auto& p : queued) issue(std::move(p), now);
    drain_connection(now);
}

void session_machine::issue(pending p, time_point now)
{
    lun const l = p.req.lun_;
    itt const tag = ffp_->submit(std::move(p.req));
    in_flight_.emplace(tag.value(), in_flight{.id = p.id, .unit_attentions = p.unit_attentions, .lun_ = l});
    if (cfg_.command_timeout > duration::zero()) deadlines_.push_back({now + cfg_.command_timeout, tag.value(), p.id});
}

request_id session_machine::submit(scsi_request req, time_point now)
{
    request_id const id{next_request_++};
    auto reject = [&](errc why) { done_.push_back(request_done{id, why, {}}); };
    if (ended_ || closing_) {
        reject(errc::session_ended);
    } else if (fast_fail_) {
        reject(errc::replacement_timeout);
    } else if (conn_ == conn_state::logged_in) {
        issue(pending{id, std::move(req)}, now);
        drain_connection(now);
    } else {
        queue_.push_back(pending{id, std::move(req)});
    }
    return id;
}

std::vector<std::span<std::byte>> session_machine::placement_for(pdu::raw_pdu const& header)
{
    if ((conn_ != conn_state::logged_in && conn_ != conn_state::in_logout) || !ffp_) return {};
    return ffp_->placement_for(header);
}

void session_machine::on_pdu(pdu::raw_pdu const& p, time_point now)
{
    if (conn_ == conn_state::in_login) {
        login_->handle_pdu(p);
        return drain_login(now);
    }
    if (conn_ != conn_state::logged_in && conn_ != conn_state::in_logout) return;
    last_heard_ = now;
    ffp_->handle_pdu(p);
    drain_connection(now);
}

void session_machine::on_written(std::span<pdu::raw_pdu const> pdus, time_point now)
{
    if ((conn_ != conn_state::logged_in && conn_ != conn_state::in_logout) || !ffp_) return;
    ffp_->on_written(pdus);
    drain_connection(now);
}

/// Moves what the connection produced out: PDUs, completions, events; then
/// handles a failed connection.
void session_machine::drain_connection(time_point now)
{
    // Handling a completion can fail the connection (error handling gave
    // up): then ffp_ is gone and so is everything else it had.
    while (ffp_) {
        auto c = ffp_->poll_completion();
        if (!c) break;
        if (ping_ && c->tag == *ping_) {
            ping_.reset();
            ping_deadline_.reset();
            continue;
        }
        if (logout_tag_ && c->tag == *logout_tag_) {
            // §11.15: the connection closes after a Logout Response.
            logout_tag_.reset();
            actions_.push_back(disconnect{});
            ffp_.reset();
            conn_ = conn_state::free;
            return end(c->error, c->error ? "logout: " + c->error.message() : std::string{});
        }
        if (auto t = tmfs_.find(c->tag.value()); t != tmfs_.end()) {
            tmf_in_flight tmf = std::move(t->second);
            tmfs_.erase(t);
            tmf_finished(std::move(tmf), *c, now);
            continue;
        }
        auto it = in_flight_.find(c->tag.value());
        if (it == in_flight_.end()) continue;
        in_flight const f = it->second;
        in_flight_.erase(it);
        scsi_finished(f, *c, now);
    }
    if (!ffp_) return;
    while (auto e = ffp_->poll_event()) {
        // §11.9.1 event 1: the target wants this connection logged out. At
        // ERL 0 with one connection, recovering the session is what keeps
        // its commands: drop the connection and reinstate.
        if (*e == async_event::logout_requested && !ffp_->error()) {
            note(session_notice::kind::async_event, {}, "the target requested a logout");
            return connection_failed(errc::target_dropped, "the target requested a logout", now);
        }
        if (*e == async_event::negotiation_requested) {
            // §11.9.1 event 4: the initiator MUST answer with a Text Request
            // (possibly empty) as early as possible. We have nothing to
            // change: an empty one lets the target propose; its answer needs
            // nothing from us (ffp applies no keys mid-session).
            ffp_->submit_text({});
            note(session_notice::kind::async_event, {}, "the target asked to renegotiate: empty Text Request sent");
        }
    }
    if (ffp_->error()) return connection_failed(ffp_->error(), ffp_->diag().message, now);
    while (auto p = ffp_->poll_transmit()) actions_.push_back(std::move(*p));
    maybe_send_logout(now);
}

void session_machine::connection_failed(std::error_code ec, std::string detail, time_point now)
{
    bool const was_logging_out = conn_ == conn_state::in_logout || closing_;
    actions_.push_back(disconnect{});
    conn_ = conn_state::free;
    ping_.reset();
    ping_deadline_.reset();
    logout_tag_.reset();
    std::vector<pending> retry;
    if (ffp_) {
        for (auto& [tag, req] : ffp_->take_scsi_requests(errc::connection_closed)) {
            auto it = in_flight_.find(tag.value());
            if (it == in_flight_.end()) continue;
            if (it->second.timed_out) // error handling gave up on it: no retry
                done_.push_back(request_done{it->second.id, errc::command_timeout, {}});
            else
                retry.push_back(pending{it->second.id, std::move(req), it->second.unit_attentions});
        }
        ffp_.reset();
    }
    in_flight_.clear();
    deadlines_.clear();
    fail_tmfs(errc::connection_closed);
    // Retry in submission order, ahead of anything queued meanwhile.
    std::sort(retry.begin(), retry.end(), [](pending const& a, pending const& b) { return a.id < b.id; });
    for (auto it = retry.rbegin(); it != retry.rend(); ++it) queue_.push_front(std::move(*it));

    if (was_logging_out) {
        fail_queued(errc::session_ended);
        return end(ec, std::move(detail));
    }
    if (state_ != session_state::failed) {
        state_ = session_state::failed;
        replacement_at_ = now + cfg_.replacement_timeout;
    }
    note(session_notice::kind::connection_failed, ec, std::move(detail));
    // §13.15 DefaultTime2Wait: the least time before reconnecting.
    reconnect_at_ = now + std::chrono::seconds(time2wait_s_);
    if (*reconnect_at_ <= now) connect(now);
}

void session_machine::on_transport_error(std::error_code ec, time_point now)
{
    switch (conn_) {
    case conn_state::xpt_wait:
    case conn_state::in_login: {
        std::string detail = ec.message();
        login_.reset();
        actions_.push_back(disconnect{});
        return login_failed(ec, std::move(detail), now);
    }
    case conn_state::logged_in: return connection_failed(ec, ec.message(), now);
    case conn_state::in_logout: {
        // The Logout went out after every command had completed
        // (maybe_send_logout), and a target may drop the connection as it
        // ends the session instead of answering first (istgt does, now and
        // then). Nothing is left to lose or to recover: the session is over.
        std::string detail = "the connection ended before the Logout Response (" + ec.message() + ")";
        actions_.push_back(disconnect{});
        return end({}, std::move(detail));
    }
    case conn_state::free: return;
    }
}

void session_machine::on_timeout(time_point now)
{
    if (conn_deadline_ && now >= *conn_deadline_) {
        conn_deadline_.reset();
        if (conn_ == conn_state::xpt_wait) return on_transport_error(errc::connect_timeout, now);
        if (conn_ == conn_state::in_logout)
            return connection_failed(errc::connection_closed, "no Logout Response in time", now);
    }
    if (conn_ == conn_state::in_login) {
        if (auto t = login_->poll_timeout(); t && now >= *t) {
            login_->handle_timeout(now);
            drain_login(now);
        }
    }
    if (conn_ == conn_state::logged_in && cfg_.noop_out_interval > duration::zero()) {
        if (ping_deadline_ && now >= *ping_deadline_)
            return connection_failed(errc::nop_timeout, "no NOP-In within the noop_out_timeout", now);
        if (!ping_ && now >= last_heard_ + cfg_.noop_out_interval) {
            // §11.18: a ping that wants an answer; the answer is any PDU's
            // worth of proof that the target and the path are alive.
            ping_ = ffp_->submit_nop();
            ping_deadline_ = now + cfg_.noop_out_timeout;
            drain_connection(now);
        }
    }
    if (conn_ == conn_state::logged_in) {
        check_task_deadlines(now);
        if (conn_ == conn_state::logged_in) drain_connection(now);
    }
    if (state_ == session_state::failed && replacement_at_ && now >= *replacement_at_) {
        replacement_at_.reset();
        fast_fail_ = true;
        fail_queued(errc::replacement_timeout);
        note(session_notice::kind::replacement_timeout, errc::replacement_timeout);
    }
    if (conn_ == conn_state::free && reconnect_at_ && now >= *reconnect_at_ && !ended_) connect(now);
}

std::optional<time_point> session_machine::poll_timeout() const
{
    std::optional<time_point> next;
    auto consider = [&](std::optional<time_point> t) {
        if (t && (!next || *t < *next)) next = t;
    };
    consider(conn_deadline_);
    if (conn_ == conn_state::in_login && login_) consider(login_->poll_timeout());
    if (conn_ == conn_state::logged_in && cfg_.noop_out_interval > duration::zero())
        consider(ping_ ? ping_deadline_ : std::optional{last_heard_ + cfg_.noop_out_interval});
    if (conn_ == conn_state::logged_in) consider(next_task_deadline());
    if (state_ == session_state::failed) consider(replacement_at_);
    if (conn_ == conn_state::free && !ended_) consider(reconnect_at_);
    return next;
}

void session_machine::logout(time_point now)
{
    if (ended_ || closing_) return;
    closing_ = true;
    fail_queued(errc::session_ended);
    if (conn_ == conn_state::logged_in) return maybe_send_logout(now);
    // Not connected (or still logging in): nothing to log out of.
    if (conn_ != conn_state::free) actions_.push_back(disconnect{});
    login_.reset();
    conn_ = conn_state::free;
    end({}, {});
}

/// Logout goes out once the commands in flight have completed, so none is
/// cut off by the session closing (§11.14.1 would abort them).
void session_machine::maybe_send_logout(time_point now)
{
    if (!closing_ || conn_ != conn_state::logged_in || !in_flight_.empty() || !tmfs_.empty()) return;
    conn_ = conn_state::in_logout;
    conn_deadline_ = now + cfg_.logout_timeout;
    logout_tag_ = ffp_->submit_logout(pdu::logout_reason::close_session);
    while (auto p = ffp_->poll_transmit()) actions_.push_back(std::move(*p));
}

/// A command that met a UNIT ATTENTION was not run (SAM-5 §5.14): the UA
/// reports an event (reset, power on, changed parameters) and is cleared by
/// this very report. Like Linux's SCSI midlayer for fixed disks, issue the
/// command again, a bounded number of times, and tell the owner what happened.
void session_machine::scsi_finished(in_flight f, completion& c, time_point now)
{
    auto* out = std::get_if<scsi_outcome>(&c.outcome);
    if (c.error == errc::task_aborted && f.timed_out) {
        done_.push_back(request_done{f.id, errc::command_timeout, {}});
        return;
    }
    if (c.error == errc::task_aborted && f.eh_reset && c.request) {
        // Ended by the LUN RESET that error handling sent for another
        // command: this one did nothing wrong, so it runs again.
        issue(pending{f.id, std::move(*c.request), f.unit_attentions}, now);
        return;
    }
    if (out && !c.error && retry_unit_attention(f, *out, c.request, now)) return;
    done_.push_back(request_done{f.id, c.error, out ? std::move(*out) : scsi_outcome{}});
}

bool session_machine::retry_unit_attention(in_flight f, scsi_outcome const& out, std::optional<scsi_request>& req,
                                           time_point now)
{
    if (!req || out.response != pdu::service_response::command_completed ||
        out.status != static_cast<std::uint8_t>(scsi::status::check_condition))
        return false;
    auto s = scsi::parse_sense(out.sense);
    if (!s || s->key != scsi::sense_key::unit_attention) return false;
    note(session_notice::kind::unit_attention, {}, scsi::describe(*s));
    if (f.unit_attentions >= cfg_.unit_attention_retries || closing_) return false;
    issue(pending{f.id, std::move(*req), f.unit_attentions + 1}, now);
    return true;
}

void session_machine::fail_queued(std::error_code ec)
{
    for (auto& p : queue_) done_.push_back(request_done{p.id, ec, {}});
    queue_.clear();
}

void session_machine::end(std::error_code ec, std::string detail)
{
    fail_queued(ec ? ec : make_error_code(errc::session_ended));
    for (auto const& [tag, f] : in_flight_) done_.push_back(request_done{f.id, errc::session_ended, {}});
    in_flight_.clear();
    deadlines_.clear();
    fail_tmfs(errc::session_ended);
    ffp_.reset();
    state_ = session_state::free;
    conn_ = conn_state::free;
    ended_ = true;
    conn_deadline_.reset();
    reconnect_at_.reset();
    replacement_at_.reset();
    error_ = ec;
    if (!detail.empty()) diag_.set(detail);
    note(session_notice::kind::ended, ec, std::move(detail));
}

std::optional<session_action> session_machine::poll_action()
{
    if (actions_.empty()) return std::nullopt;
    session_action a = std::move(actions_.front());
    actions_.pop_front();
    return a;
}

std::optional<request_done> session_machine::poll_completion()
{
    if (done_.empty()) return std::nullopt;
    request_done d = std::move(done_.front());
    done_.pop_front();
    return d;
}

std::optional<session_notice> session_machine::poll_notice()
{
    if (notices_.empty()) return std::nullopt;
    session_notice n = std::move(notices_.front());
    notices_.pop_front();
    return n;
}

} // namespace iscsi::session
