/**
 * @file
 * sd-bus on iscsid's Asio loop: RAII handles for sd-bus objects, and a
 * connection whose file descriptor and timeout are waited for by the
 * io_context (sd_bus_get_fd / get_events / get_timeout, then
 * sd_bus_process until it has nothing left), the way sd-event would.
 * Everything runs on the io_context's one thread (daemon.hpp).
 */
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

struct sd_bus;
struct sd_bus_slot;
struct sd_bus_message;

namespace iscsid::dbus {

namespace asio = boost::asio;

struct bus_unref {
    void operator()(sd_bus* b) const noexcept;
};
struct slot_unref {
    void operator()(sd_bus_slot* s) const noexcept;
};
struct message_unref {
    void operator()(sd_bus_message* m) const noexcept;
};
using bus_ptr = std::unique_ptr<sd_bus, bus_unref>;
using slot_ptr = std::unique_ptr<sd_bus_slot, slot_unref>;
/// A method call kept for a reply sent later (after a login, a discovery).
using message_ptr = std::unique_ptr<sd_bus_message, message_unref>;

/// Takes a reference to `m` (sd_bus_message_ref).
[[nodiscard]] message_ptr keep(sd_bus_message* m);

/// The system bus (DBUS_SYSTEM_BUS_ADDRESS overrides its address, as for
/// every sd-bus client), driven by the io_context.
class connection {
public:
    /// Throws std::system_error when the bus cannot be reached.
    explicit connection(asio::io_context& io);
    ~connection();
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    [[nodiscard]] sd_bus* get() const noexcept { return bus_.get(); }
    /// Starts waiting for the bus; call once the objects are registered.
    void start();
    /// Call after sending from outside a bus callback (a late reply, a
    /// signal): the message may wait in sd-bus's queue for the socket.
    void wake();

private:
    void process();
    void arm();

    asio::io_context& io_;
    bus_ptr bus_;
    asio::posix::stream_descriptor fd_;
    asio::steady_timer timer_;
    unsigned generation_ = 0; ///< waits armed before the last arm() are stale
    bool wake_posted_ = false;
};

} // namespace iscsid::dbus
