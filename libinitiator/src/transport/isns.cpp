// The iSNS driver: a TCP socket and a deadline around the sans-I/O
// discovery_exchange.
#include "iscsi/transport/isns.hpp"

#include "iscsi/discovery/isns/errors.hpp"
#include "iscsi/discovery/isns/exchange.hpp"
#include "iscsi/transport/errors.hpp"
#include "tcp_connect.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <random>

namespace iscsi::transport {

using namespace asio::experimental::awaitable_operators;
namespace isns = discovery::isns;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// Sends what the exchange has to say, then reads until it has a whole
/// message for it; repeats until the exchange ends.
asio::awaitable<std::error_code> run(asio::ip::tcp::socket& socket, isns::discovery_exchange& x,
                                     asio::steady_timer& deadline, diagnostics* diag)
{
    isns::message_reader reader;
    std::array<std::byte, 16384> buf{};
    std::size_t have = 0, at = 0;
    while (!x.finished()) {
        if (auto out = x.take_output(); !out.empty()) {
            auto w = co_await (asio::async_write(socket, asio::buffer(out), use_tuple) || deadline.async_wait(use_tuple));
            if (w.index() == 1)
                co_return isns::errc::timed_out;
            if (auto [ec, n] = std::get<0>(w); ec)
                co_return std::error_code(ec);
        }
        if (at == have) {
            auto r = co_await (socket.async_read_some(asio::buffer(buf), use_tuple) || deadline.async_wait(use_tuple));
            if (r.index() == 1)
                co_return isns::errc::timed_out;
            auto [ec, n] = std::get<0>(r);
            if (ec == asio::error::eof)
                co_return errc::connection_closed;
            if (ec)
                co_return std::error_code(ec);
            have = n;
            at = 0;
        }
        auto used = reader.feed(std::span<std::byte const>(buf).subspan(at, have - at), diag);
        if (!used)
            co_return used.error();
        at += *used;
        if (reader.ready()) {
            if (auto r = x.on_message(reader.take()); !r) {
                if (diag)
                    *diag = x.diag();
                co_return r.error();
            }
        }
    }
    co_return std::error_code{};
}

} // namespace

asio::awaitable<result<std::vector<discovery::target_record>>>
discover_isns(asio::any_io_executor ex, discovery::portal server, isns::registration reg, duration timeout,
              diagnostics* diag)
{
    asio::ip::tcp::socket socket(ex);
    asio::steady_timer deadline(ex);
    deadline.expires_after(timeout);
    auto connecting = detail::tcp_connect(socket, server.address, server.port, deadline);
    if (auto ec = co_await std::move(connecting))
        co_return ec;
    socket.set_option(asio::ip::tcp::no_delay(true));

    std::random_device rd;
    isns::discovery_exchange x(std::move(reg), static_cast<std::uint16_t>(rd()));
    auto ec = co_await run(socket, x, deadline, diag);
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    if (ec)
        co_return ec;
    if (x.current() == isns::discovery_exchange::state::failed) {
        if (diag)
            *diag = x.diag();
        co_return x.error();
    }
    co_return x.targets();
}

} // namespace iscsi::transport
