// iscsid's iSNS client (RFC 4171) against open-isns's isnsd and tgtd's own
// iSNS client: with an iSNS discovery record that says
// discovery.isns.use_discoveryd = Yes, iscsid registers, and a target that
// registers afterwards reaches it as a State Change Notification: a node
// record appears and, node.startup being automatic, a session (user space
// here: this kernel has no iscsi_tcp). An isnsd restart is survived.
#include "support/iscsid_env.hpp"
#include "support/isnsd_process.hpp"
#include "support/isolation.hpp"
#include "support/subprocess.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <thread>

#if defined(ISCSID_BIN) && defined(ISCSI_FUSE_BIN)
namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
constexpr char const* first_iqn = "iqn.2026-12.org.example.test:isns-first";
constexpr char const* second_iqn = "iqn.2026-12.org.example.test:isns-second";

class IscsidIsns : public isolated_test {
protected:
    isnsd_process isnsd;
    tgtd_process tgt;
    iscsid_env env{{.programs = {ISCSID_BIN, ISCSIADM_BIN, ISCSI_FUSE_BIN},
                    .iscsid_conf = "node.startup = automatic\n"}};

    void SetUp() override
    {
        isolated_test::SetUp();
        ASSERT_TRUE(isnsd.start());
        ASSERT_TRUE(tgt.start());
        // tgt's iSNS client, on before any target exists (README.iscsi).
        for (auto const& [name, value] : {std::pair<std::string, std::string>{"iSNSServerIP", "127.0.0.1"},
                                          {"iSNSServerPort", std::to_string(isnsd.portal().port)},
                                          {"iSNS", "On"}})
            ASSERT_TRUE(tgt.tgtadm_ok({"--op", "update", "--mode", "sys", "--name", name, "-v", value}));

        ASSERT_TRUE(env.prepare());
        auto const server = isnsd.portal().to_string();
        auto r = adm({"-m", "discoverydb", "-t", "isns", "-p", server, "-o", "new"});
        ASSERT_TRUE(r.ok()) << r.err;
        r = adm({"-m", "discoverydb", "-t", "isns", "-p", server, "-o", "update", "-n",
                 "discovery.isns.use_discoveryd", "-v", "Yes"});
        ASSERT_TRUE(r.ok()) << r.err;
        ASSERT_TRUE(env.start());
        // Registered, and the first query (nothing there yet) done: what
        // comes later can only come through an SCN.
        ASSERT_TRUE(wait_for([&] { return log().find(": 0 target(s) visible") != std::string::npos; }, 20s))
            << log();
    }
    void TearDown() override
    {
        // isnsd first: open-isns 0.101 does not ignore SIGPIPE and dies
        // writing an SCN to an iscsid that has gone (tgtd deregistering its
        // targets as it stops would make it do so).
        EXPECT_TRUE(isnsd.stop());
        (void)adm({"-m", "node", "-U", "all"});
        EXPECT_TRUE(env.stop());
    }
    run_result adm(std::vector<std::string> args) const { return env.adm(std::move(args)); }
    std::string log() const { return env.log(); }
    static bool wait_for(std::function<bool()> const& done, std::chrono::seconds limit)
    {
        auto const deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (done())
                return true;
            std::this_thread::sleep_for(100ms);
        }
        return done();
    }
    bool has_session(std::string const& iqn) const
    {
        auto r = adm({"-m", "session"});
        return r.ok() && r.out.find(iqn) != std::string::npos;
    }
    std::size_t registrations() const
    {
        std::size_t n = 0;
        auto const text = log();
        for (auto at = text.find("registered with iSNS server"); at != std::string::npos;
             at = text.find("registered with iSNS server", at + 1))
            ++n;
        return n;
    }
};

