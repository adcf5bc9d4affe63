#include "user_session.hpp"

#include "node_login.hpp"

#include "ipc_protocol.hpp"

#include "iscsi/core/exit_status.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace iscsid {

namespace fs = std::filesystem;
using iscsi::result;

namespace {

/// iscsi-fuse: ISCSI_FUSE_BIN, else beside iscsid (installed), else in the
/// build tree (build/iscsid/iscsid -> build/tools/iscsi-fuse).
fs::path fuse_program()
{
    if (char const* env = std::getenv("ISCSI_FUSE_BIN"); env && *env)
        return env;
    std::error_code ec;
    auto const self = fs::read_symlink("/proc/self/exe", ec).parent_path();
    for (auto const& p : {self / "iscsi-fuse", self.parent_path() / "tools/iscsi-fuse"})
        if (fs::exists(p, ec))
            return p;
    return "iscsi-fuse";
}

/// A 0600 file holding `secret` (created before anything is written to it).
fs::path secret_file(fs::path const& dir, char const* name, std::string const& secret)
{
    auto const p = dir / name;
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
        std::string const line = secret + "\n";
        (void)!::write(fd, line.data(), line.size());
        ::close(fd);
    }
    return p;
}

std::vector<std::string> arguments(iscsi::db::node_record const& n, std::string const& initiator_name,
                                   fs::path const& dir)
{
    std::vector<std::string> a{fuse_program().string()};
    bool const v6 = n.conn.address.find(':') != std::string::npos;
    a.insert(a.end(), {"--portal", (v6 ? "[" + n.conn.address + "]" : n.conn.address) + ":" +
                                       std::to_string(n.conn.port),
                       "--target", n.name, "--initiator-name", initiator_name, "--replacement-timeout",
                       std::to_string(n.session.replacement_timeout), "--loop"});
    // The record's timeouts hold for this data path as for the kernel's.
    a.insert(a.end(), {"--noop-out-interval", std::to_string(n.conn.noop_out_interval), "--noop-out-timeout",
                       std::to_string(n.conn.noop_out_timeout), "--login-timeout",
                       std::to_string(std::max(1, n.conn.login_timeout)), "--logout-timeout",
                       std::to_string(n.conn.logout_timeout)});
    // Where the /dev/disk/by-path links of the loop devices go (tests move it).
    if (char const* by_path = std::getenv("ISCSID_BY_PATH_DIR"); by_path && *by_path)
        a.insert(a.end(), {"--by-path-dir", by_path});
    auto const& auth = n.session.auth;
    if (uses_chap(auth)) {
        a.insert(a.end(), {"--chap-user", auth.username, "--chap-secret-file",
                           secret_file(dir, "chap", auth.password).string()});
        if (!auth.username_in.empty())
            a.insert(a.end(), {"--mutual-user", auth.username_in, "--mutual-secret-file",
                               secret_file(dir, "chap_in", auth.password_in).string()});
    }
    a.push_back((dir / "luns").string());
    return a;
}

/// fork + exec with stdout to a pipe (returned), stderr to `log`.
pid_t spawn(std::vector<std::string> const& args, fs::path const& log, int& out_fd)
{
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0)
        return -1;
    int const logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    std::vector<char*> argv;
    for (auto const& s : args)
        argv.push_back(const_cast<char*>(s.c_str()));
    argv.push_back(nullptr);
    pid_t const pid = ::fork();
    if (pid == 0) {
        int const devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        ::dup2(pipefd[1], 1);
        ::dup2(logfd >= 0 ? logfd : devnull, 2);
        ::close_range(3, ~0U, 0); // nothing of the daemon's leaks into the child
        ::setsid();               // our signals are not its
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(pipefd[1]);
    if (logfd >= 0)
        ::close(logfd);
    if (pid < 0) {
        ::close(pipefd[0]);
        return -1;
    }
    out_fd = pipefd[0];
    return pid;
}

std::string last_lines(fs::path const& log)
{
    std::ifstream in(log);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty())
            last = line;
    return last;
}

/// What a later iscsid needs to adopt the session: `dir/session`, in the
/// control protocol's text form.
void write_state(user_session const& s, iscsi::db::node_record const& n)
{
    ipc_message m;
    m.add("pid", s.pid).add("target", n.name).add("address", n.conn.address).add("port", n.conn.port);
    m.add("tpgt", n.tpgt).add("iface", n.iface.name);
    for (auto const& d : s.devices)
        m.add("device", d);
    std::ofstream(s.dir / "session") << encode(m);
}

/// Waits for the child to exit, polling (no SIGCHLD handler in the daemon).
asio::awaitable<bool> reaped(pid_t pid, std::chrono::milliseconds within)
{
    auto ex = co_await asio::this_coro::executor;
    auto const deadline = std::chrono::steady_clock::now() + within;
    asio::steady_timer t(ex);
    for (;;) {
        int status = 0;
        pid_t const r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            co_return true;
        // Not our child (adopted from an earlier iscsid): gone when kill(0) says so.
        if (r < 0 && errno == ECHILD && ::kill(pid, 0) != 0 && errno == ESRCH)
            co_return true;
        if (std::chrono::steady_clock::now() >= deadline)
            co_return false;
        t.expires_after(std::chrono::milliseconds(20));
        co_await t.async_wait(asio::use_awaitable);
    }
}

} // namespace

