// tgtd (Debian package tgt 1.0.85) driven through tgtadm.
//
// Facts this relies on, checked against tgt 1.0.85 on Debian 12:
//  - `tgtd -f -C N --iscsi portal=ADDR:PORT` (N <= 32767) stays in the
//    foreground and takes /run/tgtd/socket.N (plus socket.N.lock; a second
//    tgtd with the same N exits with status 1).
//  - If it cannot bind the portal it does NOT exit: it falls back to
//    0.0.0.0:3260 and [::]:3260. Hence readiness checks `--mode portal`.
//  - It ignores SIGTERM while targets exist; the orderly shutdown is
//    deleting every target with --force, then `--op delete --mode system`.
//  - An account bound without --tid applies to discovery sessions.
//  - Redirects are per target (`--op update --name RedirectAddress|
//    RedirectPort|RedirectReason`) and apply only when the initiator's
//    address differs from RedirectAddress.
#include "target_process.hpp"

#include <atomic>
#include <thread>
#include <unistd.h>

namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

constexpr auto ready_timeout = 10s;
constexpr auto exit_timeout = 10s;

// Control ports are unique per process and per instance so that parallel
// test binaries and several tgtds in one test rarely collide (a collision
// makes the second tgtd exit, and start() retries with the next number).
// tgtd accepts -C 0..32767.
int next_control_port() {
    static std::atomic<int> counter{0};
    int const slot = counter.fetch_add(1) % 64;
    return static_cast<int>(::getpid() % 500) * 64 + slot + 1;
}

}  // namespace

tgtd_process::tgtd_process(std::string address) : address_{std::move(address)} {}

tgtd_process::~tgtd_process() {
    if (auto r = stop(); !r) {
        ADD_FAILURE() << "tgtd teardown: " << r.message();
    }
}

AssertionResult tgtd_process::start() {
    targets_.clear();
    return detail::start_with_retries("tgtd", dir(), daemon_, [this](bool& retry) {
        auto port = detail::pick_free_port(address_);
        if (!port) {
            return AssertionFailure() << "no free TCP port on " << address_;
        }
        return try_start(next_control_port(), *port, retry);
    });
}

AssertionResult tgtd_process::try_start(int control_port, std::uint16_t port, bool& retry) {
    std::string const portal = portal_address{address_, port}.to_string();
    std::string error;
    daemon_ = child_process::spawn({"tgtd", "-f", "-C", std::to_string(control_port), "--iscsi",
                                    "portal=" + portal},
                                   log_file(), error);
    if (!daemon_.started()) {
        return AssertionFailure() << "cannot start tgtd: " << error;
    }
    control_port_ = control_port;
    port_ = port;
    auto const deadline = std::chrono::steady_clock::now() + ready_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!daemon_.running()) {  // e.g. another tgtd holds socket.N.lock
            retry = true;
            auto code = daemon_.wait_for_exit(0ms).value_or(-1);
            daemon_ = child_process{};
            return AssertionFailure() << "tgtd exited with status " << code << " during start; log:\n"
                                      << detail::tail_of(log_file());
        }
        run_result portals = tgtadm({"--op", "show", "--mode", "portal"});
        if (portals.ok() && portals.out.find("Portal: " + portal + ",") != std::string::npos &&
            detail::can_connect(address_, port)) {
            return AssertionSuccess();
        }
        if (portals.ok() && portals.out.find("Portal:") != std::string::npos &&
            portals.out.find("Portal: " + portal + ",") == std::string::npos) {
            retry = true;  // lost the race for the port: tgtd fell back to *:3260
            (void)stop();
            return AssertionFailure() << "tgtd could not bind " << portal << "; portals:\n"
                                      << portals.out;
        }
        std::this_thread::sleep_for(20ms);
    }
    daemon_.kill_and_reap();
    daemon_ = child_process{};
    return AssertionFailure() << "tgtd did not become ready on " << portal << " within "
                              << ready_timeout.count() << " s; log:\n"
                              << detail::tail_of(log_file());
}

