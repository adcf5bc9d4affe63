// open-isns 0.101 (Debian 12) as a test server.
//
// Facts this relies on, checked on Debian 12: `isnsd --config F
// --foreground` stays in the foreground and exits on SIGTERM; BindAddress
// takes host:port; an empty Database is refused ("Unsupported database
// type"), so it gets a directory; isnsadm reads ServerAddress and SourceName
// from its --config file; `--local` talks to ControlSocket as a control
// node (root only); `pg,pgt=N` after a portal joins it and the preceding
// node in Portal Group N.
#include "isnsd_process.hpp"

#include <csignal>
#include <fstream>
#include <thread>

namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

constexpr auto ready_timeout = 10s;
constexpr auto exit_timeout = 10s;

} // namespace

isnsd_process::isnsd_process() : isnsd_process(options{}) {}

isnsd_process::isnsd_process(options o) : options_(o) {}

isnsd_process::~isnsd_process()
{
    if (auto r = stop(); !r)
        ADD_FAILURE() << r.message();
}

AssertionResult isnsd_process::write_configs() const
{
    std::ofstream conf(dir() / "isnsd.conf");
    conf << "SourceName = isns.test.server\n"
         << "BindAddress = 127.0.0.1:" << port_ << "\n"
         << "Database = " << (dir() / "db").string() << "\n"
         << "Security = 0\n"
         << "SLPRegister = 0\n"
         << "DefaultDiscoveryDomain = " << (options_.default_discovery_domain ? 1 : 0) << "\n"
         << "RegistrationPeriod = 0\n"
         << "PIDFile = " << (dir() / "isnsd.pid").string() << "\n"
         << "ControlSocket = " << (dir() / "isnsctl").string() << "\n";
    std::filesystem::create_directories(dir() / "db");
    if (!conf.flush())
        return AssertionFailure() << "cannot write " << dir() / "isnsd.conf";
    return AssertionSuccess();
}

AssertionResult isnsd_process::start()
{
    return detail::start_with_retries("isnsd", dir(), daemon_, [this](bool& retry) { return try_start(retry); });
}

AssertionResult isnsd_process::try_start(bool& retry)
{
    if (port_ == 0) {
        auto port = detail::pick_free_port("127.0.0.1");
        if (!port)
            return AssertionFailure() << "no free TCP port on 127.0.0.1";
        port_ = *port;
    }
    if (auto r = write_configs(); !r)
        return r;
    std::filesystem::remove(dir() / "isnsd.pid");
    std::string error;
    // open-isns 0.101 does not ignore SIGPIPE: it dies (status 141) writing
    // an SCN on a connection whose client has gone, e.g. a tgtd or iscsid a
    // test stopped before it. The shell sets SIGPIPE ignored, which exec keeps,
    // so isnsd gets EPIPE instead, as a packaged daemon under systemd does
    // (IgnoreSIGPIPE=yes is systemd's default).
    daemon_ = child_process::spawn({"sh", "-c", "trap '' PIPE; exec isnsd --config \"$0\" --foreground",
                                    (dir() / "isnsd.conf").string()},
                                   log_file(), error);
    if (!daemon_.started())
        return AssertionFailure() << "cannot start isnsd: " << error;
    auto const deadline = std::chrono::steady_clock::now() + ready_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!daemon_.running()) {
            retry = true;
            port_ = 0;
            auto code = daemon_.wait_for_exit(0ms).value_or(-1);
            daemon_ = child_process{};
            return AssertionFailure() << "isnsd exited with status " << code << " during start; log:\n"
                                      << detail::tail_of(log_file());
        }
        if (detail::can_connect("127.0.0.1", port_))
            return AssertionSuccess();
        std::this_thread::sleep_for(20ms);
    }
    daemon_.kill_and_reap();
    daemon_ = child_process{};
    return AssertionFailure() << "isnsd did not listen on 127.0.0.1:" << port_ << " within "
                              << ready_timeout.count() << " s; log:\n"
                              << detail::tail_of(log_file());
}

AssertionResult isnsd_process::stop()
{
    if (!daemon_.started())
        return AssertionSuccess();
    std::string problems;
    if (daemon_.running()) {
        daemon_.signal(SIGTERM);
        if (!daemon_.wait_for_exit(exit_timeout)) {
            problems = "isnsd (pid " + std::to_string(daemon_.pid()) + ") ignored SIGTERM; killed with SIGKILL";
            daemon_.kill_and_reap();
        }
    } else {
        problems = "isnsd (pid " + std::to_string(daemon_.pid()) + ") died before stop(), status " +
                   std::to_string(daemon_.wait_for_exit(0ms).value_or(-1)) + "; log:\n" + detail::tail_of(log_file());
    }
    daemon_ = child_process{};
    if (problems.empty())
        return AssertionSuccess();
    return AssertionFailure() << problems;
}

AssertionResult isnsd_process::restart()
{
    if (auto r = stop(); !r)
        return r;
    bool retry = false;
    return try_start(retry); // same port: the database and the clients' address stay
}

AssertionResult isnsd_process::isnsadm(std::vector<std::string> args, bool local) const
{
    // A config per call: isnsadm takes the source name from it.
    auto const conf = dir() / "isnsadm.conf";
    {
        std::ofstream out(conf);
        out << "SourceName = " << (local ? "isns.test.admin" : args.front()) << "\n"
            << "ServerAddress = 127.0.0.1:" << port_ << "\n"
            << "Security = 0\n"
            << "ControlSocket = " << (dir() / "isnsctl").string() << "\n";
    }
    if (!local)
        args.erase(args.begin());
    std::vector<std::string> argv{"isnsadm", "--config", conf.string()};
    if (local)
        argv.push_back("--local");
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_program(argv);
    if (!r.ok())
        return AssertionFailure() << r.describe(argv) << "\nisnsd log:\n" << detail::tail_of(log_file());
    return AssertionSuccess();
}

AssertionResult isnsd_process::register_targets(std::string const& entity, std::vector<portal_address> const& portals,
                                                std::vector<std::string> const& targets, std::optional<int> pgt)
{
    if (targets.empty())
        return AssertionFailure() << "register_targets needs a target";
    std::vector<std::string> args{targets.front(), "--register", "entity=" + entity};
    for (auto const& t : targets)
        args.push_back("target=" + t);
    for (auto const& p : portals)
        args.push_back("portal=" + p.host + ":" + std::to_string(p.port));
    if (pgt)
        args.push_back("pg,pgt=" + std::to_string(*pgt));
    return isnsadm(args, false);
}

AssertionResult isnsd_process::register_discovery_domain(std::string const& name,
                                                         std::vector<std::string> const& members)
{
    std::vector<std::string> args{"--dd-register", "dd-name=" + name};
    for (auto const& m : members)
        args.push_back("member-name=" + m);
    return isnsadm(args, true);
}

AssertionResult isnsd_process::deregister_entity(std::string const& entity)
{
    return isnsadm({"--deregister", "entity-id=" + entity}, true);
}

} // namespace iscsi::test
