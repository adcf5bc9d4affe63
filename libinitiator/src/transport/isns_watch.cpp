// The registrar's driver: one TCP connection to the server at a time, a
// listening port for SCNs, and the refresh and response deadlines.
#include "iscsi/transport/isns_watch.hpp"

#include "iscsi/discovery/isns/errors.hpp"
#include "iscsi/transport/errors.hpp"
#include "tcp_connect.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <set>
#include <random>

namespace iscsi::transport {

using namespace asio::experimental::awaitable_operators;
namespace isns = discovery::isns;
using asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr duration connect_timeout = std::chrono::seconds(10);
/// SCN connections open at once; more are closed at once. open-isns keeps
/// each open to send the next SCN on it, so they are never closed for
/// being idle: isnsd 0.101 dies of SIGPIPE writing to one we closed.
constexpr std::size_t max_scn_connections = 8;
} // namespace

std::shared_ptr<isns_watch> isns_watch::create(asio::any_io_executor ex, discovery::portal server,
                                               isns::registration reg, callbacks cb)
{
    return std::make_shared<isns_watch>(std::move(ex), std::move(server), std::move(reg), std::move(cb));
}

isns_watch::isns_watch(asio::any_io_executor ex, discovery::portal server, isns::registration reg, callbacks cb)
    : ex_(ex), server_(std::move(server)), registrar_(std::move(reg)), cb_(std::move(cb)), socket_(ex), wake_(ex),
      retry_(ex)
{
}

void isns_watch::start()
{
    asio::co_spawn(ex_, [self = shared_from_this()]() { return self->run(); }, asio::detached);
}

void isns_watch::stop()
{
    stopped_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (acceptor_)
        acceptor_->close(ignored);
    for (auto* s : scn_sockets_)
        s->close(ignored);
    wake_.cancel();
    retry_.cancel();
}

asio::awaitable<void> isns_watch::run()
{
    auto self = shared_from_this(); // alive while the loop runs
    while (!stopped_) {
        auto ec = co_await one_connection();
        registrar_.disconnected();
        boost::system::error_code ignored;
        socket_.close(ignored);
        if (acceptor_)
            acceptor_->close(ignored);
        if (stopped_)
            break;
        auto why = !registrar_.diag().message.empty() ? registrar_.diag().message
                   : ec == errc::connection_closed     ? std::string("the server closed the connection")
                                                       : ec.message();
        cb_.log("iSNS server " + format_portal(server_) + ": " + why + "; registering again in " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(retry_interval).count()) + " s");
        retry_.expires_after(retry_interval);
        boost::system::error_code ec2;
        co_await retry_.async_wait(asio::redirect_error(asio::use_awaitable, ec2));
    }
}

asio::awaitable<std::error_code> isns_watch::one_connection()
{
    socket_ = tcp::socket(ex_);
    asio::steady_timer timer(ex_);
    timer.expires_after(connect_timeout);
    auto connecting = detail::tcp_connect(socket_, server_.address, server_.port, timer);
    if (auto ec = co_await std::move(connecting))
        co_return ec;

    // SCNs come to our side of this connection, at a port of our own.
    boost::system::error_code aec;
    auto const local = socket_.local_endpoint(aec);
    if (aec)
        co_return std::error_code(aec);
    acceptor_.emplace(ex_);
    acceptor_->open(local.protocol(), aec);
    if (!aec)
        acceptor_->bind({local.address(), 0}, aec);
    if (!aec)
        acceptor_->listen(asio::socket_base::max_listen_connections, aec);
    if (aec)
        co_return std::error_code(aec);
    asio::co_spawn(ex_, [self = shared_from_this()]() { return self->accept_scns(); }, asio::detached);

    std::random_device rd;
    registrar_.connected(clock::now(), static_cast<std::uint16_t>(rd()), local.address().to_string(),
                         acceptor_->local_endpoint().port());
    isns::message_reader reader;
    std::array<std::byte, 8192> buf{};
    bool announced = false;
    for (;;) {
        if (auto out = registrar_.take_output(); !out.empty()) {
            auto [wec, n] = co_await asio::async_write(socket_, asio::buffer(out), use_tuple);
            if (wec)
                co_return std::error_code(wec);
        }
        if (registrar_.current() == isns::registrar::state::registered && !announced) {
            announced = true;
            cb_.log("registered with iSNS server " + format_portal(server_) + " as entity " + registrar_.entity_id());
        }
        if (registrar_.take_changed())
            cb_.changed();
        timer.expires_at(registrar_.deadline().value_or(time_point::max()));
        wake_.expires_at(time_point::max());
        auto event = co_await (socket_.async_read_some(asio::buffer(buf), use_tuple) || timer.async_wait(use_tuple) ||
                               wake_.async_wait(use_tuple));
        if (stopped_)
            co_return std::error_code{};
        if (event.index() == 1) {
            if (auto r = registrar_.on_timeout(clock::now()); !r)
                co_return r.error();
            continue;
        }
        if (event.index() == 2)
            continue; // an SCN came: take_changed() above
        auto [ec, n] = std::get<0>(event);
        if (ec == asio::error::eof)
            co_return errc::connection_closed;
        if (ec)
            co_return std::error_code(ec);
        std::span<std::byte const> in(buf.data(), n);
        while (!in.empty()) {
            iscsi::diagnostics diag;
            auto used = reader.feed(in, &diag);
            if (!used)
                co_return used.error();
            in = in.subspan(*used);
            if (reader.ready())
                if (auto r = registrar_.on_message(reader.take(), clock::now()); !r)
                    co_return r.error();
        }
    }
}

asio::awaitable<void> isns_watch::accept_scns()
{
    auto self = shared_from_this();
    while (acceptor_ && acceptor_->is_open()) {
        auto [ec, s] = co_await acceptor_->async_accept(use_tuple);
        if (ec)
            co_return;
        if (scn_sockets_.size() == max_scn_connections)
            continue; // `s` closes: a server has no need for more
        asio::co_spawn(ex_, [self, sock = std::move(s)]() mutable { return self->serve_scn(std::move(sock)); },
                       asio::detached);
    }
}

/// One connection the server opened to deliver SCNs: each message is
/// answered on it; the connection ends when the server closes it or at
/// stop().
asio::awaitable<void> isns_watch::serve_scn(tcp::socket s)
{
    auto self = shared_from_this();
    scn_sockets_.insert(&s); // stop() closes it
    struct tracked {
        std::set<tcp::socket*>& all;
        tcp::socket* me;
        ~tracked() { all.erase(me); }
    } const track{scn_sockets_, &s};
    isns::message_reader reader;
    std::array<std::byte, 8192> buf{};
    while (!stopped_) {
        auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), use_tuple);
        if (ec)
            co_return;
        std::span<std::byte const> in(buf.data(), n);
        while (!in.empty()) {
            auto used = reader.feed(in);
            if (!used)
                co_return; // malformed: drop this connection, keep the registration
            in = in.subspan(*used);
            if (!reader.ready())
                continue;
            auto answer = registrar_.on_scn(reader.take());
            auto [wec, wn] = co_await asio::async_write(s, asio::buffer(answer), use_tuple);
            if (wec)
                co_return;
            wake_.cancel();
        }
    }
}

} // namespace iscsi::transport
