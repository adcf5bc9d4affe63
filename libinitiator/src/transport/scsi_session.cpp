// The Asio driver of session_machine (STYLE habit 2): one strand; per
// connection a connector, a reader and a writer coroutine; one timer
// coroutine for the machine's deadlines. Events go into the machine and
// process() carries out its actions at once, so a digest change after the
// final Login Response applies before the reader parses another PDU.
#include "iscsi/transport/scsi_session.hpp"

#include "iscsi/auth/random.hpp"
#include "iscsi/session/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <future>
#include <thread>

namespace iscsi::transport {
namespace {

/// Handlers were wrapped at initiation (detail::post_on_completion): calling
/// one posts it to its own executor, so this never re-enters the session.
template <class Handler, class... Args>
void complete_later(Handler h, asio::any_io_executor const&, Args... args)
{
    std::move(h)(std::move(args)...);
}

} // namespace

std::shared_ptr<scsi_session> scsi_session::create(asio::any_io_executor ex, session::session_config cfg)
{
    return std::make_shared<scsi_session>(std::move(ex), std::move(cfg));
}

scsi_session::scsi_session(asio::any_io_executor ex, session::session_config cfg)
    : strand_(asio::make_strand(ex)),
      machine_(cfg, auth::system_random()),
      connect_timeout_(cfg.connect_timeout),
      timer_(strand_)
{
}

scsi_session::~scsi_session() = default;

void scsi_session::start_login(login_handler h)
{
    if (machine_.ended()) {
        complete_later(std::move(h), strand_, machine_.error() ? machine_.error()
                                                               : make_error_code(session::errc::session_ended));
        return;
    }
    if (machine_.state() == session::session_state::logged_in) {
        complete_later(std::move(h), strand_, std::error_code{});
        return;
    }
    login_waiters_.push_back(std::move(h));
    machine_.start(clock::now());
    if (!timer_running_) {
        timer_running_ = true;
        asio::co_spawn(strand_, run_timer(), asio::detached);
    }
    process();
}

void scsi_session::start_execute(std::uint64_t op, session::scsi_request r, execute_handler h)
{
    auto const id = machine_.submit(std::move(r), clock::now());
    pending_.emplace(id.value, pending_command{std::move(h), op});
    if (op != 0) ops_.emplace(op, id.value);
    process();
}

void scsi_session::start_tmf(pdu::tmf_function function, lun l, tmf_handler h)
{
    auto const id = machine_.task_management({.function = function, .lun_ = l}, clock::now());
    pending_tmfs_.emplace(id.value, std::move(h));
    process();
}

void scsi_session::cancel(std::uint64_t op)
{
    asio::dispatch(strand_, [self = shared_from_this(), op] {
        auto it = self->ops_.find(op);
        if (it == self->ops_.end()) return; // finished, or not started yet
        auto p = self->pending_.find(it->second);
        if (p == self->pending_.end() || p->second.cancelled) return;
        p->second.cancelled = true;
        // The TMF's own answer goes nowhere: the command's completion is
        // what the caller waits for.
        (void)self->machine_.task_management(
            {.function = pdu::tmf_function::abort_task, .task = session::request_id{it->second}}, clock::now());
        self->process();
    });
}

void scsi_session::start_logout(login_handler h)
{
    if (machine_.ended()) {
        complete_later(std::move(h), strand_, std::error_code{});
        return;
    }
    logout_waiters_.push_back(std::move(h));
    machine_.logout(clock::now());
    process();
}

void scsi_session::process()
{
    while (auto a = machine_.poll_action()) {
        if (auto* c = std::get_if<session::connect_to>(&*a)) {
            open_link(std::move(c->portal));
        } else if (auto* p = std::get_if<pdu::raw_pdu>(&*a)) {
            if (!link_) continue;
            link_->out.push_back(std::move(*p));
            link_->wake.cancel();
        } else if (auto* cfg = std::get_if<session::configure_stream>(&*a)) {
            if (!link_) continue;
            link_->stream.set_digests(cfg->digests);
            link_->stream.set_limits({.max_data_segment_length = cfg->max_recv_data_segment_length});
        } else {
            close_link();
        }
    }
    deliver();
    rearm_timer();
}

void scsi_session::deliver()
{
    while (auto d = machine_.poll_completion()) {
        if (auto t = pending_tmfs_.find(d->id.value); t != pending_tmfs_.end()) {
            complete_later(std::move(t->second), strand_, d->error, d->tmf.value_or(pdu::tmf_response::function_rejected));
            pending_tmfs_.erase(t);
            continue;
        }
        auto it = pending_.find(d->id.value);
        if (it == pending_.end()) continue;
        std::error_code ec = d->error;
        if (it->second.cancelled && ec == session::errc::task_aborted) ec = std::make_error_code(std::errc::operation_canceled);
        if (it->second.op != 0) ops_.erase(it->second.op);
        complete_later(std::move(it->second.handler), strand_, ec, std::move(d->outcome));
        pending_.erase(it);
    }
    while (auto n = machine_.poll_notice()) {
        if (on_notice_) on_notice_(*n);
        using kind = session::session_notice::kind;
        if (n->what == kind::logged_in || n->what == kind::ended) {
            std::error_code const ec = n->what == kind::ended
                                           ? (n->error ? n->error : make_error_code(session::errc::session_ended))
                                           : std::error_code{};
            for (auto& h : login_waiters_) complete_later(std::move(h), strand_, ec);
            login_waiters_.clear();
        }
        if (n->what == kind::ended) {
            for (auto& h : logout_waiters_) complete_later(std::move(h), strand_, n->error);
            logout_waiters_.clear();
            timer_.cancel();
        }
    }
}

void scsi_session::open_link(discovery::portal portal)
{
    close_link();
    link_ = std::make_shared<link>(strand_);
    asio::co_spawn(strand_, run_connect(link_, std::move(portal)), asio::detached);
}

void scsi_session::close_link()
{
    if (!link_) return;
    link_->closed = true;
    link_->stream.close();
    link_->wake.cancel();
    link_.reset();
}

void scsi_session::rearm_timer()
{
    // Wake the timer coroutine only when the next deadline moved earlier;
    // a later one just costs it an early, harmless wake-up.
    auto const next = machine_.poll_timeout();
    if (next && (!armed_ || *next < *armed_)) timer_.cancel();
}

asio::awaitable<void> scsi_session::run_connect(std::shared_ptr<link> l, discovery::portal portal)
{
    auto self = shared_from_this();
    std::error_code ec = co_await l->stream.connect(portal.address, portal.port, connect_timeout_);
    if (l->closed) co_return;
    if (ec) {
        machine_.on_transport_error(ec, clock::now());
    } else {
        machine_.on_connected(clock::now());
        asio::co_spawn(strand_, run_reader(l), asio::detached);
        asio::co_spawn(strand_, run_writer(l), asio::detached);
    }
    process();
}

asio::awaitable<void> scsi_session::run_reader(std::shared_ptr<link> l)
{
    auto self = shared_from_this();
    // Data-In for reads with caller buffers goes straight into them. Only
    // while this link is current: a stale connection's bytes go nowhere.
    l->stream.set_placement([this, lp = l.get()](pdu::raw_pdu const& header) {
        return lp->closed ? std::vector<std::span<std::byte>>{} : machine_.placement_for(header);
    });
    for (;;) {
        auto r = co_await l->stream.read();
        if (l->closed) co_return;
        if (!r) {
            machine_.on_transport_error(r.error(), clock::now());
            process();
            co_return;
        }
        machine_.on_pdu(*r, clock::now());
        process();
    }
}

asio::awaitable<void> scsi_session::run_writer(std::shared_ptr<link> l)
{
    auto self = shared_from_this();
    std::vector<pdu::raw_pdu> batch;
    for (;;) {
        while (l->out.empty() && !l->closed) {
            l->wake.expires_at(time_point::max());
            (void)co_await l->wake.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        if (l->closed) co_return;
        batch.clear();
        batch.swap(l->out);
        std::error_code ec = co_await l->stream.write(std::span<pdu::raw_pdu const>(batch));
        if (l->closed) co_return;
        if (ec) {
            machine_.on_transport_error(ec, clock::now());
            process();
            co_return;
        }
        // Caller buffers the batch borrowed are free again; a command held
        // for them may complete.
        if (std::ranges::any_of(batch, [](pdu::raw_pdu const& p) { return !p.data_ref.empty(); })) {
            machine_.on_written(batch, clock::now());
            process();
        }
    }
}

asio::awaitable<void> scsi_session::run_timer()
{
    auto self = shared_from_this();
    while (!machine_.ended()) {
        armed_ = machine_.poll_timeout();
        timer_.expires_at(armed_.value_or(time_point::max()));
        (void)co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        auto const now = clock::now();
        if (auto t = machine_.poll_timeout(); t && now >= *t) {
            machine_.on_timeout(now);
            process();
        }
    }
    armed_.reset();
    timer_running_ = false;
}

// --- blocking wrapper -------------------------------------------------------

struct blocking_session::impl {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::thread thread{[this] { io.run(); }};
};

blocking_session::blocking_session(session::session_config cfg)
    : impl_(std::make_unique<impl>()), session_(scsi_session::create(impl_->io.get_executor(), std::move(cfg)))
{
}

blocking_session::~blocking_session()
{
    (void)logout();
    session_.reset();
    impl_->work.reset();
    impl_->thread.join();
}

std::error_code blocking_session::login()
{
    std::promise<std::error_code> p;
    session_->async_login([&p](std::error_code ec) { p.set_value(ec); });
    return p.get_future().get();
}

result<session::scsi_outcome> blocking_session::execute(session::scsi_request req)
{
    std::promise<result<session::scsi_outcome>> p;
    session_->async_execute(std::move(req), [&p](std::error_code ec, session::scsi_outcome out) {
        if (ec)
            p.set_value(ec);
        else
            p.set_value(std::move(out));
    });
    return p.get_future().get();
}

std::error_code blocking_session::logout()
{
    std::promise<std::error_code> p;
    session_->async_logout([&p](std::error_code ec) { p.set_value(ec); });
    return p.get_future().get();
}

} // namespace iscsi::transport
