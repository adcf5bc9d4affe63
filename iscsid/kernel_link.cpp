#include "kernel_link.hpp"

#include <libkmod.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <type_traits>

namespace iscsid {

using iscsi::result;
namespace k = iscsi::kernel;

unique_fd& unique_fd::operator=(unique_fd&& o) noexcept
{
    if (this != &o) {
        reset();
        fd_ = o.release();
    }
    return *this;
}

void unique_fd::reset() noexcept
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

namespace {

std::error_code last_error() { return {errno, std::system_category()}; }

/// A NETLINK_ISCSI socket bound to `groups` (0: requests only).
result<unique_fd> open_netlink(std::uint32_t groups, int flags)
{
    unique_fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | flags, k::netlink_iscsi));
    if (!fd)
        return last_error();
    sockaddr_nl addr{};
    addr.nl_family = AF_NETLINK;
    addr.nl_groups = groups;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return last_error();
    return fd;
}

} // namespace

result<std::unique_ptr<kernel_link>> kernel_link::open(asio::io_context& io, std::string const& transport,
                                                       std::string& why)
{
    std::string const path = "/sys/class/iscsi_transport/" + transport + "/handle";
    std::ifstream in(path);
    std::uint64_t handle = 0;
    if (!(in >> handle)) {
        why = "cannot read " + path + " (is the " + (transport == "tcp" ? std::string("iscsi_tcp") : transport) +
              " module loaded?)";
        return std::make_error_code(std::errc::no_such_device);
    }
    auto requests = open_netlink(0, 0);
    if (!requests) {
        why = "cannot open a NETLINK_ISCSI socket: " + requests.error().message();
        return requests.error();
    }
    // Replies come at once; a kernel that never answers must not hang us.
    timeval tv{.tv_sec = 60, .tv_usec = 0};
    ::setsockopt(requests->get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto events = open_netlink(k::group_iscsid, SOCK_NONBLOCK);
    if (!events) {
        why = "cannot join the NETLINK_ISCSI event group: " + events.error().message();
        return events.error();
    }
    int rcvbuf = 4 << 20;
    ::setsockopt(events->get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    return std::unique_ptr<kernel_link>(new kernel_link(io, std::move(*requests), events->release(), handle));
}

kernel_link::kernel_link(asio::io_context& io, unique_fd requests, int events, std::uint64_t handle)
    : io_(io), requests_(std::move(requests)), events_(io, events), handle_(handle), event_buf_(64 * 1024)
{
}

kernel_link::~kernel_link()
{
    worker_.join();
    blocking_.join();
}

k::request_header kernel_link::next_header() noexcept
{
    return {.transport_handle = handle_, .seq = seq_.fetch_add(1), .port_id = 0};
}

std::error_code kernel_link::send_blocking(k::message const& m)
{
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(requests_.get(), m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
        return last_error();
    return {};
}

result<k::reply> kernel_link::call_blocking(k::message const& m)
{
    if (auto ec = send_blocking(m))
        return ec;
    // The kernel's reply carries our request's type but not its sequence
    // number (it builds a fresh header with seq 0); one request at a time
    // is in flight on this socket (one worker thread), so the type suffices.
    std::uint16_t type = 0;
    std::memcpy(&type, m.data() + 4, sizeof type);
    std::vector<std::byte> buf(16 * 1024);
    for (;;) {
        ssize_t n = ::recv(requests_.get(), buf.data(), buf.size(), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return last_error(); // EAGAIN after SO_RCVTIMEO: no answer
        }
        auto all = k::decode_all(std::span<std::byte const>(buf.data(), static_cast<std::size_t>(n)));
        if (!all)
            return all.error();
        for (auto& one : *all)
            if (auto const* rep = std::get_if<k::reply>(&one); rep && static_cast<std::uint16_t>(rep->type) == type) {
                if (debug_ >= 4) // on the worker thread: one whole line per write
                    std::clog << ("iscsid: netlink request " + std::to_string(type) + ": iferror " +
                                  std::to_string(rep->iferror) + ", retcode " + std::to_string(rep->retcode) +
                                  ", ret " + std::to_string(rep->ret0) + "/" + std::to_string(rep->ret1) + "\n");
                return *rep;
            }
    }
}

asio::awaitable<result<k::reply>> kernel_link::call(k::message m)
{
    auto op = asio::co_spawn(
        worker_, [this, msg = std::move(m)]() -> asio::awaitable<result<k::reply>> { co_return call_blocking(msg); },
        asio::use_awaitable);
    auto r = co_await std::move(op);
    co_return r;
}

asio::awaitable<std::error_code> kernel_link::send(k::message m)
{
    auto op = asio::co_spawn(
        worker_,
        [this, msg = std::move(m)]() -> asio::awaitable<std::error_code> { co_return send_blocking(msg); },
        asio::use_awaitable);
    auto ec = co_await std::move(op);
    co_return ec;
}

asio::awaitable<std::vector<result<k::reply>>> kernel_link::call_all(std::vector<k::message> ms)
{
    auto op = asio::co_spawn(
        worker_,
        [this, msgs = std::move(ms)]() -> asio::awaitable<std::vector<result<k::reply>>> {
            std::vector<result<k::reply>> replies;
            replies.reserve(msgs.size());
            for (auto const& m : msgs)
                replies.push_back(call_blocking(m));
            co_return replies;
        },
        asio::use_awaitable);
    auto r = co_await std::move(op);
    co_return r;
}

asio::awaitable<std::error_code> kernel_link::run_blocking(std::function<std::error_code()> job)
{
    auto op = asio::co_spawn(
        blocking_, [j = std::move(job)]() -> asio::awaitable<std::error_code> { co_return j(); },
        asio::use_awaitable);
    auto ec = co_await std::move(op);
    co_return ec;
}

std::shared_ptr<kernel_link::waiter> kernel_link::expect(std::function<bool(k::incoming const&)> match)
{
    auto w = std::make_shared<waiter>(io_.get_executor());
    w->match_ = std::move(match);
    w->timer_.expires_at(asio::steady_timer::time_point::max());
    waiters_.push_back(w);
    return w;
}

asio::awaitable<std::optional<k::incoming>> kernel_link::waiter::wait(std::chrono::milliseconds timeout)
{
    if (!got_) {
        timer_.expires_after(timeout);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return got_;
}

void kernel_link::start() { read_events(); }

void kernel_link::read_events()
{
    events_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
        if (ec)
            return; // closed on shutdown
        for (;;) {
            ssize_t n = ::recv(events_.native_handle(), event_buf_.data(), event_buf_.size(), MSG_DONTWAIT);
            if (n <= 0)
                break; // EAGAIN: drained (ENOBUFS: events were lost; the next ones still come)
            auto all = k::decode_all(std::span<std::byte const>(event_buf_.data(), static_cast<std::size_t>(n)));
            if (!all)
                continue;
            for (auto const& e : *all)
                dispatch(e);
        }
        read_events();
    });
}

void kernel_link::dispatch(k::incoming const& e)
{
    if (debug_ >= 4)
        std::clog << "iscsid: netlink event " << std::visit([](auto const& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, k::conn_error_event>) return "connection error, session " + std::to_string(v.conn.sid);
            else if constexpr (std::is_same_v<T, k::recv_pdu_event>) return "PDU passed up, session " + std::to_string(v.conn.sid);
            else if constexpr (std::is_same_v<T, k::session_event>) return "session event " + std::to_string(static_cast<unsigned>(v.type)) + ", session " + std::to_string(v.sid);
            else if constexpr (std::is_same_v<T, k::stats_event>) return "statistics, session " + std::to_string(v.conn.sid);
            else return "other";
        }, e) << "\n";
    for (auto it = waiters_.begin(); it != waiters_.end();) {
        auto w = it->lock();
        if (!w) {
            it = waiters_.erase(it);
            continue;
        }
        if (!w->got_ && w->match_(e)) {
            w->got_ = e;
            w->timer_.cancel();
            waiters_.erase(it);
            return;
        }
        ++it;
    }
    if (unsolicited_)
        unsolicited_(e);
}

std::string load_module(char const* name)
{
    // Loaded already (by the initramfs, say): nothing to do, and a root
    // without this kernel's /lib/modules must not make it look missing.
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path("/sys/module") / name, ec))
        return {};
    kmod_ctx* ctx = kmod_new(nullptr, nullptr);
    if (!ctx)
        return "libkmod cannot start";
    kmod_module* mod = nullptr;
    std::string why;
    if (kmod_module_new_from_name(ctx, name, &mod) < 0) {
        why = std::string("no module ") + name;
    } else {
        int rc = kmod_module_probe_insert_module(mod, 0, nullptr, nullptr, nullptr, nullptr);
        if (rc < 0)
            why = std::string("cannot load ") + name + ": " + std::error_code(-rc, std::system_category()).message();
        kmod_module_unref(mod);
    }
    kmod_unref(ctx);
    return why;
}

} // namespace iscsid
