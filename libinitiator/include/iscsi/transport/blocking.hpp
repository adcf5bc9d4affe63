/**
 * @file
 * Runs one coroutine to completion on an io_context, for tools and tests
 * that want a plain function call.
 */
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>

namespace iscsi::transport {

template <class T>
T run_blocking(boost::asio::io_context& io, boost::asio::awaitable<T> aw)
{
    std::optional<T> out;
    std::exception_ptr failure;
    boost::asio::co_spawn(io, std::move(aw), [&](std::exception_ptr e, T v) {
        failure = e;
        if (!e) out.emplace(std::move(v));
    });
    io.restart();
    io.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
}

} // namespace iscsi::transport
