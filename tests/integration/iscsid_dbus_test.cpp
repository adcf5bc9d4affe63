// iscsid's D-Bus API (docs/dbus-api.md) with real parts: tgtd on loopback,
// a private system bus from dbus-daemon with the bus policy of conf/dbus,
// polkitd where a test needs polkit's answer, and busctl and gdbus as the
// clients. Each test reads as what a desktop tool does over the bus.
#include "support/iscsid_env.hpp"
#include "support/isnsd_process.hpp"
#include "support/system_bus.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace iscsi::test;
using namespace std::chrono_literals;

constexpr char const* iqn = "iqn.2026-12.org.example.test:dbus";
constexpr char const* dest = "org.iscsiinitiator.Iscsid1";
constexpr char const* manager = "/org/iscsiinitiator/Iscsid1/Manager";
constexpr char const* manager_if = "org.iscsiinitiator.Iscsid1.Manager.ISCSI.Initiator";
constexpr char const* session_if = "org.iscsiinitiator.Iscsid1.ISCSI.Session";

class IscsidDbus : public isolated_test {
protected:
    tgtd_process tgt;
    system_bus bus;
    iscsid_env env{{.programs = {ISCSID_BIN, ISCSIADM_BIN, ISCSI_FUSE_BIN}}};

    /// Target, bus (with polkit when `polkit_rules` is given), then iscsid on it.
    void start(std::optional<chap_config> chap = std::nullopt, std::string const& polkit_rules = {})
    {
        ASSERT_TRUE(tgt.start());
        ASSERT_TRUE(tgt.add_target({.iqn = iqn, .size_mib = 16, .chap = chap}));
        ASSERT_TRUE(bus.start(polkit_rules));
        ASSERT_TRUE(env.prepare());
        env.set_variable("DBUS_SYSTEM_BUS_ADDRESS", bus.address());
        ASSERT_TRUE(env.start());
        ASSERT_TRUE(bus.wait_for_owner(dest, 10s)) << env.log();
    }
    void TearDown() override { (void)env.adm({"-m", "node", "-U", "all"}); }

    [[nodiscard]] std::string port() const { return std::to_string(tgt.portal().port); }
    /// Manager.METHOD with busctl's signature and arguments.
    run_result call(std::string const& method, std::vector<std::string> args = {}) const
    {
        args.insert(args.begin(), {"call", dest, manager, manager_if, method});
        return bus.busctl(args);
    }
    run_result call_as(std::string const& user, std::string const& method, std::vector<std::string> args = {}) const
    {
        args.insert(args.begin(), {"call", dest, manager, manager_if, method});
        return bus.busctl_as(user, args);
    }
    run_result discover() const { return call("DiscoverSendTargets", {"sqa{sv}", "127.0.0.1", port(), "0"}); }
    std::vector<std::string> node_args(std::vector<std::string> options = {"0"}) const
    {
        std::vector<std::string> a{"sisisa{sv}", iqn, "1", "127.0.0.1", port(), "default"};
        a.insert(a.end(), options.begin(), options.end());
        return a;
    }
    /// The first object path under /org/iscsiinitiator/Iscsid1/KIND (node,
    /// discovery, iscsi/session) the service lists; empty when none.
    [[nodiscard]] std::string first_path(std::string const& kind) const
    {
        auto const tree = bus.busctl({"tree", "--list", dest}).out;
        auto const prefix = "/org/iscsiinitiator/Iscsid1/" + kind;
        for (std::size_t at = 0, eol = 0; at < tree.size(); at = eol + 1) {
            eol = std::min(tree.find('\n', at), tree.size());
            if (tree.compare(at, prefix.size(), prefix) == 0)
                return tree.substr(at, eol - at);
        }
        return {};
    }
    [[nodiscard]] std::string first_session_path() const { return first_path("iscsi/session"); }
};

