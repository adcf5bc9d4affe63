#include "iscsi/discovery/sendtargets.hpp"

#include "iscsi/discovery/errors.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using iscsi::discovery::errc;
using iscsi::discovery::parse_sendtargets;
using iscsi::discovery::portal;
using iscsi::discovery::target_record;
using iscsi::text::key_values;

portal const discovery_portal{"192.0.2.1", 3260, std::nullopt};

// RFC 7143 Appendix C: two targets, one reachable through two portal groups.
TEST(SendTargets, MultiplePortalsPerTarget)
{
    key_values const response{
        {"TargetName", "iqn.1993-11.com.disk-vendor:diskarrays.sn.45678"},
        {"TargetAddress", "10.1.0.45:3000,5"},
        {"TargetAddress", "10.1.1.45:3000,6"},
        {"TargetName", "iqn.1993-11.com.disk-vendor:diskarrays.sn.12345"},
        {"TargetAddress", "10.1.0.46:3260,1"},
    };
    auto r = parse_sendtargets(response, discovery_portal);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 2U);
    EXPECT_EQ((*r)[0], (target_record{"iqn.1993-11.com.disk-vendor:diskarrays.sn.45678",
                                      {{"10.1.0.45", 3000, 5}, {"10.1.1.45", 3000, 6}},
                                      ""}));
    EXPECT_EQ((*r)[1].portals, (std::vector<portal>{{"10.1.0.46", 3260, 1}}));
}

TEST(SendTargets, Ipv6Portals)
{
    key_values const response{
        {"TargetName", "iqn.2003-01.org.linux-iscsi.host:sn.1"},
        {"TargetAddress", "[2001:db8::10]:3260,1"},
        {"TargetAddress", "192.0.2.10:3260,1"},
    };
    auto r = parse_sendtargets(response, discovery_portal);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 1U);
    EXPECT_EQ((*r)[0].portals[0], (portal{"2001:db8::10", 3260, 1}));
    EXPECT_EQ((*r)[0].portals[1], (portal{"192.0.2.10", 3260, 1}));
}

TEST(SendTargets, EmptyResponseIsNoTargets)
{
    auto r = parse_sendtargets({}, discovery_portal);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
}

// Appendix C: without TargetAddress the discovery session's portal is implied.
TEST(SendTargets, MissingAddressImpliesDiscoveryPortal)
{
    auto r = parse_sendtargets({{"TargetName", "iqn.2001-04.com.example:storage.disk1"}}, discovery_portal);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 1U);
    EXPECT_EQ((*r)[0].portals, (std::vector<portal>{discovery_portal}));
}

TEST(SendTargets, UnknownKeysAreIgnoredAliasIsKept)
{
    key_values const response{
        {"X-com.vendor.Hint", "whatever"},
        {"TargetName", "eui.0123456789ABCDEF"},
        {"X-com.vendor.Other", "1"},
        {"TargetAlias", "Database volume"},
        {"TargetAddress", "san.example.com"},
    };
    auto r = parse_sendtargets(response, discovery_portal);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 1U);
    EXPECT_EQ((*r)[0].alias, "Database volume");
    EXPECT_EQ((*r)[0].portals, (std::vector<portal>{{"san.example.com", 3260, std::nullopt}}));
}

TEST(SendTargets, RepeatedTargetNameMergesAndDuplicatePortalsDrop)
{
    key_values const response{
        {"TargetName", "iqn.2001-04.com.example:a"}, {"TargetAddress", "10.0.0.1:3260,1"},
        {"TargetName", "iqn.2001-04.com.example:b"}, {"TargetAddress", "10.0.0.2:3260,1"},
        {"TargetName", "iqn.2001-04.com.example:a"}, {"TargetAddress", "10.0.0.3:3260,2"},
        {"TargetAddress", "10.0.0.1:3260,1"},
    };
    auto r = parse_sendtargets(response, discovery_portal);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 2U);
    EXPECT_EQ((*r)[0].portals, (std::vector<portal>{{"10.0.0.1", 3260, 1}, {"10.0.0.3", 3260, 2}}));
}

TEST(SendTargets, AddressBeforeNameIsAnError)
{
    iscsi::diagnostics d;
    auto r = parse_sendtargets({{"TargetAddress", "10.0.0.1:3260,1"}, {"TargetName", "iqn.2001-04.com.example:a"}},
                               discovery_portal, &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::address_before_name);
    EXPECT_EQ(iscsi::recovery_for(r.error()), iscsi::recovery::fail_session);
}

TEST(SendTargets, InvalidNameIsAnError)
{
    for (char const* name : {"", "target1", "iqn.bad", "eui.123", "iqn.2001-04.com.example:sp ace"}) {
        iscsi::diagnostics d;
        auto r = parse_sendtargets({{"TargetName", name}}, discovery_portal, &d);
        ASSERT_FALSE(r) << name;
        EXPECT_EQ(r.error(), errc::bad_target_name) << name;
        EXPECT_FALSE(d.message.empty());
    }
}

TEST(SendTargets, InvalidAddressNamesTheTarget)
{
    iscsi::diagnostics d;
    auto r = parse_sendtargets({{"TargetName", "iqn.2001-04.com.example:a"}, {"TargetAddress", "10.0.0.1:0,1"}},
                               discovery_portal, &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_target_address);
    EXPECT_NE(d.message.find("iqn.2001-04.com.example:a"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("port"), std::string::npos) << d.message;
}

TEST(SendTargets, TooManyPortals)
{
    key_values response{{"TargetName", "iqn.2001-04.com.example:a"}};
    for (std::size_t i = 0; i <= iscsi::discovery::max_portals_per_target; ++i)
        response.push_back({"TargetAddress", "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256)});
    auto r = parse_sendtargets(response, discovery_portal);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::too_many_portals);
    response.pop_back();
    EXPECT_TRUE(parse_sendtargets(response, discovery_portal));
}

TEST(SendTargets, TooManyTargets)
{
    key_values response;
    for (std::size_t i = 0; i <= iscsi::discovery::max_targets; ++i)
        response.push_back({"TargetName", "iqn.2001-04.com.example:t" + std::to_string(i)});
    auto r = parse_sendtargets(response, discovery_portal);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::too_many_targets);
    response.pop_back();
    auto ok = parse_sendtargets(response, discovery_portal);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->size(), iscsi::discovery::max_targets);
}

} // namespace
