// istgt 0.4 (Debian package istgt) from a generated configuration.
//
// Facts this relies on, checked on Debian 12: `istgt -c CONF -D` stays in
// the foreground and exits on SIGTERM; a [UnitControl] section without a
// Portal opens no control port; `LUNn Storage FILE Auto` uses the file's
// size; AuthMethod is None, CHAP or "CHAP Mutual" with an AuthGroup from the
// AuthFile, whose lines are `Auth "user" "secret" ["muser" "msecret"]`.
#include "target_process.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

constexpr auto ready_timeout = 10s;
constexpr auto exit_timeout = 10s;
constexpr int discovery_auth_group = 9999;

// istgt's config syntax has no escapes: refuse what would break a quoted value.
bool quotable(std::string const& value) {
    for (char c : value) {
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
            return false;
        }
    }
    return !value.empty();
}

std::string quoted(std::string const& value) { return "\"" + value + "\""; }

std::string auth_method(std::optional<chap_config> const& chap) {
    if (!chap) {
        return "None";
    }
    return chap->target ? "CHAP Mutual" : "CHAP";
}

void write_auth_group(std::ostream& out, int group, chap_config const& c) {
    out << "[AuthGroup" << group << "]\n  Auth " << quoted(c.initiator.user) << ' '
        << quoted(c.initiator.secret);
    if (c.target) {
        out << ' ' << quoted(c.target->user) << ' ' << quoted(c.target->secret);
    }
    out << "\n\n";
}

AssertionResult check_quotable(std::optional<chap_config> const& chap, std::string const& what) {
    if (!chap) {
        return AssertionSuccess();
    }
    bool ok = quotable(chap->initiator.user) && quotable(chap->initiator.secret) &&
              (!chap->target || (quotable(chap->target->user) && quotable(chap->target->secret)));
    if (ok) {
        return AssertionSuccess();
    }
    return AssertionFailure() << what << ": istgt cannot express empty CHAP names/secrets or ones "
                                         "containing quotes, backslashes or control characters";
}

// [Global]: istgt's defaults from its sample configuration, private paths.
std::string global_section(std::filesystem::path const& dir,
                           std::optional<chap_config> const& discovery) {
    std::ostringstream g;
    g << "[Global]\n"
      << "  NodeBase \"iqn.2024-01.test.istgt\"\n"
      << "  PidFile " << quoted((dir / "istgt.pid").string()) << "\n"
      << "  AuthFile " << quoted((dir / "auth.conf").string()) << "\n"
      << "  MediaDirectory " << quoted(dir.string()) << "\n"
      << "  Timeout 30\n  NopInInterval 20\n"
      << "  MaxSessions 16\n  MaxConnections 4\n  MaxR2T 32\n  MaxOutstandingR2T 16\n"
      << "  DefaultTime2Wait 2\n  DefaultTime2Retain 60\n"
      << "  FirstBurstLength 262144\n  MaxBurstLength 1048576\n"
      << "  MaxRecvDataSegmentLength 262144\n"
      << "  InitialR2T Yes\n  ImmediateData Yes\n  DataPDUInOrder Yes\n"
      << "  DataSequenceInOrder Yes\n  ErrorRecoveryLevel 0\n"
      << "  DiscoveryAuthMethod " << auth_method(discovery) << "\n";
    if (discovery) {
        g << "  DiscoveryAuthGroup AuthGroup" << discovery_auth_group << "\n";
    }
    g << "\n";
    return g.str();
}

}  // namespace

istgt_process::istgt_process(istgt_options options) : options_{std::move(options)} {}

istgt_process::~istgt_process() {
    if (auto r = stop(); !r) {
        ADD_FAILURE() << "istgt teardown: " << r.message();
    }
}

AssertionResult istgt_process::write_config() const {
    if (auto r = check_quotable(options_.discovery_chap, "discovery CHAP"); !r) {
        return r;
    }
    std::ostringstream conf;
    std::ostringstream auth;
    conf << global_section(dir(), options_.discovery_chap);
    if (options_.discovery_chap) {
        write_auth_group(auth, discovery_auth_group, *options_.discovery_chap);
    }
    conf << "[UnitControl]\n  AuthMethod None\n\n"  // no Portal: no control port
         << "[PortalGroup1]\n  Portal DA1 " << options_.address << ':' << port_ << "\n\n"
         << "[InitiatorGroup1]\n  InitiatorName \"ALL\"\n  Netmask 127.0.0.0/8\n\n";
    int unit = 0;
    for (auto const& t : options_.targets) {
        if (auto r = write_unit(conf, auth, ++unit, t); !r) {
            return r;
        }
    }
    std::ofstream{config_file()} << conf.str();
    std::ofstream{dir() / "auth.conf"} << auth.str();
    if (!std::ifstream{config_file()} || !std::ifstream{dir() / "auth.conf"}) {
        return AssertionFailure() << "cannot write istgt configuration in " << dir();
    }
    return AssertionSuccess();
}