TEST_F(IscsidDbus, DiscoverLogInSeeTheSessionObjectAndLogOut)
{
    ASSERT_NO_FATAL_FAILURE(start());
    ASSERT_TRUE(bus.start_monitor(dest));
    auto name = call("GetInitiatorName");
    ASSERT_TRUE(name.ok()) << name.err;
    EXPECT_EQ(name.out, "s \"iqn.2026-12.org.example.test:host\"\n");

    // udisks2's (sisis) tuples and their count; the records are written.
    auto found = discover();
    ASSERT_TRUE(found.ok()) << found.err << env.log();
    EXPECT_EQ(found.out, "a(sisis)i 1 \"" + std::string(iqn) + "\" 1 \"127.0.0.1\" " + port() + " \"default\" 1\n");
    auto nodes = env.adm({"-m", "node"});
    EXPECT_NE(nodes.out.find(iqn), std::string::npos) << nodes.out;

    auto login = call("Login", node_args());
    ASSERT_TRUE(login.ok()) << login.err << env.log();
    EXPECT_TRUE(bus.wait_for_monitor("InterfacesAdded", 10s)) << bus.monitor_log();
    EXPECT_TRUE(bus.wait_for_monitor("'State': <'LOGGED_IN'>", 10s)) << bus.monitor_log();
    auto const path = first_session_path();
    ASSERT_FALSE(path.empty());
    auto target = bus.busctl({"get-property", dest, path, session_if, "target_name"});
    EXPECT_EQ(target.out, "s \"" + std::string(iqn) + "\"\n") << target.err;
    auto timeout = bus.busctl({"get-property", dest, path, session_if, "recovery_timeout"});
    EXPECT_EQ(timeout.out, "i 120\n") << timeout.err; // node.session.timeo.replacement_timeout
    EXPECT_NE(env.adm({"-m", "session"}).out.find(iqn), std::string::npos);

    // A second login of the same node is open-iscsi's "session exists".
    auto again = call("Login", node_args());
    EXPECT_FALSE(again.ok());
    EXPECT_NE(again.err.find("session exists"), std::string::npos) << again.err;

    auto logout = bus.busctl({"call", dest, path, session_if, "Logout", "a{sv}", "0"});
    ASSERT_TRUE(logout.ok()) << logout.err << env.log();
    EXPECT_TRUE(bus.wait_for_monitor("InterfacesRemoved", 10s)) << bus.monitor_log();
    EXPECT_EQ(env.adm({"-m", "session"}).exit_code, 21); // no active sessions
    EXPECT_TRUE(first_session_path().empty());
}

TEST_F(IscsidDbus, StateFollowsASessionThatLosesItsTargetAndRecovers)
{
    ASSERT_NO_FATAL_FAILURE(start());
    ASSERT_TRUE(bus.start_monitor(dest));
    ASSERT_TRUE(discover().ok());
    ASSERT_TRUE(call("Login", node_args()).ok()) << env.log();
    ASSERT_TRUE(bus.wait_for_monitor("'State': <'LOGGED_IN'>", 10s)) << bus.monitor_log();
    auto const path = first_session_path();
    // tgtd dies: the connection closes, the session starts recovering...
    ASSERT_TRUE(tgt.kill());
    EXPECT_TRUE(bus.wait_for_monitor("PropertiesChanged ('org.iscsiinitiator.Iscsid1.ISCSI.Session', {'State': "
                                     "<'RECOVERING'>}",
                                     30s))
        << bus.monitor_log() << env.log();
    EXPECT_EQ(bus.busctl({"get-property", dest, path, session_if, "State"}).out, "s \"RECOVERING\"\n");
    // ...and is whole again once tgtd is back (DefaultTime2Wait, reconnects).
    ASSERT_TRUE(tgt.restart());
    EXPECT_TRUE(bus.wait_for_monitor("{'State': <'LOGGED_IN'>}", 60s)) << bus.monitor_log() << env.log();
    EXPECT_EQ(bus.busctl({"get-property", dest, path, session_if, "State"}).out, "s \"LOGGED_IN\"\n");
}

TEST_F(IscsidDbus, LoginOptionsSetChapAndNodeKeysInTheRecord)
{
    ASSERT_NO_FATAL_FAILURE(start(chap_config{.initiator = {"dbususer", "dbus-secret-123"}}));
    ASSERT_TRUE(discover().ok());
    auto login = call("Login", node_args({"3", "username", "s", "dbususer", "password", "s", "dbus-secret-123",
                                          "node.startup", "s", "automatic"}));
    ASSERT_TRUE(login.ok()) << login.err << env.log();
    auto rec = env.adm({"-m", "node", "-T", iqn, "-p", "127.0.0.1:" + port(), "-S"});
    EXPECT_NE(rec.out.find("node.session.auth.username = dbususer\n"), std::string::npos) << rec.out;
    EXPECT_NE(rec.out.find("node.startup = automatic\n"), std::string::npos) << rec.out;
    // The secret is in the record (0600) for recovery, never in the log.
    EXPECT_EQ(env.log().find("dbus-secret-123"), std::string::npos);
}

