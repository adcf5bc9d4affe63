// Our iscsid and iscsiadm on a private database.
//
// The variables it sets, as iscsid and iscsiadm read them: ISCSI_ROOT (the
// configuration and database root, /etc/iscsi by default), ISCSID_SOCKET
// (the control socket), ISCSID_USER_DIR and ISCSID_BY_PATH_DIR (user-space
// sessions' LUN files and by-path links), ISCSI_FUSE_BIN (the iscsi-fuse a
// user-space session runs: the one built, not an installed one).
#include "iscsid_env.hpp"

#include "target_process.hpp"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include <sys/stat.h>

namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;
namespace fs = std::filesystem;

constexpr auto ready_timeout = 20s;
constexpr auto exit_timeout = 10s;
constexpr auto adm_timeout = 60s;

AssertionResult write_file(fs::path const& p, std::string const& text)
{
    std::ofstream out(p);
    if (!(out << text) || !out.flush())
        return AssertionFailure() << "cannot write " << p;
    return AssertionSuccess();
}

} // namespace

namespace {

/// ISCSI_TEST_<NAME>, when set, replaces a program under test: scripts/test
/// runs these tests once more with ThreadSanitizer builds of the daemon.
void override_from_environment(std::string& program, char const* variable)
{
    if (char const* v = std::getenv(variable); v && *v)
        program = v;
}

} // namespace

iscsid_env::iscsid_env(options o) : options_(std::move(o))
{
    override_from_environment(options_.programs.iscsid, "ISCSI_TEST_ISCSID");
    override_from_environment(options_.programs.iscsiadm, "ISCSI_TEST_ISCSIADM");
    override_from_environment(options_.programs.iscsi_fuse, "ISCSI_TEST_ISCSI_FUSE");
}

iscsid_env::~iscsid_env()
{
    if (auto r = stop(); !r)
        ADD_FAILURE() << r.message();
    // Last set first, so a variable set twice gets its first saved value.
    for (auto it = saved_variables_.rbegin(); it != saved_variables_.rend(); ++it) {
        if (it->second)
            ::setenv(it->first.c_str(), it->second->c_str(), 1);
        else
            ::unsetenv(it->first.c_str());
    }
    std::error_code ec;
    if (!socket_dir_.empty())
        fs::remove_all(socket_dir_, ec);
}

void iscsid_env::set_variable(std::string const& name, std::string const& value)
{
    char const* old = std::getenv(name.c_str());
    saved_variables_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    ::setenv(name.c_str(), value.c_str(), 1);
}

AssertionResult iscsid_env::write_configs() const
{
    std::error_code ec;
    fs::create_directories(dir() / "etc", ec);
    if (!ec)
        fs::create_directories(dir() / "by-path", ec);
    if (ec)
        return AssertionFailure() << "cannot create directories in " << dir() << ": " << ec.message();
    auto r = AssertionSuccess();
    if (options_.initiator_name)
        r = write_file(dir() / "etc/initiatorname.iscsi", "InitiatorName=" + *options_.initiator_name + "\n");
    if (r && options_.iscsid_conf)
        r = write_file(dir() / "etc/iscsid.conf", *options_.iscsid_conf);
    return r;
}

AssertionResult iscsid_env::prepare()
{
    if (dir().empty())
        return AssertionFailure() << "no temp dir for iscsid";
    if (auto r = write_configs(); !r)
        return r;
    if (socket_dir_.empty()) {
        // Not in dir(): its name carries the test's, too long for sun_path.
        char tmpl[] = "/tmp/isdXXXXXX";
        if (::mkdtemp(tmpl) == nullptr)
            return AssertionFailure() << "mkdtemp " << tmpl << ": " << std::strerror(errno);
        socket_dir_ = tmpl;
    }
    set_variable("ISCSI_ROOT", (dir() / "etc").string());
    set_variable("ISCSID_SOCKET", socket_path().string());
    set_variable("ISCSID_USER_DIR", (dir() / "user").string());
    set_variable("ISCSID_BY_PATH_DIR", (dir() / "by-path").string());
    set_variable("ISCSI_FUSE_BIN", options_.programs.iscsi_fuse);
    return AssertionSuccess();
}

namespace {

/// When the socket at `p` was made (its ctime, in ns); 0 when there is none.
/// Not the inode: ext4 hands a freed inode number out again at once.
std::int64_t socket_made(fs::path const& p)
{
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode))
        return 0;
    return std::int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec;
}

} // namespace

AssertionResult iscsid_env::start(std::string const& log_name)
{
    if (socket_dir_.empty())
        return AssertionFailure() << "iscsid_env::start before prepare()";
    if (daemon_.running())
        return AssertionFailure() << "iscsid (pid " << daemon_.pid() << ") is already running";
    log_file_ = dir() / log_name;
    std::string error;
    stale_socket_ = socket_made(socket_path());
    std::vector<std::string> argv = options_.launcher;
    argv.insert(argv.end(), {options_.programs.iscsid, "-f"});
    argv.insert(argv.end(), options_.iscsid_args.begin(), options_.iscsid_args.end());
    daemon_ = child_process::spawn(argv, log_file_, error);
    if (!daemon_.started())
        return AssertionFailure() << "cannot start iscsid: " << error;
    return wait_for_socket();
}

AssertionResult iscsid_env::wait_for_socket()
{
    auto const deadline = std::chrono::steady_clock::now() + ready_timeout;
    // iscsid removes its socket when it exits, but one killed with SIGKILL
    // leaves it behind: only a socket made since is the new one's.
    auto const stale = stale_socket_;
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto const made = socket_made(socket_path()); made != 0 && made != stale)
            return AssertionSuccess();
        if (!daemon_.running())
            return AssertionFailure() << "iscsid exited with status " << daemon_.wait_for_exit(0ms).value_or(-1)
                                      << " during start; log:\n"
                                      << detail::tail_of(log_file_);
        std::this_thread::sleep_for(20ms);
    }
    return AssertionFailure() << "iscsid made no control socket " << socket_path() << " within "
                              << ready_timeout.count() << " s; log:\n"
                              << detail::tail_of(log_file_);
}

AssertionResult iscsid_env::stop()
{
    if (!daemon_.started())
        return AssertionSuccess();
    auto const pid = daemon_.pid();
    daemon_.signal(SIGTERM);
    auto const code = daemon_.wait_for_exit(exit_timeout);
    if (!code)
        daemon_.kill_and_reap();
    daemon_ = child_process{};
    if (!code)
        return AssertionFailure() << "iscsid (pid " << pid << ") ignored SIGTERM; killed with SIGKILL";
    if (*code != 0)
        return AssertionFailure() << "iscsid (pid " << pid << ") exited with status " << *code << "; log:\n"
                                  << detail::tail_of(log_file_);
    return AssertionSuccess();
}

void iscsid_env::kill()
{
    if (daemon_.started())
        daemon_.kill_and_reap();
    daemon_ = child_process{};
}

run_result iscsid_env::adm(std::vector<std::string> args) const
{
    if (socket_dir_.empty()) { // e.g. a TearDown after a failed SetUp
        run_result refused;
        refused.err = "iscsid_env::adm before prepare(): it would use the machine's /etc/iscsi";
        return refused;
    }
    args.insert(args.begin(), options_.programs.iscsiadm);
    return run_program(args, adm_timeout);
}

std::string iscsid_env::log() const
{
    std::ifstream in(log_file_.empty() ? dir() / "iscsid.log" : log_file_);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace iscsi::test
