#include "system_bus.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <thread>

#ifndef ISCSI_CONF_DIR
#error "ISCSI_CONF_DIR (the source tree's conf/) must be defined"
#endif

namespace iscsi::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string read_file(fs::path const& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// What a Debian system bus allows by default (system.conf), in short:
/// anyone may connect; method calls only where a policy allows them.
constexpr char const* default_policy = R"(  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_destination="org.freedesktop.DBus"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
)";

} // namespace

system_bus::~system_bus()
{
    for (auto* c : {&monitor_, &polkitd_, &daemon_})
        if (c->started() && c->running()) {
            c->signal(SIGTERM);
            if (!c->wait_for_exit(5s))
                c->kill_and_reap();
        }
    for (auto it = mounts_.rbegin(); it != mounts_.rend(); ++it)
        ::umount2(it->c_str(), MNT_DETACH);
}

::testing::AssertionResult system_bus::write_config() const
{
    std::ofstream conf(dir() / "bus.conf");
    conf << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
            " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n<busconfig>\n"
         << "  <type>system</type>\n  <listen>unix:path=" << (dir() / "bus").string() << "</listen>\n"
         << "  <auth>EXTERNAL</auth>\n"
         << default_policy << "  <include>" << ISCSI_CONF_DIR << "/dbus/org.iscsiinitiator.Iscsid1.conf</include>\n"
         << "  <include ignore_missing=\"yes\">/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf</include>\n"
         << "</busconfig>\n";
    if (!conf)
        return ::testing::AssertionFailure() << "cannot write " << (dir() / "bus.conf");
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult system_bus::start(std::string const& polkit_rules)
{
    if (auto iso = check_isolation(); !iso)
        return iso;
    if (dir().empty())
        return ::testing::AssertionFailure() << "no temp dir";
    // Clients of other users (busctl_as) must reach the socket.
    ::chmod(dir().c_str(), 0755);
    if (auto w = write_config(); !w)
        return w;
    auto const bin = find_program("dbus-daemon");
    if (!bin)
        return ::testing::AssertionFailure() << "dbus-daemon not found (Debian package dbus-daemon)";
    std::string error;
    daemon_ = child_process::spawn({bin->string(), "--config-file=" + (dir() / "bus.conf").string(), "--nofork",
                                    "--nopidfile"},
                                   dir() / "dbus-daemon.log", error);
    if (!daemon_.started())
        return ::testing::AssertionFailure() << error;
    for (int i = 0; i < 250 && !fs::exists(dir() / "bus"); ++i)
        std::this_thread::sleep_for(20ms);
    if (!fs::exists(dir() / "bus"))
        return ::testing::AssertionFailure() << "dbus-daemon made no socket: " << read_file(dir() / "dbus-daemon.log");
    if (polkit_rules.empty())
        return ::testing::AssertionSuccess();
    return start_polkit(polkit_rules);
}

::testing::AssertionResult system_bus::start_polkit(std::string const& rules)
{
    fs::path const actions = dir() / "polkit-actions", rules_dir = dir() / "polkit-rules";
    std::error_code ec;
    fs::create_directories(actions, ec);
    fs::create_directories(rules_dir, ec);
    for (auto const& e : fs::directory_iterator("/usr/share/polkit-1/actions", ec))
        fs::copy_file(e.path(), actions / e.path().filename(), ec);
    fs::copy_file(fs::path(ISCSI_CONF_DIR) / "polkit/org.iscsiinitiator.Iscsid1.policy",
                  actions / "org.iscsiinitiator.Iscsid1.policy", fs::copy_options::overwrite_existing, ec);
    if (ec)
        return ::testing::AssertionFailure() << "cannot copy the polkit actions: " << ec.message();
    std::ofstream(rules_dir / "50-test.rules") << rules;
    for (auto const& p : {actions, rules_dir})
        ::chmod(p.c_str(), 0755);
    for (auto const& [from, to] : {std::pair{actions, fs::path("/usr/share/polkit-1/actions")},
                                   std::pair{rules_dir, fs::path("/etc/polkit-1/rules.d")}}) {
        if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) != 0)
            return ::testing::AssertionFailure() << "cannot bind-mount " << from << " on " << to << ": "
                                                 << std::strerror(errno);
        mounts_.push_back(to);
    }
    std::string error; // polkitd's GDBus finds the bus through the variable
    polkitd_ = child_process::spawn({"env", "DBUS_SYSTEM_BUS_ADDRESS=" + address(), "/usr/lib/polkit-1/polkitd",
                                     "--no-debug"},
                                    dir() / "polkitd.log", error);
    if (!polkitd_.started())
        return ::testing::AssertionFailure() << error;
    if (wait_for_owner("org.freedesktop.PolicyKit1", 5s))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "polkitd did not take its name: " << read_file(dir() / "polkitd.log");
}

bool system_bus::has_owner(std::string const& name) const
{
    auto r = busctl({"call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
                     "s", name});
    return r.ok() && r.out == "b true\n";
}

bool system_bus::wait_for_owner(std::string const& name, std::chrono::milliseconds timeout) const
{
    auto const until = std::chrono::steady_clock::now() + timeout;
    while (!has_owner(name)) {
        if (std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

run_result system_bus::busctl(std::vector<std::string> args) const
{
    args.insert(args.begin(), {"busctl", "--address=" + address()});
    return run_program(args, 60s);
}

run_result system_bus::busctl_as(std::string const& user, std::vector<std::string> args) const
{
    std::string const group = user == "nobody" ? "nogroup" : user; // Debian's pairs
    args.insert(args.begin(), {"setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups", "busctl",
                               "--address=" + address()});
    return run_program(args, 60s);
}

::testing::AssertionResult system_bus::start_monitor(std::string const& name)
{
    std::string error;
    monitor_ = child_process::spawn({"gdbus", "monitor", "--address", address(), "--dest", name},
                                    dir() / "monitor.log", error);
    if (!monitor_.started())
        return ::testing::AssertionFailure() << error;
    // gdbus says so once it watches the name.
    if (!wait_for_monitor("Monitoring", 5s))
        return ::testing::AssertionFailure() << "gdbus monitor did not start: " << monitor_log();
    return ::testing::AssertionSuccess();
}

bool system_bus::wait_for_monitor(std::string const& text, std::chrono::milliseconds timeout) const
{
    auto const until = std::chrono::steady_clock::now() + timeout;
    while (monitor_log().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > until)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

std::string system_bus::monitor_log() const { return read_file(dir() / "monitor.log"); }

} // namespace iscsi::test