TEST_F(IscsidDbus, AWrongChapSecretSaysInitiatorFailedAuthorization)
{
    ASSERT_NO_FATAL_FAILURE(start(chap_config{.initiator = {"dbususer", "dbus-secret-123"}}));
    ASSERT_TRUE(discover().ok());
    auto login = call("Login", node_args({"2", "username", "s", "dbususer", "password", "s", "not-the-secret"}));
    EXPECT_FALSE(login.ok());
    // Cockpit marks the password field when it sees these words.
    EXPECT_NE(login.err.find("initiator failed authorization"), std::string::npos) << login.err;
    EXPECT_TRUE(first_session_path().empty());
}

TEST_F(IscsidDbus, AnUnprivilegedCallerReadsButCannotChangeAnything)
{
    ASSERT_NO_FATAL_FAILURE(start()); // no polkit on this bus: only root may change things
    auto name = call_as("nobody", "GetInitiatorName");
    EXPECT_TRUE(name.ok()) << name.err;
    auto found = call_as("nobody", "DiscoverSendTargets", {"sqa{sv}", "127.0.0.1", port(), "0"});
    EXPECT_FALSE(found.ok());
    EXPECT_NE(found.err.find("Access denied"), std::string::npos) << found.err;
    EXPECT_EQ(env.adm({"-m", "node"}).exit_code, 21) << "a refused discovery wrote records";
    ASSERT_TRUE(discover().ok());
    auto login = call_as("nobody", "Login", node_args());
    EXPECT_FALSE(login.ok());
    EXPECT_NE(login.err.find("Access denied"), std::string::npos) << login.err;
    auto rename = call_as("nobody", "SetInitiatorName", {"sa{sv}", "iqn.2026-12.org.example:evil", "0"});
    EXPECT_FALSE(rename.ok());
    EXPECT_EQ(call("GetInitiatorName").out, "s \"iqn.2026-12.org.example.test:host\"\n");
    EXPECT_TRUE(first_session_path().empty());
}

TEST_F(IscsidDbus, PolkitDecidesForUsersOtherThanRoot)
{
    // polkitd with a rule: nobody may manage iSCSI; for anyone else the
    // action's defaults (auth_admin) hold, and with no agent that is a no.
    ASSERT_NO_FATAL_FAILURE(start(std::nullopt, "polkit.addRule(function(action, subject) {\n"
                                                "  if (action.id == 'org.iscsiinitiator.Iscsid1.manage-iscsi' &&\n"
                                                "      subject.user == 'nobody')\n"
                                                "    return polkit.Result.YES;\n"
                                                "});\n"));
    auto found = call_as("nobody", "DiscoverSendTargets", {"sqa{sv}", "127.0.0.1", port(), "0"});
    ASSERT_TRUE(found.ok()) << found.err << env.log();
    auto login = call_as("nobody", "Login", node_args());
    ASSERT_TRUE(login.ok()) << login.err << env.log();
    EXPECT_FALSE(first_session_path().empty());
    auto logout = call_as("daemon", "Logout", node_args());
    EXPECT_FALSE(logout.ok());
    EXPECT_NE(logout.err.find("Access denied"), std::string::npos) << logout.err;
    EXPECT_FALSE(first_session_path().empty());
    EXPECT_TRUE(call_as("nobody", "Logout", node_args()).ok());
}

