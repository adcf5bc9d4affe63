#include "bus.hpp"

#include <boost/asio/post.hpp>
#include <systemd/sd-bus.h>

#include <cerrno>
#include <chrono>
#include <poll.h>
#include <system_error>

namespace iscsid::dbus {

void bus_unref::operator()(sd_bus* b) const noexcept { ::sd_bus_flush_close_unref(b); }
void slot_unref::operator()(sd_bus_slot* s) const noexcept { ::sd_bus_slot_unref(s); }
void message_unref::operator()(sd_bus_message* m) const noexcept { ::sd_bus_message_unref(m); }

message_ptr keep(sd_bus_message* m) { return message_ptr(::sd_bus_message_ref(m)); }

namespace {

bus_ptr open_system_bus()
{
    sd_bus* b = nullptr;
    if (int r = ::sd_bus_open_system(&b); r < 0)
        throw std::system_error(-r, std::generic_category(), "cannot connect to the system bus");
    return bus_ptr(b);
}

} // namespace

connection::connection(asio::io_context& io)
    : io_(io), bus_(open_system_bus()), fd_(io), timer_(io)
{
    int const fd = ::sd_bus_get_fd(bus_.get());
    if (fd < 0)
        throw std::system_error(-fd, std::generic_category(), "sd_bus_get_fd");
    fd_.assign(fd);
}

connection::~connection()
{
    // The descriptor is sd-bus's: it closes it, not Asio.
    boost::system::error_code ignored;
    fd_.cancel(ignored);
    (void)fd_.release();
}

void connection::start() { process(); }

void connection::wake()
{
    if (wake_posted_)
        return;
    wake_posted_ = true;
    asio::post(io_, [this] {
        wake_posted_ = false;
        process();
    });
}

void connection::process()
{
    // Each call handles at most one message; 0 means nothing is left.
    for (int r = 1; r > 0;)
        r = ::sd_bus_process(bus_.get(), nullptr);
    arm();
}

/// Waits for what sd-bus asks: readable and/or writable, or its timeout
/// (an absolute CLOCK_MONOTONIC time in µs, the clock steady_timer uses on
/// Linux). A wake-up from an older arm() is ignored.
void connection::arm()
{
    unsigned const gen = ++generation_;
    boost::system::error_code ignored;
    fd_.cancel(ignored);
    timer_.cancel();
    auto on_ready = [this, gen](boost::system::error_code const& ec) {
        if (gen == generation_ && ec != asio::error::operation_aborted)
            process();
    };
    int const events = ::sd_bus_get_events(bus_.get());
    if (events < 0)
        return; // the connection is closed: nothing more to wait for
    if (events & POLLIN)
        fd_.async_wait(asio::posix::stream_descriptor::wait_read, on_ready);
    if (events & POLLOUT)
        fd_.async_wait(asio::posix::stream_descriptor::wait_write, on_ready);
    std::uint64_t usec = 0;
    if (::sd_bus_get_timeout(bus_.get(), &usec) >= 0 && usec != UINT64_MAX) {
        timer_.expires_at(asio::steady_timer::time_point(std::chrono::microseconds(usec)));
        timer_.async_wait(on_ready);
    }
}

} // namespace iscsid::dbus
