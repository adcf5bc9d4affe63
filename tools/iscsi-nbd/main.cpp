// iscsi-nbd: log in to a target from user space and serve its LUNs over
// NBD on a Unix socket (export names "lun-N"; the first is the default).
// Any NBD client can use them: `nbd-client -unix PATH /dev/nbd0 -N lun-1`
// where the kernel has nbd, qemu, or libnbd's nbdcopy/nbdinfo/nbdfuse.
//
//   iscsi-nbd --portal 10.0.0.5:3260 --target iqn.2026-01.com.example:disk
//             --socket /run/iscsi-nbd.sock
//
// Runs in the foreground until SIGTERM/SIGINT, then closes the connections,
// logs out and removes the socket; docs/fuse-export.md.
#include "common/lun_login.hpp"
#include "nbd_server.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <set>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace iscsi::tools {
namespace {

constexpr char const* tool = "iscsi-nbd";

struct options {
    login_options login;
    std::string socket_path;
    unsigned workers = 16;
};

int listen_on(std::string const& path)
{
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) die(tool, "--socket " + path + ": path too long");
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int const fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die(tool, std::string("socket: ") + std::strerror(errno));
    mode_t const old = ::umask(0077); // the socket is root's alone: 0600
    int const rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr); // NOLINT
    ::umask(old);
    if (rc != 0) die(tool, "--socket " + path + ": " + std::strerror(errno));
    if (::listen(fd, 16) != 0) die(tool, std::string("listen: ") + std::strerror(errno));
    return fd;
}

/// Client sockets, so that a signal can shut them down.
struct clients {
    std::mutex m;
    std::set<int> fds;
    std::vector<std::thread> threads;
};

int run(options const& o)
{
    transport::blocking_session s(session_from(tool, o.login));
    auto luns = log_in_and_open(tool, s, o.login);
    std::map<std::string, blockdev::lun_device*> exports;
    for (auto const& [name, lu] : luns) exports.emplace(name, lu.device.get());
    nbd_server server(exports, o.workers);

    int const lfd = listen_on(o.socket_path);
    for (auto const& [name, lu] : luns)
        std::cout << name << ": nbd+unix:///" << name << "?socket=" << o.socket_path << " " << lu.device->size()
                  << " bytes" << std::endl;
    std::cout << "ready" << std::endl;

    clients cs;
    std::thread acceptor([&] {
        for (;;) {
            int const c = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) {
                if (errno == EINTR || errno == ECONNABORTED) continue;
                return; // the listening socket was shut down
            }
            std::lock_guard g(cs.m);
            cs.fds.insert(c);
            cs.threads.emplace_back([&server, &cs, c] {
                server.serve(c);
                std::lock_guard g2(cs.m);
                cs.fds.erase(c);
            });
        }
    });

    (void)wait_for_termination();
    ::shutdown(lfd, SHUT_RDWR);
    acceptor.join();
    {
        std::lock_guard g(cs.m);
        for (int c : cs.fds) ::shutdown(c, SHUT_RDWR); // their readers end; workers finish what is queued
    }
    for (auto& t : cs.threads) t.join();
    ::close(lfd);
    ::unlink(o.socket_path.c_str());
    (void)s.logout();
    return 0;
}

} // namespace
} // namespace iscsi::tools

int main(int argc, char** argv)
{
    iscsi::tools::block_termination_signals(); // taken by run(), with sigwait

    iscsi::tools::options o;
    CLI::App app{"Serve the LUNs of an iSCSI target over NBD on a Unix socket"};
    iscsi::tools::add_login_options(app, o.login);
    app.add_option("--socket", o.socket_path, "the Unix socket to listen on (created 0600)")->required();
    app.add_option("--workers", o.workers, "requests carried out at once per client (the queue depth)")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    CLI11_PARSE(app, argc, argv);
    if (auto why = iscsi::tools::check_login_options(o.login); !why.empty()) iscsi::tools::die("iscsi-nbd", why);
    return iscsi::tools::run(o);
}
