/**
 * @file
 * The control socket: a Unix stream socket in a directory only root may
 * enter, each peer checked with SO_PEERCRED (uid 0) before its request is
 * read. One request and one answer per connection (ipc_protocol.hpp).
 */
#pragma once

#include "ipc_protocol.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <functional>
#include <string>

namespace iscsid {

namespace asio = boost::asio;

class control_server {
public:
    using handler = std::function<asio::awaitable<ipc_message>(ipc_message const&)>;

    /// Binds `path` (replacing a stale socket file), mode 0600.
    control_server(asio::io_context& io, std::string path, handler h);
    /// Serves on a socket already listening (socket activation: systemd
    /// made it from iscsid.socket and owns its file).
    control_server(asio::io_context& io, int listening_fd, handler h);
    ~control_server();
    control_server(control_server const&) = delete;
    control_server& operator=(control_server const&) = delete;

    void start();
    void stop();

private:
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(asio::local::stream_protocol::socket peer);

    asio::io_context& io_;
    std::string path_;
    asio::local::stream_protocol::acceptor acceptor_;
    handler handler_;
};

/// The answer to a request we could not serve: status is an iscsiadm exit
/// code (ISCSI_ERR_*), message a sentence for the user.
[[nodiscard]] ipc_message error_answer(int status, std::string message);

} // namespace iscsid
