#include "iscsi/transport/client_session.hpp"

#include "iscsi/auth/random.hpp"
#include "iscsi/session/errors.hpp"

#include <boost/asio/this_coro.hpp>

namespace iscsi::transport {
namespace {

void note(diagnostics* diag, std::string msg)
{
    if (diag && diag->message.empty()) diag->set(std::move(msg));
}

/// One connection attempt: connect and run the login machine to its end.
asio::awaitable<std::error_code> try_login(pdu_stream& stream, discovery::portal const& portal,
                                           login::login_machine& m, connect_options const& opts,
                                           diagnostics* diag)
{
    if (auto ec = co_await stream.connect(portal.address, portal.port, opts.connect_timeout)) {
        note(diag, "cannot connect to " + discovery::format_portal(portal) + ": " + ec.message());
        co_return ec;
    }
    m.start(clock::now());
    drive_hooks hooks{
        .poll_transmit = [&] { return m.poll_transmit(); },
        .handle_pdu = [&](pdu::raw_pdu const& p) { m.handle_pdu(p); },
        .poll_timeout = [&] { return m.poll_timeout(); },
        .handle_timeout = [&](time_point now) { m.handle_timeout(now); },
        .done = [&] { return m.done(); },
        .written = {},
    };
    if (auto ec = co_await drive(stream, hooks, std::nullopt, diag)) {
        note(diag, "login to " + discovery::format_portal(portal) + " failed: " + ec.message());
        co_return ec;
    }
    if (m.state() == login::login_state::failed) {
        std::string msg = m.error().message();
        if (!m.diag().message.empty()) msg += " (" + m.diag().message + ")";
        note(diag, msg);
        co_return m.error();
    }
    co_return std::error_code{};
}

} // namespace

client_session::client_session(pdu_stream stream, discovery::portal portal, login::login_success info)
    : stream_(std::move(stream)),
      portal_(std::move(portal)),
      info_(info),
      ffp_(session::ffp_params{info.params, info.cmd_sn, info.exp_cmd_sn, info.max_cmd_sn, info.exp_stat_sn})
{
    // §13.1/§13.12: digests and the declared receive limit apply from the
    // first PDU after the Login Response that ended the login.
    stream_.set_digests({.header = info.params.header_digest == text::digest::crc32c,
                         .data = info.params.data_digest == text::digest::crc32c});
    stream_.set_limits({.max_data_segment_length = info.params.max_recv_data_segment_length});
}

asio::awaitable<result<logged_in_connection>>
login_connection(asio::any_io_executor ex, discovery::portal portal, login::login_params params,
                 connect_options opts, diagnostics* diag)
{
    for (unsigned redirects = 0;; ++redirects) {
        pdu_stream stream(ex);
        login::login_machine m(params, auth::system_random());
        if (auto ec = co_await try_login(stream, portal, m, opts, diag)) co_return ec;
        if (m.state() == login::login_state::full_feature_phase)
            co_return logged_in_connection{std::move(stream), std::move(portal), m.success()};

        // Redirected (§11.13.5): log in again at the address given.
        stream.close();
        if (redirects + 1 > opts.max_redirects) {
            note(diag, "gave up after " + std::to_string(opts.max_redirects) + " redirects");
            co_return errc::too_many_redirects;
        }
        auto next = discovery::parse_portal(m.redirect().target_address);
        if (!next) {
            note(diag, "redirect to \"" + m.redirect().target_address + "\"");
            co_return errc::bad_redirect_address;
        }
        portal = *next;
    }
}

asio::awaitable<result<std::unique_ptr<client_session>>>
client_session::login(asio::any_io_executor ex, discovery::portal portal, login::login_params params,
                      connect_options opts, diagnostics* diag)
{
    auto c = co_await login_connection(std::move(ex), std::move(portal), std::move(params), opts, diag);
    if (!c) co_return c.error();
    co_return std::make_unique<client_session>(std::move(c->stream), std::move(c->portal), c->info);
}

asio::awaitable<result<session::completion>> client_session::await_task(itt tag, duration timeout,
                                                                        diagnostics* diag)
{
    auto collect = [&] {
        while (auto c = ffp_.poll_completion()) finished_.emplace(c->tag.value(), std::move(*c));
        return finished_.contains(tag.value());
    };
    drive_hooks hooks{
        .poll_transmit = [&] { return ffp_.poll_transmit(); },
        .handle_pdu = [&](pdu::raw_pdu const& p) { ffp_.handle_pdu(p); },
        .poll_timeout = {},
        .handle_timeout = {},
        .done = [&] { return collect() || bool(ffp_.error()); },
        .written = [&](pdu::raw_pdu const& p) { ffp_.on_written(std::span{&p, 1}); },
    };
    std::error_code ec = co_await drive(stream_, hooks, clock::now() + timeout, diag);
    if (!ec && !finished_.contains(tag.value())) {
        ec = ffp_.error();
        note(diag, ffp_.diag().message);
    }
    if (ec) {
        // ERL 0: whatever broke the connection fails its tasks (§7.1.1).
        stream_.close();
        ffp_.fail_all(session::errc::connection_closed);
        co_return ec;
    }
    auto node = finished_.extract(tag.value());
    if (node.mapped().error) co_return node.mapped().error;
    co_return std::move(node.mapped());
}

asio::awaitable<result<session::scsi_outcome>> client_session::execute(session::scsi_request req,
                                                                       duration timeout, diagnostics* diag)
{
    if (!stream_.is_open()) co_return errc::not_logged_in;
    itt const tag = ffp_.submit(std::move(req));
    auto c = co_await await_task(tag, timeout, diag);
    if (!c) co_return c.error();
    co_return std::get<session::scsi_outcome>(std::move(c->outcome));
}

asio::awaitable<result<text::key_values>> client_session::text_exchange(text::key_values keys, duration timeout,
                                                                        diagnostics* diag)
{
    if (!stream_.is_open()) co_return errc::not_logged_in;
    itt const tag = ffp_.submit_text(std::move(keys));
    auto c = co_await await_task(tag, timeout, diag);
    if (!c) co_return c.error();
    co_return std::get<session::text_outcome>(std::move(c->outcome)).keys;
}

asio::awaitable<std::error_code> client_session::logout(duration timeout, diagnostics* diag)
{
    if (!stream_.is_open()) co_return errc::not_logged_in;
    itt const tag = ffp_.submit_logout(pdu::logout_reason::close_session);
    auto c = co_await await_task(tag, timeout, diag);
    stream_.close();
    co_return c ? std::error_code{} : c.error();
}

asio::awaitable<result<std::vector<discovery::target_record>>>
discover_sendtargets(asio::any_io_executor ex, discovery::portal portal, login::login_params params,
                     connect_options opts, diagnostics* diag)
{
    params.session_type = text::session_type::discovery;
    params.target_name.clear();
    auto s = co_await client_session::login(ex, portal, std::move(params), opts, diag);
    if (!s) co_return s.error();
    // (a named variable: GCC 12 miscompiles braced lists inside co_await)
    text::key_values request;
    request.push_back(text::key_value{"SendTargets", "All"});
    auto keys = co_await (*s)->text_exchange(std::move(request), opts.connect_timeout * 3, diag);
    if (!keys) co_return keys.error();
    // A failed logout does not undo a discovery that already answered.
    (void)co_await (*s)->logout(opts.connect_timeout, nullptr);
    co_return discovery::parse_sendtargets(*keys, (*s)->portal(), diag);
}

} // namespace iscsi::transport