std::vector<adopted_user_session> find_user_sessions()
{
    std::vector<adopted_user_session> found;
    std::error_code ec;
    for (auto const& e : fs::directory_iterator(user_sessions_root(), ec)) {
        char* end = nullptr;
        auto const name = e.path().filename().string();
        unsigned long const id = std::strtoul(name.c_str(), &end, 10);
        std::ifstream in(e.path() / "session");
        std::string text{std::istreambuf_iterator<char>(in), {}};
        auto m = parse(text);
        auto const pid = m ? m->get_int("pid") : std::nullopt;
        std::ifstream cmd("/proc/" + std::to_string(pid.value_or(0)) + "/cmdline");
        std::string cmdline{std::istreambuf_iterator<char>(cmd), {}};
        if (*end != '\0' || !m || !pid || cmdline.find("iscsi-fuse") == std::string::npos) {
            fs::remove_all(e.path(), ec); // its iscsi-fuse is gone: nothing to adopt
            continue;
        }
        adopted_user_session a;
        a.session.id = static_cast<std::uint32_t>(id);
        a.session.pid = static_cast<pid_t>(*pid);
        a.session.dir = e.path();
        a.session.devices = m->all("device");
        a.target = m->get("target").value_or("");
        a.address = m->get("address").value_or("");
        a.port = static_cast<int>(m->get_int("port").value_or(3260));
        a.tpgt = static_cast<int>(m->get_int("tpgt").value_or(-1));
        a.iface = m->get("iface").value_or("default");
        found.push_back(std::move(a));
    }
    return found;
}

fs::path user_sessions_root()
{
    if (char const* env = std::getenv("ISCSID_USER_DIR"); env && *env)
        return env;
    return "/run/iscsid/user";
}

asio::awaitable<result<user_session>> start_user_session(std::uint32_t id, iscsi::db::node_record const& n,
                                                         std::string const& initiator_name,
                                                         std::chrono::milliseconds timeout, iscsi::diagnostics& diag)
{
    user_session s;
    s.id = id;
    s.dir = user_sessions_root() / std::to_string(id);
    std::error_code ec;
    fs::remove_all(s.dir, ec);
    fs::create_directories(s.dir / "luns", ec);
    ::chmod(s.dir.c_str(), 0700);
    int out_fd = -1;
    s.pid = spawn(arguments(n, initiator_name, s.dir), s.dir / "log", out_fd);
    if (s.pid < 0) {
        diag.set("cannot start iscsi-fuse: " + std::string(std::strerror(errno)));
        co_return std::error_code(errno, std::system_category());
    }
    auto ex = co_await asio::this_coro::executor;
    asio::posix::stream_descriptor out(ex, out_fd);
    asio::steady_timer limit(ex, timeout);
    bool timed_out = false;
    limit.async_wait([&](boost::system::error_code e) {
        if (!e) {
            timed_out = true;
            ::kill(s.pid, SIGKILL); // its pipe closes: the read below ends
        }
    });
    std::string text;
    bool ready = false;
    int status = 0;
    for (;;) {
        char buf[512];
        boost::system::error_code rec;
        auto got = co_await out.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, rec));
        if (rec)
            break;
        text.append(buf, got);
        for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n')) {
            std::string const line = text.substr(0, nl);
            text.erase(0, nl + 1);
            if (line == "ready")
                ready = true;
            if (line.starts_with("status=")) // iscsi-fuse's login failed: its open-iscsi status
                status = std::atoi(line.c_str() + 7);
            // "lun-1: /dev/loop0 /dev/disk/by-path/..."
            if (auto at = line.find(": /dev/"); at != std::string::npos)
                s.devices.push_back(line.substr(at + 2, line.find(' ', at + 2) - (at + 2)));
        }
        if (ready)
            break;
    }
    limit.cancel();
    if (ready) {
        write_state(s, n);
        s.out_fd = out.release();
        co_return s;
    }
    diag.set(timed_out ? "iscsi-fuse was not ready within " + std::to_string(timeout.count() / 1000) + " s"
                       : "iscsi-fuse failed: " + last_lines(s.dir / "log"));
    ::kill(s.pid, SIGKILL);
    (void)co_await reaped(s.pid, std::chrono::seconds(5));
    fs::remove_all(s.dir, ec);
    if (status > 0 && !timed_out)
        co_return make_error_code(static_cast<iscsi::exit_status>(status));
    co_return std::make_error_code(timed_out ? std::errc::timed_out : std::errc::connection_refused);
}

asio::awaitable<std::error_code> stop_user_session(user_session& s, std::chrono::milliseconds timeout)
{
    if (s.pid > 0) {
        ::kill(s.pid, SIGTERM);
        // A loop device still mounted keeps iscsi-fuse serving it: killing
        // it would fail that file system's I/O. Say so and leave it be.
        if (!co_await reaped(s.pid, timeout))
            co_return std::make_error_code(std::errc::device_or_resource_busy);
        s.pid = -1;
    }
    std::error_code ec;
    fs::remove_all(s.dir, ec);
    co_return std::error_code{};
}

} // namespace iscsid