TEST_F(IscsidDbus, EveryMethodThatChangesSomethingIsRefusedToAnUnprivilegedCaller)
{
    ASSERT_NO_FATAL_FAILURE(start()); // no polkit on this bus: only root may change things
    ASSERT_TRUE(discover().ok());
    ASSERT_TRUE(call("Login", node_args()).ok()) << env.log();
    auto const node = first_path("node/"), disc = first_path("discovery/"), session = first_session_path();
    ASSERT_FALSE(node.empty());
    ASSERT_FALSE(disc.empty());
    ASSERT_FALSE(session.empty());
    auto const before = env.adm({"-m", "node", "-T", iqn, "-p", "127.0.0.1:" + port(), "-S"}).out;

    constexpr char const* node_if = "org.iscsiinitiator.Iscsid1.Node";
    constexpr char const* disc_if = "org.iscsiinitiator.Iscsid1.Discovery";
    std::vector<std::vector<std::string>> const calls = {
        {manager, manager_if, "SetInitiatorName", "sa{sv}", "iqn.2026-12.org.example:evil", "0"},
        {manager, manager_if, "DiscoverSendTargets", "sqa{sv}", "127.0.0.1", port(), "0"},
        {manager, manager_if, "DiscoverISNS", "sqa{sv}", "127.0.0.1", "3205", "0"},
        {manager, manager_if, "Login", "sisisa{sv}", iqn, "1", "127.0.0.1", port(), "default", "0"},
        {manager, manager_if, "Logout", "sisisa{sv}", iqn, "1", "127.0.0.1", port(), "default", "0"},
        {node, node_if, "Update", "a{sv}", "1", "node.startup", "s", "automatic"},
        {node, node_if, "Login", "a{sv}", "0"},
        {node, node_if, "Logout", "a{sv}", "0"},
        {node, node_if, "Delete"},
        {disc, disc_if, "Discover", "a{sv}", "0"},
        {disc, disc_if, "Delete"},
        {session, session_if, "Logout", "a{sv}", "0"},
        {session, session_if, "LogoutInterface", "sa{sv}", "default", "0"},
    };
    for (auto const& c : calls) {
        std::vector<std::string> args{"call", dest};
        args.insert(args.end(), c.begin(), c.end());
        auto const refused = bus.busctl_as("nobody", args);
        EXPECT_FALSE(refused.ok()) << c[2];
        EXPECT_NE(refused.err.find("Access denied"), std::string::npos) << c[2] << ": " << refused.err;
    }
    // Nothing changed: the session, the record (secrets included) and the name.
    EXPECT_EQ(first_session_path(), session);
    EXPECT_EQ(env.adm({"-m", "node", "-T", iqn, "-p", "127.0.0.1:" + port(), "-S"}).out, before);
    EXPECT_FALSE(first_path("discovery/").empty());
    EXPECT_EQ(call("GetInitiatorName").out, "s \"iqn.2026-12.org.example.test:host\"\n");
}

TEST_F(IscsidDbus, BadArgumentsGetAnErrorAndTheDaemonCarriesOn)
{
    ASSERT_NO_FATAL_FAILURE(start());
    auto sig = call("Login", {"sis", iqn, "1", "127.0.0.1"});
    EXPECT_NE(sig.err.find("Invalid arguments"), std::string::npos) << sig.err;
    auto type = call("Login", node_args({"1", "username", "i", "5"}));
    EXPECT_NE(type.err.find("option username must be a string"), std::string::npos) << type.err;
    ASSERT_TRUE(discover().ok());
    auto key = call("Login", node_args({"1", "node.name", "s", "iqn.2026-12.org.example:other"}));
    EXPECT_NE(key.err.find("option node.name is not a node setting that can be changed"), std::string::npos)
        << key.err;
    auto value = call("Login", node_args({"1", "node.session.timeo.replacement_timeout", "s", "soon"}));
    EXPECT_NE(value.err.find("is not valid"), std::string::npos) << value.err;
    // A line break in a secret would add a line of its own to the record file.
    auto lines = call("Login", node_args({"1", "password", "s", "a-secret\nnode.startup = automatic"}));
    EXPECT_NE(lines.err.find("option password: the value is not valid"), std::string::npos) << lines.err;
    EXPECT_EQ(lines.err.find("a-secret"), std::string::npos) << "the refused secret was echoed";
    auto missing = call("Login", {"sisisa{sv}", "iqn.2026-12.org.example:absent", "1", "127.0.0.1", port(), "", "0"});
    EXPECT_NE(missing.err.find("no record found"), std::string::npos) << missing.err;
    auto port0 = call("Login", {"sisisa{sv}", iqn, "1", "127.0.0.1", "70000", "", "0"});
    EXPECT_NE(port0.err.find("out of range"), std::string::npos) << port0.err;
    auto name = call("SetInitiatorName", {"sa{sv}", "not an iscsi name", "0"});
    EXPECT_NE(name.err.find("not an iSCSI name"), std::string::npos) << name.err;
    auto discopt = call("DiscoverSendTargets", {"sqa{sv}", "127.0.0.1", port(), "1", "node.startup", "s", "manual"});
    EXPECT_NE(discopt.err.find("not a discovery option"), std::string::npos) << discopt.err;
    // Nothing listens on port 1 here: iscsiadm's words after its retries.
    std::ofstream(env.dir() / "etc/iscsid.conf") << "discovery.sendtargets.reopen_max = 1\n";
    auto refused = call("DiscoverSendTargets", {"sqa{sv}", "127.0.0.1", "1", "0"});
    EXPECT_NE(refused.err.find("connection login retries (reopen_max) 1 exceeded"), std::string::npos) << refused.err;
    auto nohost = call("DiscoverSendTargets", {"sqa{sv}", "no-such-host.invalid", "3260", "0"});
    EXPECT_NE(nohost.err.find("cannot resolve host name"), std::string::npos) << nohost.err;
    auto gone = bus.busctl({"call", dest, "/org/iscsiinitiator/Iscsid1/iscsi/session999", session_if, "Logout",
                            "a{sv}", "0"});
    EXPECT_FALSE(gone.ok());
    // Still serving, and no half-written record came of it.
    EXPECT_TRUE(call("GetInitiatorName").ok()) << env.log();
    auto rec = env.adm({"-m", "node", "-T", iqn, "-p", "127.0.0.1:" + port()});
    EXPECT_NE(rec.out.find("node.session.timeo.replacement_timeout = 120\n"), std::string::npos) << rec.out;
    EXPECT_NE(rec.out.find("node.startup = manual\n"), std::string::npos) << rec.out;
}

