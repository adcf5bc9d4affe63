// SendTargets discovery against a real tgtd (RFC 7143 §12.3, Appendix C).
#include "iscsi/login/errors.hpp"
#include "support/initiator_client.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iscsi::test {
namespace {

class TgtDiscovery : public isolated_test {
protected:
    void SetUp() override
    {
        isolated_test::SetUp();
        ASSERT_TRUE(tgt.start());
        ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2026-11.org.example.test:a", .size_mib = 0}));
        ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2026-11.org.example.test:b", .size_mib = 0}));
    }

    static std::vector<std::string> names(std::vector<discovery::target_record> const& targets)
    {
        std::vector<std::string> n;
        for (auto const& t : targets) n.push_back(t.name);
        std::sort(n.begin(), n.end());
        return n;
    }

    tgtd_process tgt;
    initiator_client client;
};

TEST_F(TgtDiscovery, SendTargetsAllListsEveryTargetWithItsPortal)
{
    auto targets = client.discover(tgt.portal());
    ASSERT_TRUE(targets) << client.diag.message;
    EXPECT_EQ(names(*targets),
              (std::vector<std::string>{"iqn.2026-11.org.example.test:a", "iqn.2026-11.org.example.test:b"}));
    for (auto const& t : *targets) {
        ASSERT_FALSE(t.portals.empty()) << t.name;
        EXPECT_EQ(t.portals[0].address, "127.0.0.1");
        EXPECT_EQ(t.portals[0].port, tgt.portal().port);
        EXPECT_EQ(t.portals[0].tpgt, 1);
    }
}

TEST_F(TgtDiscovery, ManyTargetsNeedTextContinuation)
{
    // 700 targets, ~70 KiB of answer: more than two 32 KiB PDUs, so the
    // target continues it (F=0 + TTT) and we must ask for the rest
    // (§11.10.2). tgt closes the CmdSN window after the second piece
    // (MaxCmdSN = ExpCmdSN - 1): only an immediate request gets the third.
    for (int i = 0; i < 700; ++i)
        ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2026-11.org.example.test:many-with-a-long-name-" + std::to_string(i),
                                    .size_mib = 0}));
    auto targets = client.discover(tgt.portal());
    ASSERT_TRUE(targets) << client.diag.message;
    EXPECT_EQ(targets->size(), 702U);
}

TEST_F(TgtDiscovery, WithChapOnTheDiscoverySession)
{
    ASSERT_TRUE(tgt.set_discovery_chap({{"disco", "disco-secret-12"}}));
    auto targets = client.discover(tgt.portal(), chap("disco", "disco-secret-12"));
    ASSERT_TRUE(targets) << client.diag.message;
    EXPECT_EQ(targets->size(), 2U);
}

TEST_F(TgtDiscovery, WithMutualChapOnTheDiscoverySession)
{
    ASSERT_TRUE(tgt.set_discovery_chap({{"disco", "disco-secret-12"}, chap_secret{"tgtdisco", "tgt-disco-secret"}}));
    auto targets = client.discover(tgt.portal(), chap("disco", "disco-secret-12",
                                                      std::pair<std::string, std::string>{"tgtdisco", "tgt-disco-secret"}));
    ASSERT_TRUE(targets) << client.diag.message;
    EXPECT_EQ(targets->size(), 2U);
}

TEST_F(TgtDiscovery, WrongDiscoverySecretIsAnAuthorizationFailure)
{
    ASSERT_TRUE(tgt.set_discovery_chap({{"disco", "disco-secret-12"}}));
    auto targets = client.discover(tgt.portal(), chap("disco", "wrong-secret-34"));
    ASSERT_FALSE(targets);
    EXPECT_EQ(targets.error(), login::status::authentication_failure) << targets.error().message();
}

TEST_F(TgtDiscovery, NothingListensIsAClearConnectError)
{
    auto targets = client.discover(portal_address{"127.0.0.1", 1});
    ASSERT_FALSE(targets);
    EXPECT_NE(client.diag.message.find("cannot connect to 127.0.0.1:1"), std::string::npos) << client.diag.message;
}

} // namespace
} // namespace iscsi::test

namespace iscsi::test {
namespace {

// IPv6 end to end: connect to [::1], SendTargets answers with a bracketed
// TargetAddress (§12.3 / Appendix C), and the login follows it.
TEST(TgtIpv6, DiscoveryAndLoginOverIpv6Loopback)
{
    ASSERT_TRUE(check_isolation());
    tgtd_process tgt("::1");
    ASSERT_TRUE(tgt.start());
    ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2026-11.org.example.test:v6", .size_mib = 4}));
    initiator_client client;
    auto targets = client.discover(tgt.portal());
    ASSERT_TRUE(targets) << client.diag.message;
    ASSERT_EQ(targets->size(), 1U);
    ASSERT_FALSE(targets->front().portals.empty());
    auto const& p = targets->front().portals.front();
    EXPECT_EQ(p.address, "::1");
    EXPECT_EQ(p.port, tgt.portal().port);
    ASSERT_FALSE(client.login(portal_address{p.address, p.port}, login_to(targets->front().name)))
        << client.diag.message;
    EXPECT_TRUE(client.write_read_verify(tgtd_process::disk_lun, 0, 8));
    EXPECT_FALSE(client.logout());
}

} // namespace
} // namespace iscsi::test
