// Private to transport: resolve and connect a TCP socket before a deadline.
#pragma once

#include "iscsi/transport/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <system_error>

namespace iscsi::transport::detail {

/// Resolves `host` and connects `socket` to it; errc::connect_timeout when
/// `deadline` (already set) expires first.
inline boost::asio::awaitable<std::error_code> tcp_connect(boost::asio::ip::tcp::socket& socket,
                                                           std::string const& host, std::uint16_t port,
                                                           boost::asio::steady_timer& deadline)
{
    using namespace boost::asio::experimental::awaitable_operators;
    constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    boost::asio::ip::tcp::resolver resolver(socket.get_executor());
    auto resolved = co_await (resolver.async_resolve(host, std::to_string(port), use_tuple) ||
                              deadline.async_wait(use_tuple));
    if (resolved.index() == 1)
        co_return errc::connect_timeout;
    auto [rec, endpoints] = std::get<0>(std::move(resolved));
    if (rec)
        co_return std::error_code(rec);
    auto connected = co_await (boost::asio::async_connect(socket, endpoints, use_tuple) || deadline.async_wait(use_tuple));
    if (connected.index() == 1)
        co_return errc::connect_timeout;
    auto [cec, ep] = std::get<0>(connected);
    co_return std::error_code(cec);
}

} // namespace iscsi::transport::detail