AssertionResult tgtd_process::stop() {
    if (!daemon_.started()) {
        return AssertionSuccess();
    }
    std::string problems;
    if (daemon_.running()) {
        for (auto const& [iqn, tid] : tids_) {
            auto r = tgtadm({"--op", "delete", "--mode", "target", "--tid", std::to_string(tid),
                             "--force"});
            if (!r.ok()) {
                problems += "\n" + r.describe({"delete target", iqn});
            }
        }
        if (auto r = tgtadm({"--op", "delete", "--mode", "system"}); !r.ok()) {
            problems += "\n" + r.describe({"tgtadm --op delete --mode system"});
        }
        if (!daemon_.wait_for_exit(exit_timeout)) {
            problems += "\ntgtd (pid " + std::to_string(daemon_.pid()) +
                        ") did not exit after `delete --mode system`; killed with SIGKILL";
            daemon_.kill_and_reap();
        }
    } else {
        problems += "\ntgtd (pid " + std::to_string(daemon_.pid()) +
                    ") died before stop(), status " +
                    std::to_string(daemon_.wait_for_exit(0ms).value_or(-1)) + "; log:\n" +
                    detail::tail_of(log_file());
    }
    forget_daemon();
    targets_.clear();
    if (problems.empty()) {
        return AssertionSuccess();
    }
    return AssertionFailure() << problems;
}

AssertionResult tgtd_process::kill() {
    if (!daemon_.running()) {
        return AssertionFailure() << "kill(): tgtd is not running";
    }
    daemon_.kill_and_reap();
    forget_daemon(); // targets_ stay, for restart()
    return AssertionSuccess();
}

void tgtd_process::forget_daemon() {
    daemon_ = child_process{};
    tids_.clear();
    accounts_.clear();
    next_tid_ = 1;
}

AssertionResult tgtd_process::restart() {
    if (daemon_.started() || port_ == 0) {
        return AssertionFailure() << "restart(): tgtd must have been started and then killed";
    }
    bool retry = false;
    for (int attempt = 0; attempt < 3; ++attempt) {  // only the control port can be taken
        auto r = try_start(next_control_port(), port_, retry);
        if (r) {
            break;
        }
        if (!retry || attempt == 2) {
            return r;
        }
    }
    auto const targets = targets_;
    targets_.clear();
    for (auto const& t : targets) {
        if (auto r = create_target(t, true); !r) {
            return r;
        }
    }
    return AssertionSuccess();
}

