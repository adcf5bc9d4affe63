/**
 * @file
 * The public session API: a logged-in iSCSI session that carries many SCSI
 * commands at once and recovers from lost connections (session_machine,
 * ERL 0), driven by Asio. Every operation takes a completion token
 * (callbacks, use_awaitable, use_future, ...):
 *
 *   auto s = scsi_session::create(io.get_executor(), cfg);
 *   co_await s->async_login(asio::use_awaitable);
 *   auto [ec, out] = co_await s->async_execute(req, asio::as_tuple(asio::use_awaitable));
 *   co_await s->async_logout(asio::use_awaitable);
 *
 * Thread safety: operations may be started from any thread; the session's
 * work runs on its own strand of `ex`. Completion handlers run on their
 * associated executor (by default, the session's strand).
 * docs/session-api.md has a whole example.
 */
#pragma once

#include "iscsi/session/session_machine.hpp"
#include "iscsi/transport/pdu_stream.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace iscsi::transport {

namespace detail {
/// Wraps a completion handler so that calling it posts it to its own
/// associated executor (default: `fallback`), never running it inline.
/// Its cancellation slot is cleared there, just before it runs, on the
/// side that may also emit the cancellation (Asio's rule for slots).
template <class Handler, class Executor>
auto post_on_completion(Handler h, Executor const& fallback)
{
    auto ex = asio::get_associated_executor(h, fallback);
    auto slot = asio::get_associated_cancellation_slot(h);
    return [h = std::move(h), ex, slot](auto... args) mutable {
        asio::post(ex, [h = std::move(h), slot, ... a = std::move(args)]() mutable {
            if (slot.is_connected()) slot.clear();
            std::move(h)(std::move(a)...);
        });
    };
}
} // namespace detail

class scsi_session : public std::enable_shared_from_this<scsi_session> {
public:
    using notice_handler = std::function<void(session::session_notice const&)>;
    using login_handler = asio::any_completion_handler<void(std::error_code)>;
    using execute_handler = asio::any_completion_handler<void(std::error_code, session::scsi_outcome)>;
    using tmf_handler = asio::any_completion_handler<void(std::error_code, pdu::tmf_response)>;

    static std::shared_ptr<scsi_session> create(asio::any_io_executor ex, session::session_config cfg);
    ~scsi_session();

    /// Called on the strand for every session_notice (connection lost,
    /// reinstated, ...): the place to log them. Set before async_login.
    void set_notice_handler(notice_handler h) { on_notice_ = std::move(h); }

    /// The leading login. Completes once logged in, or with the error that
    /// ended the attempt (login failure, timeout, refused connection).
    template <class Token>
    auto async_login(Token&& token)
    {
        return asio::async_initiate<Token, void(std::error_code)>(
            [self = shared_from_this()](auto handler) {
                asio::dispatch(self->strand_, [self, h = login_handler(detail::post_on_completion(std::move(handler), self->strand_))]() mutable {
                    self->start_login(std::move(h));
                });
            },
            token);
    }

    /**
     * One SCSI command. The outcome carries status, sense and data; the
     * error is set only when the command did not complete (session ended,
     * replacement_timeout, command_timeout, ...). Commands queue while the
     * session recovers.
     *
     * Cancellation (any type, e.g. from `co_await (op || timer)`) sends
     * ABORT TASK (§11.5.1); if the target ends the command before running
     * it to completion, it completes with std::errc::operation_canceled
     * (ECANCELED, the value of asio::error::operation_aborted).
     * A command that finished first completes normally.
     */
    template <class Token>
    auto async_execute(session::scsi_request req, Token&& token)
    {
        return asio::async_initiate<Token, void(std::error_code, session::scsi_outcome)>(
            [self = shared_from_this()](auto handler, session::scsi_request r) {
                // Only a cancellable operation gets a number (0: none), so the
                // common case adds nothing to the session's bookkeeping.
                std::uint64_t op = 0; ///< its cancellation number, 0 when not cancellable
                auto slot = asio::get_associated_cancellation_slot(handler);
                if (slot.is_connected()) {
                    op = self->next_op_.fetch_add(1);
                    slot.assign([w = std::weak_ptr<scsi_session>(self), op](asio::cancellation_type) {
                        if (auto s = w.lock()) s->cancel(op);
                    });
                }
                asio::dispatch(self->strand_,
                               [self, op, h = execute_handler(detail::post_on_completion(std::move(handler), self->strand_)), r = std::move(r)]() mutable {
                                   self->start_execute(op, std::move(r), std::move(h));
                               });
            },
            token, std::move(req));
    }

