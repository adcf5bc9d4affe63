#pragma once
// A private system bus for D-Bus tests: a real dbus-daemon (Debian package
// dbus-daemon) of type "system" listening on a socket in a temp dir, with
// the bus policy of conf/dbus (the file a machine installs) and, when
// asked, a real polkitd (polkitd) on it with the project's polkit action
// and a rules file of the test's. Clients are real too: busctl (systemd)
// and gdbus (libglib2.0-bin). Nothing touches the machine's bus: every
// client gets the private address.
//
//   iscsi::test::system_bus bus;
//   ASSERT_TRUE(bus.start());
//   ::setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.address().c_str(), 1);  // for the daemon
//   auto r = bus.busctl({"call", "org.example", "/", "org.example.I", "M"});
//
// polkitd reads its actions and rules from fixed directories, so start()
// with a rule bind-mounts temp copies over /usr/share/polkit-1/actions and
// /etc/polkit-1/rules.d: only inside a private mount namespace
// (scripts/in-netns, which check_isolation() verifies), and undone by the
// destructor.
#include "subprocess.hpp"
#include "isolation.hpp"

#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace iscsi::test {

class system_bus {
public:
    system_bus() = default;
    system_bus(system_bus const&) = delete;
    system_bus& operator=(system_bus const&) = delete;
    ~system_bus();

    /// Starts dbus-daemon; with a non-empty `polkit_rules` (JavaScript for
    /// /etc/polkit-1/rules.d) also polkitd, and waits until it owns its name.
    ::testing::AssertionResult start(std::string const& polkit_rules = {});

    /// "unix:path=/tmp/.../bus".
    [[nodiscard]] std::string address() const { return "unix:path=" + (dir_.path() / "bus").string(); }
    /// Whether `name` has an owner on the bus (NameHasOwner).
    [[nodiscard]] bool has_owner(std::string const& name) const;
    /// Waits (bounded) until `name` has an owner.
    [[nodiscard]] bool wait_for_owner(std::string const& name, std::chrono::milliseconds timeout) const;
    /// busctl --address=... ARGS, as root.
    [[nodiscard]] run_result busctl(std::vector<std::string> args) const;
    /// The same as user `user` (setpriv: no capabilities, no groups).
    [[nodiscard]] run_result busctl_as(std::string const& user, std::vector<std::string> args) const;

    /// `gdbus monitor` of one bus name, into a log; wait_for_monitor()
    /// waits (bounded) until the log has `text`.
    ::testing::AssertionResult start_monitor(std::string const& name);
    [[nodiscard]] bool wait_for_monitor(std::string const& text, std::chrono::milliseconds timeout) const;
    [[nodiscard]] std::string monitor_log() const;
    [[nodiscard]] std::filesystem::path const& dir() const { return dir_.path(); }

private:
    ::testing::AssertionResult write_config() const;
    ::testing::AssertionResult start_polkit(std::string const& rules);

    temp_dir dir_; // destroyed last
    child_process daemon_, polkitd_, monitor_;
    std::vector<std::filesystem::path> mounts_;
};

} // namespace iscsi::test
