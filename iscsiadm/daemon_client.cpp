#include "daemon_client.hpp"

#include "output.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace iscsiadm {

namespace {

int connect_errno()
{
    int const fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, iscsid_socket.data(), iscsid_socket.size());
    int const rc = ::connect(fd, reinterpret_cast<sockaddr const*>(&addr), sizeof addr);
    int const err = rc == 0 ? 0 : errno;
    ::close(fd);
    return err;
}

} // namespace

bool daemon_listening() { return connect_errno() == 0; }

exit_code connect_to_daemon()
{
    int const fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error("can not create IPC socket (" + std::to_string(errno) + ")!");
        return exit_code::iscsid_not_connected;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, iscsid_socket.data(), iscsid_socket.size());
    int const rc = ::connect(fd, reinterpret_cast<sockaddr const*>(&addr), sizeof addr);
    int const err = errno;
    ::close(fd);
    if (rc != 0) {
        // ENOENT (no socket file) means what ECONNREFUSED means to a user:
        // the daemon is not running. open-iscsi prints the errno, 111.
        error("can not connect to iSCSI daemon (" + std::to_string(err == ENOENT ? ECONNREFUSED : err) +
              ")!");
        return exit_code::iscsid_not_connected;
    }
    // The protocol itself is issue 5's; a daemon that answers is not yet
    // one we can talk to.
    error("iscsid is running but this iscsiadm cannot yet send it requests");
    return exit_code::iscsid_comm;
}

} // namespace iscsiadm
