#pragma once
// Our iscsid and iscsiadm on a private database for integration tests: the
// configuration (iscsid.conf, initiatorname.iscsi, node records) under a temp
// dir that ISCSI_ROOT points at, the control socket in a short temp dir of its
// own, and iscsid started as a child process. The machine's /etc/iscsi and
// iscsid are never used: the environment variables iscsid and iscsiadm read
// point both at these dirs (the destructor restores them). ISCSI_TEST_ISCSID,
// ISCSI_TEST_ISCSIADM and ISCSI_TEST_ISCSI_FUSE, when set, replace the programs
// (scripts/test's ThreadSanitizer step).
//
//   iscsi::test::iscsid_env env{{.programs = {ISCSID_BIN, ISCSIADM_BIN, ISCSI_FUSE_BIN}}};
//   ASSERT_TRUE(env.prepare());
//   ASSERT_TRUE(env.start());
//   auto r = env.adm({"-m", "session"});
#include "isolation.hpp"
#include "subprocess.hpp"

#include <cstdint>
#include <filesystem>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace iscsi::test {

/// The programs under test: the test target knows where the build put them.
struct iscsid_programs {
    std::string iscsid;
    std::string iscsiadm;
    std::string iscsi_fuse; ///< what iscsid runs for a user-space session
};

class iscsid_env {
public:
    struct options {
        iscsid_programs programs;
        /// initiatorname.iscsi's name; none: no such file.
        std::optional<std::string> initiator_name = "iqn.2026-12.org.example.test:host";
        /// iscsid.conf's text; none: no such file (built-in defaults).
        std::optional<std::string> iscsid_conf = std::nullopt;
        /// More arguments for iscsid after `-f` (e.g. `-d 8`).
        std::vector<std::string> iscsid_args = {};
        /// A command iscsid runs under (e.g. setpriv with fewer capabilities).
        std::vector<std::string> launcher = {};
    };

    explicit iscsid_env(options o);
    iscsid_env(iscsid_env const&) = delete;
    iscsid_env& operator=(iscsid_env const&) = delete;
    /// stop() if still running (a failure is a test failure), then the
    /// environment as it was and the socket directory removed.
    ~iscsid_env();

    /// Writes the configuration and points iscsid's and iscsiadm's
    /// environment at it; iscsiadm works (without iscsid) from here on.
    ::testing::AssertionResult prepare();
    /// Starts `iscsid -f` (and options.iscsid_args) logging to dir()/`log_name` and waits (bounded)
    /// for its control socket.
    ::testing::AssertionResult start(std::string const& log_name = "iscsid.log");
    /// SIGTERM by PID and a bounded wait for exit status 0; SIGKILL by PID
    /// if it does not exit. Idempotent.
    ::testing::AssertionResult stop();
    /// SIGKILL by PID and reap: a crash, as far as iscsid can tell.
    void kill();
    /// Our iscsid's PID (0 before start); a launcher execs it in place.
    [[nodiscard]] pid_t pid() const { return daemon_.pid(); }
    /// Sends `sig` to our iscsid (SIGHUP: reload), if it runs.
    void signal(int sig) const { daemon_.signal(sig); }

    /// Runs our iscsiadm with `args` and captures its output and exit code;
    /// before prepare() it runs nothing and returns exit code -1.
    [[nodiscard]] run_result adm(std::vector<std::string> args) const;
    /// Everything the last started iscsid has logged so far.
    [[nodiscard]] std::string log() const;
    /// Sets an environment variable for this test; the destructor restores it.
    void set_variable(std::string const& name, std::string const& value);

    /// The temp dir: etc/ (ISCSI_ROOT), user/ (user-space sessions), logs.
    [[nodiscard]] std::filesystem::path const& dir() const { return dir_.path(); }
    [[nodiscard]] std::filesystem::path socket_path() const { return socket_dir_ / "control.sock"; }

private:
    ::testing::AssertionResult write_configs() const;
    ::testing::AssertionResult wait_for_socket();

    temp_dir dir_; // destroyed last: the daemon is gone by then
    options options_;
    std::filesystem::path socket_dir_; ///< short: a Unix socket path has at most 107 bytes
    std::filesystem::path log_file_;
    std::int64_t stale_socket_ = 0; ///< ctime of a socket a killed iscsid left behind
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_variables_;
    child_process daemon_;
};

} // namespace iscsi::test
