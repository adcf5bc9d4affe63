// iscsid's control socket with the real daemon and the real iscsiadm, on a
// machine without iscsi_tcp (this one): requests are answered, strangers
// and non-root peers are refused, socket activation works, and a login
// that cannot reach the kernel says why.
#include "support/isolation.hpp"
#include "support/subprocess.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using iscsi::test::child_process;
using iscsi::test::run_program;

/// Sends `text` to the socket at `path` and returns all it answers.
std::string exchange(fs::path const& path, std::string const& text)
{
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return "connect failed: " + std::string(std::strerror(errno));
    }
    (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
        out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return out;
}

bool wait_for_socket(fs::path const& p)
{
    for (int i = 0; i < 200; ++i) {
        struct stat st{};
        if (::stat(p.c_str(), &st) == 0 && S_ISSOCK(st.st_mode))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

class IscsidControl : public ::testing::Test {
protected:
    iscsi::test::temp_dir dir;
    fs::path socket_path;
    child_process daemon;

    void SetUp() override
    {
        socket_path = dir.path() / "run/control.sock";
        ::setenv("ISCSID_SOCKET", socket_path.c_str(), 1);
        ::setenv("ISCSI_ROOT", (dir.path() / "etc").c_str(), 1);
        fs::create_directories(dir.path() / "etc");
        std::ofstream(dir.path() / "etc/initiatorname.iscsi") << "InitiatorName=iqn.2026-12.org.example:host\n";
        // A node record to log in to (nothing listens there).
        auto r = run_program({ISCSIADM_BIN, "-m", "node", "-o", "new", "-T", "iqn.2026-12.org.example:disk", "-p",
                              "127.0.0.1:9,1"});
        ASSERT_TRUE(r.ok()) << r.err;
    }
    void TearDown() override
    {
        if (daemon.started()) {
            daemon.signal(SIGTERM);
            EXPECT_EQ(daemon.wait_for_exit(std::chrono::seconds(10)), 0);
        }
        ::unsetenv("ISCSID_SOCKET");
        ::unsetenv("ISCSI_ROOT");
    }
    void start(std::vector<std::string> argv)
    {
        std::string err;
        daemon = child_process::spawn(argv, dir.path() / "iscsid.log", err);
        ASSERT_TRUE(daemon.started()) << err;
        ASSERT_TRUE(wait_for_socket(socket_path)) << "no control socket";
    }
    std::string log() const
    {
        std::ifstream in(dir.path() / "iscsid.log");
        return {std::istreambuf_iterator<char>(in), {}};
    }
};

TEST_F(IscsidControl, PingAnswersWithTheProtocolVersion)
{
    start({ISCSID_BIN, "-f"});
    EXPECT_EQ(exchange(socket_path, "iscsid-ipc 1\nop=ping\n\n"), "iscsid-ipc 1\nstatus=0\nversion=1\n\n");
}

TEST_F(IscsidControl, SocketIsRootOnly)
{
    start({ISCSID_BIN, "-f"});
    struct stat st{};
    ASSERT_EQ(::stat(socket_path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    ASSERT_EQ(::stat(socket_path.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700U);
}

TEST_F(IscsidControl, GarbageAndNewerVersionsGetAClearRefusal)
{
    start({ISCSID_BIN, "-f"});
    EXPECT_EQ(exchange(socket_path, "GET / HTTP/1.0\r\n\r\n\n\n"),
              "iscsid-ipc 1\nstatus=16\nmessage=bad request: not an iscsid control message\n\n");
    EXPECT_EQ(exchange(socket_path, "iscsid-ipc 9\nop=ping\n\n"),
              "iscsid-ipc 1\nstatus=16\nmessage=bad request: the peer speaks a newer iscsid control protocol\n\n");
    EXPECT_EQ(exchange(socket_path, "iscsid-ipc 1\nop=format_disk\n\n"),
              "iscsid-ipc 1\nstatus=16\nmessage=unknown request \"format_disk\"\n\n");
    // The daemon is still there.
    EXPECT_EQ(exchange(socket_path, "iscsid-ipc 1\nop=ping\n\n"), "iscsid-ipc 1\nstatus=0\nversion=1\n\n");
}

TEST_F(IscsidControl, NonRootPeerIsRefusedBySoPeercred)
{
    start({ISCSID_BIN, "-f"});
    // Open the way so that only the daemon's own check stands in it.
    ::chmod(socket_path.parent_path().c_str(), 0755);
    ::chmod(socket_path.c_str(), 0666);
    ::chmod(dir.path().c_str(), 0755);
    auto r = run_program({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ISCSIADM_BIN, "-m", "node",
                          "-U", "all"});
    EXPECT_EQ(r.exit_code, 13) << r.out << r.err;
    EXPECT_NE(r.err.find("iscsid accepts requests from root only"), std::string::npos) << r.err;
}

TEST_F(IscsidControl, KernelDataPathWithoutIscsiTcpSaysWhy)
{
    // iscsid.data_path = kernel: no falling back to user space.
    std::ofstream(dir.path() / "etc/iscsid.conf") << "iscsid.data_path = kernel\n";
    start({ISCSID_BIN, "-f"});
    auto r = run_program({ISCSIADM_BIN, "-m", "node", "-T", "iqn.2026-12.org.example:disk", "-p", "127.0.0.1:9",
                          "--login"});
    EXPECT_EQ(r.exit_code, 12) << r.out << r.err; // ISCSI_ERR_TRANS_NOT_FOUND
    EXPECT_NE(r.out.find("Logging in to [iface: default, target: iqn.2026-12.org.example:disk, portal: 127.0.0.1,9]"),
              std::string::npos) << r.out;
    EXPECT_NE(r.err.find("iscsi_tcp"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Could not log into all portals"), std::string::npos) << r.err;
}

TEST_F(IscsidControl, InitiatorNameFileFromTheCommandLine)
{
    start({ISCSID_BIN, "-f", "-i", (dir.path() / "missing-initiatorname.iscsi").string()});
    auto r = run_program({ISCSIADM_BIN, "-m", "node", "-T", "iqn.2026-12.org.example:disk", "-p", "127.0.0.1:9",
                          "--login"});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("no initiator name in " + (dir.path() / "missing-initiatorname.iscsi").string()),
              std::string::npos) << r.err;
}

TEST_F(IscsidControl, LogoutWithNoSessionIsExit21)
{
    start({ISCSID_BIN, "-f"});
    auto r = run_program({ISCSIADM_BIN, "-m", "node", "-T", "iqn.2026-12.org.example:disk", "-p", "127.0.0.1:9",
                          "--logout"});
    EXPECT_EQ(r.exit_code, 21) << r.out << r.err;
    EXPECT_NE(r.err.find("No matching sessions found"), std::string::npos) << r.err;
}

/// A datagram socket standing in for systemd's notification socket.
class notify_socket {
public:
    notify_socket()
    {
        char tmpl[] = "/tmp/isnXXXXXX";
        dir_ = ::mkdtemp(tmpl);
        path_ = dir_ + "/notify";
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
        (void)::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        timeval tv{.tv_sec = 5, .tv_usec = 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~notify_socket()
    {
        ::close(fd_);
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    [[nodiscard]] std::string const& path() const { return path_; }
    /// The next datagram, or "" after 5 s.
    std::string next()
    {
        char buf[1024];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }

private:
    std::string dir_, path_;
    int fd_ = -1;
};

TEST_F(IscsidControl, TellsSystemdItIsReadyAndReloadsOnSighup)
{
    notify_socket systemd;
    ::setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
    std::ofstream(dir.path() / "etc/iscsid.conf") << "iscsid.data_path = kernel\n";
    start({ISCSID_BIN, "-f"});
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_EQ(systemd.next(), "READY=1\nSTATUS=0 sessions");
    auto login = [] {
        return run_program({ISCSIADM_BIN, "-m", "node", "-T", "iqn.2026-12.org.example:disk", "-p", "127.0.0.1:9",
                            "--login"});
    };
    EXPECT_EQ(login().exit_code, 12) << "kernel only, and no iscsi_tcp here";

    // The admin switches to the user-space data path and reloads.
    std::ofstream(dir.path() / "etc/iscsid.conf") << "iscsid.data_path = user\n";
    daemon.signal(SIGHUP);
    EXPECT_EQ(systemd.next(), "RELOADING=1");
    EXPECT_EQ(systemd.next(), "READY=1");
    auto r = login();
    // Now iscsi-fuse tries; nothing listens on port 9: a connection failure
    // (4), what a kernel-path login says too.
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("iscsi-fuse"), std::string::npos) << r.err;
}

TEST_F(IscsidControl, SocketActivationServesOnTheInheritedSocket)
{
    auto activate = iscsi::test::find_program("systemd-socket-activate");
    if (!activate)
        GTEST_SKIP() << "systemd-socket-activate is not installed";
    fs::create_directories(socket_path.parent_path());
    start({activate->string(), "-l", socket_path.string(), ISCSID_BIN, "-f"});
    // The first connection starts iscsid, which answers on descriptor 3.
    EXPECT_EQ(exchange(socket_path, "iscsid-ipc 1\nop=ping\n\n"), "iscsid-ipc 1\nstatus=0\nversion=1\n\n") << log();
    EXPECT_NE(log().find("iscsid: ready on the socket systemd passed"), std::string::npos) << log();
}

} // namespace
