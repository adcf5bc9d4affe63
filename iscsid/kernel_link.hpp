/**
 * @file
 * The daemon's link to the kernel's iSCSI transport class (NETLINK_ISCSI):
 * the one place that does that I/O (STYLE habit 2). Two netlink sockets:
 *   - requests, sent and answered on a worker thread: the kernel handles a
 *     request synchronously in the sender's thread, and some (destroying a
 *     session that flushes disks, scanning) take long, so the io_context
 *     thread never makes them;
 *   - events (connection errors, PDUs for the daemon, unbinds), multicast
 *     to group 1 and read asynchronously on the io_context.
 */
#pragma once

#include "iscsi/kernel/uevent.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>

namespace iscsid {

namespace asio = boost::asio;

/// Loads kernel module `name` and what it depends on (libkmod, as modprobe
/// would). Returns an error text, or empty on success (also when built in or
/// loaded already).
[[nodiscard]] std::string load_module(char const* name);

/// An owned file descriptor (RAII, STYLE habit 10).
class unique_fd {
public:
    unique_fd() noexcept = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
    unique_fd& operator=(unique_fd&& o) noexcept;
    unique_fd(unique_fd const&) = delete;
    unique_fd& operator=(unique_fd const&) = delete;
    ~unique_fd() { reset(); }
    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept { int f = fd_; fd_ = -1; return f; }
    void reset() noexcept;

private:
    int fd_ = -1;
};

class kernel_link {
public:
    /// Opens the sockets and reads the transport's handle from sysfs
    /// (/sys/class/iscsi_transport/NAME/handle); the module must be loaded.
    static iscsi::result<std::unique_ptr<kernel_link>> open(asio::io_context& io, std::string const& transport,
                                                             std::string& why);
    ~kernel_link();
    kernel_link(kernel_link const&) = delete;
    kernel_link& operator=(kernel_link const&) = delete;

    /// -d 4 and up: every request and its answer go to the log.
    void set_debug(int level) noexcept { debug_ = level; }

    /// A header for the next request (transport handle, fresh sequence number).
    [[nodiscard]] iscsi::kernel::request_header next_header() noexcept;

    /// Sends `m` and returns the kernel's reply, on the worker thread; the
    /// coroutine resumes on the caller's executor.
    asio::awaitable<iscsi::result<iscsi::kernel::reply>> call(iscsi::kernel::message m);
    /// Several requests in one trip to the worker thread (the SET_PARAM
    /// list of a connection: ~30 requests); every reply, in order.
    asio::awaitable<std::vector<iscsi::result<iscsi::kernel::reply>>> call_all(std::vector<iscsi::kernel::message> ms);

    /// Sends `m` without waiting for a reply (GET_STATS answers on the
    /// event group; see expect()).
    asio::awaitable<std::error_code> send(iscsi::kernel::message m);

    /// Runs a blocking job (a sysfs write that scans a host) off the
    /// io_context thread.
    asio::awaitable<std::error_code> run_blocking(std::function<std::error_code()> job);

    /// An event somebody waits for; register it BEFORE the request that
    /// causes it, so that an early event is not missed.
    class waiter {
    public:
        explicit waiter(asio::any_io_executor ex) : timer_(ex) {}
        /// The event, or nullopt after `timeout`.
        asio::awaitable<std::optional<iscsi::kernel::incoming>> wait(std::chrono::milliseconds timeout);

    private:
        friend class kernel_link;
        std::function<bool(iscsi::kernel::incoming const&)> match_;
        std::optional<iscsi::kernel::incoming> got_;
        asio::steady_timer timer_;
    };
    std::shared_ptr<waiter> expect(std::function<bool(iscsi::kernel::incoming const&)> match);

    /// Events nobody waits for (connection errors, ...).
    void on_event(std::function<void(iscsi::kernel::incoming const&)> f) { unsolicited_ = std::move(f); }
    /// Starts reading events.
    void start();

private:
    kernel_link(asio::io_context& io, unique_fd requests, int events, std::uint64_t handle);
    std::error_code send_blocking(iscsi::kernel::message const& m);
    iscsi::result<iscsi::kernel::reply> call_blocking(iscsi::kernel::message const& m);
    void read_events();
    void dispatch(iscsi::kernel::incoming const& e);

    asio::io_context& io_;
    unique_fd requests_;
    asio::posix::stream_descriptor events_;
    std::uint64_t handle_;
    std::atomic<std::uint32_t> seq_{1};
    int debug_ = 0;
    asio::thread_pool worker_{1};
    asio::thread_pool blocking_{8};
    std::list<std::weak_ptr<waiter>> waiters_;
    std::function<void(iscsi::kernel::incoming const&)> unsolicited_;
    std::vector<std::byte> event_buf_;
};

} // namespace iscsid