    /// ABORT TASK needs a command (cancel async_execute instead); this is
    /// for LOGICAL UNIT RESET and the target resets (§11.5.1). Completes
    /// with the target's answer; commands the function ends complete with
    /// session::errc::task_aborted.
    template <class Token>
    auto async_task_management(pdu::tmf_function function, lun l, Token&& token)
    {
        return asio::async_initiate<Token, void(std::error_code, pdu::tmf_response)>(
            [self = shared_from_this(), function, l](auto handler) {
                asio::dispatch(self->strand_, [self, function, l, h = tmf_handler(detail::post_on_completion(std::move(handler), self->strand_))]() mutable {
                    self->start_tmf(function, l, std::move(h));
                });
            },
            token);
    }

    /// Waits for commands in flight, logs out (close the session) and
    /// closes the connection.
    template <class Token>
    auto async_logout(Token&& token)
    {
        return asio::async_initiate<Token, void(std::error_code)>(
            [self = shared_from_this()](auto handler) {
                asio::dispatch(self->strand_, [self, h = login_handler(detail::post_on_completion(std::move(handler), self->strand_))]() mutable {
                    self->start_logout(std::move(h));
                });
            },
            token);
    }

    /// Observers: call them on the strand (e.g. from a completion handler).
    [[nodiscard]] session::session_machine const& machine() const noexcept { return machine_; }
    [[nodiscard]] asio::strand<asio::any_io_executor> const& get_executor() const noexcept { return strand_; }

    scsi_session(asio::any_io_executor ex, session::session_config cfg);

private:
    /// One TCP connection's worth of state, shared with its coroutines; a
    /// coroutine whose link is no longer current exits without a word.
    struct link {
        explicit link(asio::any_io_executor const& ex) : stream(ex), wake(ex) {}
        pdu_stream stream;
        asio::steady_timer wake; ///< the writer's doorbell
        std::vector<pdu::raw_pdu> out;
        bool closed = false;
    };

    void start_login(login_handler h);
    void start_execute(std::uint64_t op, session::scsi_request r, execute_handler h);
    void start_tmf(pdu::tmf_function function, lun l, tmf_handler h);
    /// From a cancellation slot, any thread: ABORT TASK for operation `op`.
    void cancel(std::uint64_t op);
    void start_logout(login_handler h);

    /// Carries out everything the machine asks for, then delivers results.
    void process();
    void deliver();
    void open_link(discovery::portal portal);
    void close_link();
    void rearm_timer();

    asio::awaitable<void> run_connect(std::shared_ptr<link> l, discovery::portal portal);
    asio::awaitable<void> run_reader(std::shared_ptr<link> l);
    asio::awaitable<void> run_writer(std::shared_ptr<link> l);
    asio::awaitable<void> run_timer();

    asio::strand<asio::any_io_executor> strand_;
    session::session_machine machine_;
    duration connect_timeout_;
    std::shared_ptr<link> link_;
    asio::steady_timer timer_;
    std::optional<time_point> armed_;
    bool timer_running_ = false;

    struct pending_command {
        execute_handler handler;
        std::uint64_t op = 0; ///< its cancellation number, 0 when not cancellable
        bool cancelled = false;
    };
    std::map<std::uint64_t, pending_command> pending_; ///< by request_id
    std::map<std::uint64_t, std::uint64_t> ops_;       ///< cancellable operation -> request_id
    std::map<std::uint64_t, tmf_handler> pending_tmfs_; ///< by request_id
    std::atomic<std::uint64_t> next_op_{1};
    std::vector<login_handler> login_waiters_;
    std::vector<login_handler> logout_waiters_;
    notice_handler on_notice_;
};

/**
 * The blocking wrapper: its own I/O thread, plain calls. For tools, tests
 * and programs that do not use Asio.
 */
class blocking_session {
public:
    explicit blocking_session(session::session_config cfg);
    ~blocking_session(); ///< logs out if still logged in, joins the thread
    blocking_session(blocking_session const&) = delete;
    blocking_session& operator=(blocking_session const&) = delete;

    std::error_code login();
    result<session::scsi_outcome> execute(session::scsi_request req);
    std::error_code logout();

    [[nodiscard]] scsi_session& async() noexcept { return *session_; }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::shared_ptr<scsi_session> session_;
};

} // namespace iscsi::transport