AssertionResult istgt_process::write_unit(std::ostream& conf, std::ostream& auth, int unit,
                                          target_config const& t) const {
    if (!quotable(t.iqn) || t.size_mib == 0 || t.luns == 0) {
        return AssertionFailure() << "istgt target " << t.iqn
                                  << ": needs a plain IQN, size_mib > 0 and luns > 0";
    }
    if (auto r = check_quotable(t.chap, t.iqn); !r) {
        return r;
    }
    conf << "[LogicalUnit" << unit << "]\n  TargetName " << quoted(t.iqn) << "\n"
         << "  Mapping PortalGroup1 InitiatorGroup1\n"
         << "  AuthMethod " << auth_method(t.chap) << "\n";
    if (t.chap) {
        conf << "  AuthGroup AuthGroup" << unit << "\n";
        write_auth_group(auth, unit, *t.chap);
    }
    conf << "  UseDigest Auto\n  UnitType Disk\n";
    for (std::uint32_t lun = 0; lun < t.luns; ++lun) {
        auto file =
            dir() / ("istgt-lu" + std::to_string(unit) + "-lun" + std::to_string(lun) + ".img");
        if (auto r = detail::create_sparse_file(file, t.size_mib); !r) {
            return r;
        }
        conf << "  LUN" << lun << " Storage " << quoted(file.string()) << " Auto\n";
    }
    conf << "\n";
    return AssertionSuccess();
}

AssertionResult istgt_process::start() {
    return detail::start_with_retries("istgt", dir(), daemon_, [this](bool& retry) { return try_start(retry); });
}

AssertionResult istgt_process::try_start(bool& retry) {
    auto port = detail::pick_free_port(options_.address);
    if (!port) {
        return AssertionFailure() << "no free TCP port on " << options_.address;
    }
    port_ = *port;
    if (auto r = write_config(); !r) {
        return r;
    }
    std::string error;
    daemon_ = child_process::spawn({"istgt", "-c", config_file().string(), "-D"}, log_file(), error);
    if (!daemon_.started()) {
        return AssertionFailure() << "cannot start istgt: " << error;
    }
    auto const deadline = std::chrono::steady_clock::now() + ready_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!daemon_.running()) {  // a bad config, or it lost the race for the port
            retry = true;
            auto code = daemon_.wait_for_exit(0ms).value_or(-1);
            daemon_ = child_process{};
            return AssertionFailure() << "istgt exited with status " << code
                                      << " during start; config " << config_file() << "; log:\n"
                                      << detail::tail_of(log_file());
        }
        if (detail::can_connect(options_.address, port_)) {
            return AssertionSuccess();
        }
        std::this_thread::sleep_for(20ms);
    }
    daemon_.kill_and_reap();
    daemon_ = child_process{};
    return AssertionFailure() << "istgt did not become ready on " << portal().to_string()
                              << " within " << ready_timeout.count() << " s; log:\n"
                              << detail::tail_of(log_file());
}

AssertionResult istgt_process::stop() {
    if (!daemon_.started()) {
        return AssertionSuccess();
    }
    std::string problems;
    if (daemon_.running()) {
        daemon_.signal(SIGTERM);
        if (!daemon_.wait_for_exit(exit_timeout)) {
            problems = "istgt (pid " + std::to_string(daemon_.pid()) +
                       ") ignored SIGTERM; killed with SIGKILL";
            daemon_.kill_and_reap();
        }
    } else {
        problems = "istgt (pid " + std::to_string(daemon_.pid()) + ") died before stop(), status " +
                   std::to_string(daemon_.wait_for_exit(0ms).value_or(-1)) + "; log:\n" +
                   detail::tail_of(log_file());
    }
    daemon_ = child_process{};
    if (problems.empty()) {
        return AssertionSuccess();
    }
    return AssertionFailure() << problems;
}

}  // namespace iscsi::test