TEST_F(IscsidIsns, ATargetRegisteredLaterIsLoggedInToThroughAnScn)
{
    // iscsid registered before the target existed; tgtd registers it now.
    ASSERT_TRUE(tgt.add_target({.iqn = first_iqn, .size_mib = 16}));
    ASSERT_TRUE(wait_for([&] { return has_session(first_iqn); }, 30s)) << log();
    auto r = adm({"-m", "node", "-T", first_iqn, "-p", tgt.portal().to_string()});
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_NE(r.out.find("node.discovery_type = isns"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("node.startup = automatic"), std::string::npos) << "iscsid.conf's default";
    EXPECT_NE(r.out.find("node.discovery_port = " + std::to_string(isnsd.portal().port)), std::string::npos);
    // Linked from the iSNS discovery record, as -m discoverydb -D does.
    auto const links = env.dir() / "etc/isns" / ("127.0.0.1," + std::to_string(isnsd.portal().port));
    EXPECT_TRUE(fs::is_symlink(links / (std::string(first_iqn) + ",127.0.0.1," +
                                        std::to_string(tgt.portal().port) + ",1,default")));
}

TEST_F(IscsidIsns, ATargetThatLeavesIsUnlinkedAndItsRecordKept)
{
    // Registered by isnsadm at a portal nobody serves: the record appears
    // (its automatic login fails), then the entity deregisters.
    ASSERT_TRUE(isnsd.register_targets("leaving", {{"127.0.0.1", 3299}}, {second_iqn}));
    auto const link = env.dir() / "etc/isns" / ("127.0.0.1," + std::to_string(isnsd.portal().port)) /
                      (std::string(second_iqn) + ",127.0.0.1,3299,1,default");
    ASSERT_TRUE(wait_for([&] { return fs::is_symlink(link); }, 30s)) << log();
    ASSERT_TRUE(isnsd.deregister_entity("leaving"));
    ASSERT_TRUE(wait_for([&] { return !fs::is_symlink(link); }, 30s)) << log();
    // iscsid logs it just after removing the link: wait for the line too
    // (reading the log at once failed about one run in 25).
    EXPECT_TRUE(wait_for([&] { return log().find("no longer reports " + std::string(second_iqn)) != std::string::npos; },
                         10s))
        << log();
    auto r = adm({"-m", "node", "-T", second_iqn, "-p", "127.0.0.1:3299"});
    EXPECT_TRUE(r.ok()) << "the record stays: " << r.err;
}

TEST_F(IscsidIsns, APollIntervalQueriesWithoutNotifications)
{
    // discovery.isns.discoveryd_poll_inval = 1: iscsid asks every second.
    auto const server = isnsd.portal().to_string();
    auto r = adm({"-m", "discoverydb", "-t", "isns", "-p", server, "-o", "update", "-n",
                  "discovery.isns.discoveryd_poll_inval", "-v", "1"});
    ASSERT_TRUE(r.ok()) << r.err;
    env.signal(SIGHUP); // reload: the record's new setting
    auto count = [&] {
        std::size_t n = 0;
        auto const text = log();
        for (auto at = text.find("target(s) visible"); at != std::string::npos; at = text.find("target(s) visible", at + 1))
            ++n;
        return n;
    };
    auto const before = count();
    ASSERT_TRUE(wait_for([&] { return count() >= before + 3; }, 15s)) << log();
}

TEST_F(IscsidIsns, AnIsnsdRestartIsSurvived)
{
    ASSERT_TRUE(tgt.add_target({.iqn = first_iqn, .size_mib = 16}));
    ASSERT_TRUE(wait_for([&] { return has_session(first_iqn); }, 30s)) << log();
    auto const before = registrations();
    ASSERT_TRUE(isnsd.restart());
    // iscsid notices the closed connection and registers again (5 s apart).
    ASSERT_TRUE(wait_for([&] { return registrations() > before; }, 30s)) << log();
    // What registers after the restart still reaches iscsid.
    ASSERT_TRUE(tgt.add_target({.iqn = second_iqn, .size_mib = 16}));
    ASSERT_TRUE(wait_for([&] { return has_session(second_iqn); }, 30s)) << log();
    EXPECT_TRUE(has_session(first_iqn)) << "the first session is untouched";
}

} // namespace
} // namespace iscsi::test
#endif