TEST_F(IscsidDbus, NodeAndDiscoveryObjectsAreTheDatabasesRecords)
{
    ASSERT_NO_FATAL_FAILURE(start(chap_config{.initiator = {"dbususer", "dbus-secret-123"}}));
    ASSERT_TRUE(discover().ok());
    auto const node = first_path("node/");
    auto const disc = first_path("discovery/");
    ASSERT_FALSE(node.empty());
    ASSERT_FALSE(disc.empty());
    constexpr char const* node_if = "org.iscsiinitiator.Iscsid1.Node";
    constexpr char const* disc_if = "org.iscsiinitiator.Iscsid1.Discovery";
    EXPECT_EQ(bus.busctl({"get-property", dest, node, node_if, "target_name"}).out, "s \"" + std::string(iqn) + "\"\n");
    EXPECT_EQ(bus.busctl({"get-property", dest, disc, disc_if, "Type"}).out, "s \"sendtargets\"\n");

    // Update: an open-iscsi key, and CHAP as udisks2 names it; the secret
    // is masked in GetSettings like -m node -T -p masks it.
    auto update = bus.busctl({"call", dest, node, node_if, "Update", "a{sv}", "3", "node.startup", "s", "automatic",
                              "username", "s", "dbususer", "password", "s", "dbus-secret-123"});
    ASSERT_TRUE(update.ok()) << update.err;
    EXPECT_EQ(bus.busctl({"get-property", dest, node, node_if, "Startup"}).out, "s \"automatic\"\n");
    auto settings = bus.busctl({"call", dest, node, node_if, "GetSettings"});
    EXPECT_NE(settings.out.find("\"node.session.auth.password\" \"********\""), std::string::npos) << settings.out;
    EXPECT_EQ(settings.out.find("dbus-secret-123"), std::string::npos);
    EXPECT_EQ(bus.busctl_as("nobody", {"call", dest, node, node_if, "Update", "a{sv}", "1", "node.startup", "s",
                                       "manual"})
                  .exit_code,
              1);

    // Log in through the node object; its record cannot go while in use.
    ASSERT_TRUE(bus.busctl({"call", dest, node, node_if, "Login", "a{sv}", "0"}).ok()) << env.log();
    auto busy = bus.busctl({"call", dest, node, node_if, "Delete"});
    EXPECT_NE(busy.err.find("log out first"), std::string::npos) << busy.err;
    ASSERT_TRUE(bus.busctl({"call", dest, node, node_if, "Logout", "a{sv}", "0"}).ok());

    // Discover again through the discovery object, then delete it and
    // the records it found, as iscsiadm -m discoverydb -o delete does.
    auto again = bus.busctl({"call", dest, disc, disc_if, "Discover", "a{sv}", "0"});
    EXPECT_NE(again.out.find(iqn), std::string::npos) << again.err;
    ASSERT_TRUE(bus.busctl({"call", dest, disc, disc_if, "Delete"}).ok());
    EXPECT_EQ(env.adm({"-m", "node"}).exit_code, 21);
    EXPECT_EQ(bus.busctl({"tree", "--list", dest}).out.find("/node/"), std::string::npos);
}

