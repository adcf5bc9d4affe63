#include "daemon_client.hpp"

#include "output.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace iscsiadm {

namespace {

/// A socket connected to iscsid, or -1 with errno set.
int connect_daemon()
{
    std::string const path = iscsid::control_socket_path();
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int const fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    if (::connect(fd, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0) {
        int const err = errno;
        ::close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

int connect_errno()
{
    int const fd = connect_daemon();
    if (fd < 0)
        return errno;
    ::close(fd);
    return 0;
}

void report_unreachable(int err)
{
    // ENOENT (no socket file) means what ECONNREFUSED means to a user:
    // the daemon is not running. open-iscsi prints the errno, 111.
    error("can not connect to iSCSI daemon (" + std::to_string(err == ENOENT ? ECONNREFUSED : err) + ")!");
}

} // namespace

bool daemon_listening() { return connect_errno() == 0; }

exit_code connect_to_daemon()
{
    int const fd = connect_daemon();
    if (fd < 0) {
        report_unreachable(errno);
        return exit_code::iscsid_not_connected;
    }
    ::close(fd);
    return exit_code::success;
}

std::optional<iscsid::ipc_message> ask_daemon(iscsid::ipc_message const& req, exit_code& code, int timeout_s)
{
    int const fd = connect_daemon();
    if (fd < 0) {
        report_unreachable(errno);
        code = exit_code::iscsid_not_connected;
        return std::nullopt;
    }
    std::string const out = iscsid::encode(req);
    std::size_t sent = 0;
    while (sent < out.size()) {
        ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error("can not send request to iSCSI daemon (" + std::to_string(errno) + ")");
            ::close(fd);
            code = exit_code::iscsid_comm;
            return std::nullopt;
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string in;
    char buf[4096];
    while (!iscsid::message_length(in) && in.size() <= iscsid::ipc_max_message) {
        pollfd p{fd, POLLIN, 0};
        int const r = ::poll(&p, 1, timeout_s * 1000);
        if (r == 0) {
            error("timed out waiting for a response from iscsid");
            ::close(fd);
            code = exit_code::iscsid_request_timeout;
            return std::nullopt;
        }
        ssize_t n = r < 0 ? -1 : ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        in.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    auto answer = iscsid::parse(in);
    if (!answer) {
        error("bad response from iscsid: " + answer.error().message());
        code = exit_code::iscsid_comm;
        return std::nullopt;
    }
    code = static_cast<exit_code>(answer->get_int("status").value_or(static_cast<int>(exit_code::iscsid_comm)));
    return std::move(*answer);
}

} // namespace iscsiadm