run_result tgtd_process::tgtadm(std::vector<std::string> const& args) const {
    std::vector<std::string> argv{"tgtadm", "-C", std::to_string(control_port_), "--lld", "iscsi"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
}

AssertionResult tgtd_process::tgtadm_ok(std::vector<std::string> const& args) const {
    run_result r = tgtadm(args);
    if (r.ok()) {
        return AssertionSuccess();
    }
    std::vector<std::string> shown{"tgtadm", "-C", std::to_string(control_port_), "--lld", "iscsi"};
    shown.insert(shown.end(), args.begin(), args.end());
    return AssertionFailure() << r.describe(shown);
}

std::optional<int> tgtd_process::tid_of(std::string const& iqn) const {
    auto it = tids_.find(iqn);
    if (it == tids_.end()) {
        return std::nullopt;
    }
    return it->second;
}

AssertionResult tgtd_process::add_target(target_config const& t) {
    if (!daemon_.running()) {
        return AssertionFailure() << "add_target(" << t.iqn << "): tgtd is not running";
    }
    if (tids_.contains(t.iqn)) {
        return AssertionFailure() << "add_target: " << t.iqn << " already exists";
    }
    return create_target(t, false);
}

AssertionResult tgtd_process::create_target(target_config const& t, bool keep_files) {
    int const tid = next_tid_++;
    auto const tid_text = std::to_string(tid);
    if (auto r = tgtadm_ok({"--op", "new", "--mode", "target", "--tid", tid_text, "-T", t.iqn}); !r) {
        return r;
    }
    tids_[t.iqn] = tid;  // from here on stop() deletes it
    targets_.push_back(t);
    if (auto r = add_luns(tid, t, keep_files); !r) {
        return r;
    }
    if (t.chap) {
        if (auto r = bind_chap(tid, *t.chap); !r) {
            return r;
        }
    }
    return tgtadm_ok({"--op", "bind", "--mode", "target", "--tid", tid_text, "-I", "ALL"});
}

AssertionResult tgtd_process::add_luns(int tid, target_config const& t, bool keep_files) {
    if (t.luns == 0) {
        return AssertionFailure() << "add_target(" << t.iqn << "): a target needs at least one LUN";
    }
    auto const tid_text = std::to_string(tid);
    for (std::uint32_t lun = 1; lun <= t.luns; ++lun) {
        std::vector<std::string> args{"--op", "new", "--mode", "logicalunit", "--tid", tid_text,
                                      "--lun", std::to_string(lun)};
        if (t.size_mib == 0) {
            args.insert(args.end(), {"-E", "null", "-b", "/dev/null"});
        } else {
            auto file = dir() / ("tgt-tid" + tid_text + "-lun" + std::to_string(lun) + ".img");
            bool const reuse = keep_files && std::filesystem::exists(file);  // restart(): keep the data
            if (!reuse) {
                if (auto r = detail::create_sparse_file(file, t.size_mib); !r) {
                    return r;
                }
            }
            args.insert(args.end(), {"-b", file.string()});
        }
        if (auto r = tgtadm_ok(args); !r) {
            return r;
        }
    }
    return AssertionSuccess();
}

AssertionResult tgtd_process::ensure_account(chap_secret const& s) {
    if (auto it = accounts_.find(s.user); it != accounts_.end()) {
        if (it->second == s.secret) {
            return AssertionSuccess();
        }
        return AssertionFailure() << "CHAP user " << s.user
                                  << " already exists with another secret (tgt accounts are "
                                     "global to one tgtd)";
    }
    if (auto r = tgtadm_ok({"--op", "new", "--mode", "account", "--user", s.user, "--password",
                            s.secret});
        !r) {
        return r;
    }
    accounts_[s.user] = s.secret;
    return AssertionSuccess();
}

AssertionResult tgtd_process::bind_chap(std::optional<int> tid, chap_config const& c) {
    std::vector<std::string> scope;
    if (tid) {
        scope = {"--tid", std::to_string(*tid)};
    }
    auto bind = [&](chap_secret const& s, bool outgoing) {
        std::vector<std::string> args{"--op", "bind", "--mode", "account", "--user", s.user};
        args.insert(args.end(), scope.begin(), scope.end());
        if (outgoing) {
            args.emplace_back("--outgoing");
        }
        return tgtadm_ok(args);
    };
    if (auto r = ensure_account(c.initiator); !r) {
        return r;
    }
    if (auto r = bind(c.initiator, false); !r) {
        return r;
    }
    if (!c.target) {
        return AssertionSuccess();
    }
    if (auto r = ensure_account(*c.target); !r) {
        return r;
    }
    return bind(*c.target, true);
}

AssertionResult tgtd_process::set_discovery_chap(chap_config const& c) {
    if (!daemon_.running()) {
        return AssertionFailure() << "set_discovery_chap: tgtd is not running";
    }
    return bind_chap(std::nullopt, c);
}

AssertionResult tgtd_process::redirect(std::string const& iqn, portal_address const& to,
                                       redirect_kind kind) {
    auto tid = tid_of(iqn);
    if (!tid) {
        return AssertionFailure() << "redirect: no target " << iqn;
    }
    auto const tid_text = std::to_string(*tid);
    auto update = [&](std::string const& name, std::string const& value) {
        return tgtadm_ok({"--op", "update", "--mode", "target", "--tid", tid_text, "--name", name,
                          "--value", value});
    };
    if (auto r = update("RedirectAddress", to.host); !r) {
        return r;
    }
    if (auto r = update("RedirectPort", std::to_string(to.port)); !r) {
        return r;
    }
    return update("RedirectReason", kind == redirect_kind::temporary ? "Temporary" : "Permanent");
}

}  // namespace iscsi::test