TEST_F(IscsidDbus, IsnsDiscoveryThroughTheBus)
{
    ASSERT_NO_FATAL_FAILURE(start());
    isnsd_process isns;
    ASSERT_TRUE(isns.start());
    ASSERT_TRUE(isns.register_targets("tgt", {tgt.portal()}, {iqn}));
    auto found = call("DiscoverISNS", {"sqa{sv}", "127.0.0.1", std::to_string(isns.portal().port), "0"});
    ASSERT_TRUE(found.ok()) << found.err << env.log();
    EXPECT_EQ(found.out, "a(sisis)i 1 \"" + std::string(iqn) + "\" 1 \"127.0.0.1\" " + port() + " \"default\" 1\n");
    EXPECT_NE(env.adm({"-m", "node"}).out.find(iqn), std::string::npos);
    ASSERT_TRUE(call("Login", node_args()).ok()) << env.log();
}

TEST_F(IscsidDbus, SetInitiatorNameKeepsTheAlias)
{
    ASSERT_NO_FATAL_FAILURE(start());
    auto const file = env.dir() / "etc/initiatorname.iscsi";
    std::ofstream(file) << "InitiatorName=iqn.2026-12.org.example.test:host\nInitiatorAlias=desk\n";
    auto set = call("SetInitiatorName", {"sa{sv}", "iqn.2026-12.org.example.test:renamed", "0"});
    ASSERT_TRUE(set.ok()) << set.err;
    EXPECT_EQ(call("GetInitiatorName").out, "s \"iqn.2026-12.org.example.test:renamed\"\n");
    EXPECT_EQ(call("GetInitiatorNameRaw").out, "s \"iqn.2026-12.org.example.test:renamed\"\n");
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("InitiatorAlias=desk"), std::string::npos) << text;
}

} // namespace

namespace {

/// The `<method name=` and `<property name=` of `interface` in an XML text.
std::vector<std::string> members_of(std::string const& xml, std::string const& interface)
{
    std::vector<std::string> out;
    auto const begin = xml.find("<interface name=\"" + interface + "\"");
    if (begin == std::string::npos)
        return out;
    auto const end = xml.find("</interface>", begin);
    for (std::string const tag : {"<method name=\"", "<property name=\"", "<signal name=\""})
        for (auto at = xml.find(tag, begin); at < end; at = xml.find(tag, at + 1))
            out.push_back(xml.substr(at + 1, xml.find('"', at + tag.size()) - at - 1));
    std::sort(out.begin(), out.end());
    return out;
}

TEST_F(IscsidDbus, TheIntrospectionFileNamesWhatTheDaemonServes)
{
    ASSERT_NO_FATAL_FAILURE(start());
    ASSERT_TRUE(discover().ok());
    ASSERT_TRUE(call("Login", node_args()).ok());
    std::ifstream in(std::string(ISCSI_TEST_FIXTURES) + "/../../docs/org.iscsiinitiator.Iscsid1.xml");
    std::string const shipped((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(shipped.empty());
    auto live_manager = bus.busctl({"introspect", "--xml-interface", dest, manager});
    auto live_session = bus.busctl({"introspect", "--xml-interface", dest, first_session_path()});
    auto const want_manager = members_of(shipped, manager_if);
    auto const want_session = members_of(shipped, session_if);
    EXPECT_EQ(want_manager.size(), 10U);
    EXPECT_EQ(members_of(live_manager.out, manager_if), want_manager) << live_manager.out;
    EXPECT_EQ(members_of(live_session.out, session_if), want_session) << live_session.out;
    // A node and a discovery object: the first of each in the tree.
    auto const tree = bus.busctl({"tree", "--list", dest}).out;
    for (std::string const kind : {"node", "discovery"}) {
        auto const at = tree.find("/org/iscsiinitiator/Iscsid1/" + kind + "/");
        ASSERT_NE(at, std::string::npos) << tree;
        auto const path = tree.substr(at, tree.find('\n', at) - at);
        std::string const interface = kind == "node" ? "org.iscsiinitiator.Iscsid1.Node"
                                                     : "org.iscsiinitiator.Iscsid1.Discovery";
        auto live = bus.busctl({"introspect", "--xml-interface", dest, path});
        EXPECT_FALSE(members_of(shipped, interface).empty());
        EXPECT_EQ(members_of(live.out, interface), members_of(shipped, interface)) << live.out;
    }
}

} // namespace
