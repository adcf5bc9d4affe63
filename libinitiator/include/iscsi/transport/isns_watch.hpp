/**
 * @file
 * The driver of discovery::isns::registrar: keeps an initiator registered
 * with an iSNS server for as long as it runs, and listens for the server's
 * State Change Notifications (RFC 4171 §5.6.5.8) on a TCP port of its own.
 * A lost connection, a refusal or a silent server is followed by a new
 * connection and a new registration (a restarted server forgets nothing it
 * needs from us, since we register again).
 *
 * Threading: everything runs on the executor given; the callbacks too.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/discovery/isns/registrar.hpp"
#include "iscsi/discovery/portal.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace iscsi::transport {

namespace asio = boost::asio;

class isns_watch : public std::enable_shared_from_this<isns_watch> {
public:
    struct callbacks {
        /// After each (re)registration and each SCN: query the targets again.
        std::function<void()> changed;
        /// One line for the log: registered, lost, registering again.
        std::function<void(std::string const&)> log;
    };

    /// Wait between a failure and the next attempt.
    static constexpr duration retry_interval = std::chrono::seconds(5);

    static std::shared_ptr<isns_watch> create(asio::any_io_executor ex, discovery::portal server,
                                              discovery::isns::registration reg, callbacks cb);
    /// Starts the connect-register-listen loop.
    void start();
    /// Stops it: closes the connection and the SCN port. Idempotent.
    void stop();

    [[nodiscard]] discovery::portal const& server() const noexcept { return server_; }

    isns_watch(asio::any_io_executor ex, discovery::portal server, discovery::isns::registration reg, callbacks cb);

private:
    asio::awaitable<void> run();
    asio::awaitable<std::error_code> one_connection();
    asio::awaitable<void> accept_scns();
    asio::awaitable<void> serve_scn(asio::ip::tcp::socket s);

    asio::any_io_executor ex_;
    discovery::portal server_;
    discovery::isns::registrar registrar_;
    callbacks cb_;
    asio::ip::tcp::socket socket_;
    std::optional<asio::ip::tcp::acceptor> acceptor_;
    asio::steady_timer wake_;  ///< cancelled when an SCN arrived
    asio::steady_timer retry_;
    std::set<asio::ip::tcp::socket*> scn_sockets_; ///< open SCN connections (in serve_scn frames)
    bool stopped_ = false;
};

} // namespace iscsi::transport
