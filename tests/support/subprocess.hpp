#pragma once
// Child processes for tests that drive real programs (tgtd, tgtadm, istgt).
// Everything takes an argument vector: no shell, no quoting bugs, no
// injection through IQNs or secrets.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace iscsi::test {

/** Outcome of a program run to completion by run_program(). */
struct run_result {
    /// Exit status (0–255), or 128 + signal number if it died of a signal,
    /// or -1 if it could not be started or was killed after the timeout.
    int exit_code = -1;
    std::string out;   ///< everything it wrote to stdout
    std::string err;   ///< everything it wrote to stderr (or why it did not run)
    bool timed_out = false;

    [[nodiscard]] bool ok() const { return exit_code == 0; }
    /// "tgtadm --op new ...: exit 22: tgtadm: this target already exists"
    [[nodiscard]] std::string describe(std::vector<std::string> const& argv) const;
};

/**
 * Absolute path of a program: PATH first, then /usr/sbin and /sbin (tgtd,
 * tgtadm and istgt live there and PATH of a non-login shell may lack them).
 * Returns nullopt when not found.
 */
std::optional<std::filesystem::path> find_program(std::string const& name);

/**
 * Runs argv[0] (searched with find_program) with stdin from /dev/null,
 * captures stdout and stderr, and waits at most `timeout`; a child that is
 * still running then is killed with SIGKILL (by its PID) and reaped.
 * Never throws; failures to start are reported in run_result::err.
 */
run_result run_program(std::vector<std::string> const& argv,
                       std::chrono::milliseconds timeout = std::chrono::seconds{20});

/**
 * A long-running child (a target daemon) owned by the test. stdout and
 * stderr go to `log_file`. The child gets PR_SET_PDEATHSIG=SIGKILL so a
 * crashing test binary does not leave daemons behind. The destructor kills
 * and reaps the child if the owner has not stopped it.
 */
class child_process {
public:
    child_process() = default;
    child_process(child_process const&) = delete;
    child_process& operator=(child_process const&) = delete;
    child_process(child_process&& other) noexcept;
    child_process& operator=(child_process&& other) noexcept;
    ~child_process();

    /// Starts argv; on failure returns an empty child and sets `error`.
    static child_process spawn(std::vector<std::string> const& argv,
                               std::filesystem::path const& log_file, std::string& error);

    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] bool started() const { return pid_ > 0; }

    /// True while the child has not exited (reaps it if it has).
    bool running();
    /// Waits up to `timeout` for the child to exit; returns its exit code
    /// (as run_result::exit_code) or nullopt if it is still running.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
    /// Sends `sig` to this child's PID only (never a process group).
    void signal(int sig) const;
    /// SIGKILL by PID and reap. Last resort.
    void kill_and_reap();

private:
    explicit child_process(pid_t pid) : pid_{pid} {}
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

}  // namespace iscsi::test
