#include "control_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <sys/stat.h>

#include <filesystem>
#include <iostream>

namespace iscsid {

namespace {

// ISCSI_ERR_* values the server itself answers with.
constexpr int err_access = 13;
constexpr int err_invalid_request = 16;

/// The socket's directory is made root-only when we create it; one that
/// exists (ISCSID_SOCKET pointing elsewhere) keeps its mode: the socket
/// file itself is 0600 and SO_PEERCRED is checked anyway.
std::filesystem::path prepared(std::string const& path)
{
    std::filesystem::path p(path);
    std::error_code ec;
    if (p.has_parent_path() && !std::filesystem::exists(p.parent_path(), ec)) {
        std::filesystem::create_directories(p.parent_path(), ec);
        ::chmod(p.parent_path().c_str(), 0700);
    }
    std::error_code rm;
    if (std::filesystem::is_socket(p, rm))
        std::filesystem::remove(p, rm); // a socket left by a daemon that died
    return p;
}

} // namespace

ipc_message error_answer(int status, std::string message)
{
    ipc_message m;
    m.add("status", status).add("message", std::move(message));
    return m;
}

control_server::control_server(asio::io_context& io, std::string path, handler h)
    : io_(io), path_(std::move(path)), acceptor_(io), handler_(std::move(h))
{
    auto const p = prepared(path_);
    asio::local::stream_protocol::endpoint ep(p.string());
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    ::chmod(p.c_str(), 0600);
    acceptor_.listen(128);
}

control_server::control_server(asio::io_context& io, int listening_fd, handler h)
    : io_(io), acceptor_(io), handler_(std::move(h))
{
    acceptor_.assign(asio::local::stream_protocol(), listening_fd);
}

control_server::~control_server()
{
    std::error_code ec;
    if (!path_.empty()) // ours to remove, not systemd's
        std::filesystem::remove(path_, ec);
}

void control_server::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

void control_server::stop()
{
    boost::system::error_code ec;
    acceptor_.close(ec);
}

asio::awaitable<void> control_server::accept_loop()
{
    for (;;) {
        boost::system::error_code ec;
        auto peer = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec)
            continue; // EMFILE and the like: the next accept may work
        asio::co_spawn(io_, serve(std::move(peer)), asio::detached);
    }
}

asio::awaitable<void> control_server::serve(asio::local::stream_protocol::socket peer)
{
    ipc_message answer;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(peer.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != 0) {
        answer = error_answer(err_access, "iscsid accepts requests from root only");
    } else {
        std::string in;
        std::array<char, 4096> buf{};
        boost::system::error_code ec;
        while (!message_length(in) && in.size() <= ipc_max_message) {
            std::size_t n = co_await peer.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
            if (ec)
                break;
            in.append(buf.data(), n);
        }
        auto req = parse(in);
        if (!req)
            answer = error_answer(err_invalid_request, "bad request: " + req.error().message());
        else
            answer = co_await handler_(*req);
    }
    std::string out = encode(answer);
    boost::system::error_code ec;
    co_await asio::async_write(peer, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
}

} // namespace iscsid
