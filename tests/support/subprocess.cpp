#include "subprocess.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace iscsi::test {
namespace {

using steady = std::chrono::steady_clock;

// Owns a file descriptor; closes it once.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) : fd_{fd} {}
    unique_fd(unique_fd const&) = delete;
    unique_fd& operator=(unique_fd const&) = delete;
    ~unique_fd() { reset(); }
    [[nodiscard]] int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

int decode_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

// The argument vector execv() wants, built before vfork() because the child
// may only make system calls (it runs on the parent's memory).
struct exec_args {
    std::vector<std::string> storage;
    std::vector<char*> argv;
    explicit exec_args(std::vector<std::string> const& args) : storage{args} {
        for (auto& s : storage) {
            argv.push_back(s.data());
        }
        argv.push_back(nullptr);
    }
};

// Runs in the child: wire fds, ask to die with the parent, exec.
[[noreturn]] void exec_child(char const* path, char* const* argv, int stdin_fd, int out_fd, int err_fd,
                             pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {  // the parent died before prctl took effect
        ::_exit(127);
    }
    if (::dup2(stdin_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
        ::dup2(err_fd, STDERR_FILENO) < 0) {
        ::_exit(127);
    }
    ::execv(path, argv);
    ::_exit(127);
}

// vfork() rather than fork(): fork would copy the page tables of the whole
// test process first, which under ASan cost 20 ms per tgtadm, and some tests
// start thousands. The child shares our memory until execv, so it only makes
// system calls and never returns; and the call sits in a frame of its own,
// where no caller's variable can be clobbered (GCC's -Wclobbered).
[[gnu::noinline]] pid_t start_child(char const* path, char* const* argv, int stdin_fd, int out_fd, int err_fd) {
    pid_t const parent = ::getpid();
    pid_t const pid = ::vfork();
    if (pid == 0) {
        exec_child(path, argv, stdin_fd, out_fd, err_fd, parent);
    }
    return pid;
}

std::string errno_text(char const* what) {
    return std::string{what} + ": " + std::strerror(errno);
}

// Reads from both pipes until both reach EOF or the deadline passes.
bool drain_pipes(int out_fd, int err_fd, run_result& r, steady::time_point deadline) {
    std::array<pollfd, 2> fds{pollfd{out_fd, POLLIN, 0}, pollfd{err_fd, POLLIN, 0}};
    std::array<std::string*, 2> sinks{&r.out, &r.err};
    int open_count = 2;
    while (open_count > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
        if (left.count() <= 0) {
            return false;
        }
        int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (n < 0 && errno != EINTR) {
            return false;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            std::array<char, 4096> buf{};
            ssize_t got = ::read(fds[i].fd, buf.data(), buf.size());
            if (got > 0) {
                sinks[i]->append(buf.data(), static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                fds[i].fd = -1;  // poll() ignores negative descriptors
                --open_count;
            }
        }
    }
    return true;
}

std::optional<int> reap_until(pid_t pid, steady::time_point deadline) {
    for (;;) {
        int status = 0;
        pid_t got = ::waitpid(pid, &status, WNOHANG);
        if (got == pid) {
            return decode_status(status);
        }
        if (got < 0 && errno != EINTR) {
            return -1;  // not our child any more; nothing left to wait for
        }
        if (steady::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
}

}  // namespace

std::string run_result::describe(std::vector<std::string> const& argv) const {
    std::string text;
    for (auto const& a : argv) {
        text += (text.empty() ? "" : " ") + a;
    }
    text += timed_out ? ": timed out" : ": exit " + std::to_string(exit_code);
    if (!err.empty()) {
        text += ": " + err;
    }
    if (!out.empty()) {
        text += " (stdout: " + out + ")";
    }
    return text;
}

std::optional<std::filesystem::path> find_program(std::string const& name) {
    namespace fs = std::filesystem;
    if (name.find('/') != std::string::npos) {
        return fs::path{name};
    }
    std::string dirs = "/usr/sbin:/sbin:/usr/bin:/bin";
    if (char const* path = std::getenv("PATH")) {
        dirs = std::string{path} + ":" + dirs;
    }
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) {
            end = dirs.size();
        }
        fs::path candidate = fs::path{dirs.substr(start, end - start)} / name;
        if (end > start && ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        start = end + 1;
    }
    return std::nullopt;
}

run_result run_program(std::vector<std::string> const& argv, std::chrono::milliseconds timeout) {
    run_result r;
    auto path = argv.empty() ? std::nullopt : find_program(argv.front());
    if (!path) {
        r.err = "program not found: " + (argv.empty() ? std::string{"(empty argv)"} : argv.front());
        return r;
    }
    std::array<int, 2> out_pipe{-1, -1};
    std::array<int, 2> err_pipe{-1, -1};
    if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
        r.err = errno_text("pipe2");
        return r;
    }
    unique_fd out_read{out_pipe[0]}, out_write{out_pipe[1]};
    unique_fd err_read{err_pipe[0]}, err_write{err_pipe[1]};
    unique_fd null_in{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
    exec_args args{argv};
    pid_t const pid = start_child(path->c_str(), args.argv.data(), null_in.get(), out_write.get(), err_write.get());
    if (pid < 0) {
        r.err = errno_text("vfork");
        return r;
    }
    out_write.reset();
    err_write.reset();
    auto const deadline = steady::now() + timeout;
    bool drained = drain_pipes(out_read.get(), err_read.get(), r, deadline);
    auto code = drained ? reap_until(pid, deadline) : std::nullopt;
    if (!code) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        r.timed_out = true;
        return r;
    }
    r.exit_code = *code;
    return r;
}

child_process::child_process(child_process&& other) noexcept
    : pid_{std::exchange(other.pid_, -1)}, exit_code_{std::exchange(other.exit_code_, {})} {}

child_process& child_process::operator=(child_process&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        exit_code_ = std::exchange(other.exit_code_, {});
    }
    return *this;
}

child_process::~child_process() { kill_and_reap(); }

child_process child_process::spawn(std::vector<std::string> const& argv,
                                   std::filesystem::path const& log_file, std::string& error) {
    auto path = argv.empty() ? std::nullopt : find_program(argv.front());
    if (!path) {
        error = "program not found: " + (argv.empty() ? std::string{"(empty argv)"} : argv.front());
        return {};
    }
    unique_fd log{::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)};
    unique_fd null_in{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
    if (log.get() < 0 || null_in.get() < 0) {
        error = errno_text(("open " + log_file.string()).c_str());
        return {};
    }
    exec_args args{argv};
    pid_t const pid = start_child(path->c_str(), args.argv.data(), null_in.get(), log.get(), log.get());
    if (pid < 0) {
        error = errno_text("vfork");
        return {};
    }
    return child_process{pid};
}

bool child_process::running() {
    if (pid_ <= 0 || exit_code_) {
        return false;
    }
    return !wait_for_exit(std::chrono::milliseconds{0});
}

std::optional<int> child_process::wait_for_exit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) {
        return -1;
    }
    if (!exit_code_) {
        exit_code_ = reap_until(pid_, steady::now() + timeout);
    }
    return exit_code_;
}

void child_process::signal(int sig) const {
    if (pid_ > 0 && !exit_code_) {
        ::kill(pid_, sig);
    }
}

void child_process::kill_and_reap() {
    if (pid_ > 0 && !exit_code_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        exit_code_ = decode_status(status);
    }
}

}  // namespace iscsi::test
