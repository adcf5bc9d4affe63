#pragma once
// A TCP server on 127.0.0.1 (a free port) for tests that play a peer by
// hand (a hostile target, a hostile iSNS server): one thread accepts
// connections and gives each, one at a time, to the handler, which reads and
// writes the socket as it likes and returns when done (the listener then
// closes it). The destructor shuts the listening socket and the current
// connection down, so a handler blocked in recv returns, and joins the thread.
//
//   loopback_listener l([](int fd) { /* recv ... send ... */ });
//   connect to l.portal() ...
#include "support/target_process.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

namespace iscsi::test {

class loopback_listener {
public:
    using handler = std::function<void(int connection)>;
    explicit loopback_listener(handler h);
    ~loopback_listener();
    loopback_listener(loopback_listener const&) = delete;
    loopback_listener& operator=(loopback_listener const&) = delete;

    [[nodiscard]] portal_address portal() const { return {"127.0.0.1", port_}; }
    [[nodiscard]] std::uint16_t port() const { return port_; }
    /// Connections accepted so far.
    [[nodiscard]] int connections() const { return connections_; }

private:
    void serve();

    handler handler_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<int> conn_ = -1;
    std::atomic<bool> stop_ = false;
    std::atomic<int> connections_ = 0;
    std::jthread thread_;
};

} // namespace iscsi::test
