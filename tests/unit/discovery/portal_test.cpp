#include "iscsi/discovery/portal.hpp"

#include "iscsi/discovery/errors.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using iscsi::discovery::errc;
using iscsi::discovery::format_portal;
using iscsi::discovery::parse_portal;
using iscsi::discovery::portal;

struct good_case {
    char const* text;
    char const* address;
    std::uint16_t port;
    std::optional<std::uint16_t> tpgt;
    char const* formatted; ///< format_portal of the result
};

class PortalParses : public testing::TestWithParam<good_case> {};

TEST_P(PortalParses, Table)
{
    auto const& c = GetParam();
    auto r = parse_portal(c.text);
    ASSERT_TRUE(r) << c.text << ": " << r.error().message();
    EXPECT_EQ(r->address, c.address);
    EXPECT_EQ(r->port, c.port);
    EXPECT_EQ(r->tpgt, c.tpgt);
    EXPECT_EQ(format_portal(*r), c.formatted);
    // What we print, we parse back to the same portal.
    EXPECT_EQ(parse_portal(format_portal(*r)).value(), *r);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7143TargetAddress, PortalParses,
    testing::Values(good_case{"192.168.1.10", "192.168.1.10", 3260, std::nullopt, "192.168.1.10:3260"},
                    good_case{"192.168.1.10:3261", "192.168.1.10", 3261, std::nullopt, "192.168.1.10:3261"},
                    good_case{"192.168.1.10:3260,1", "192.168.1.10", 3260, 1, "192.168.1.10:3260,1"},
                    good_case{"10.0.0.1,7", "10.0.0.1", 3260, 7, "10.0.0.1:3260,7"},
                    good_case{"[fe80::1]:3260,1", "fe80::1", 3260, 1, "[fe80::1]:3260,1"},
                    good_case{"[2001:db8::5]", "2001:db8::5", 3260, std::nullopt, "[2001:db8::5]:3260"},
                    good_case{"[::ffff:10.1.2.3]:860", "::ffff:10.1.2.3", 860, std::nullopt,
                              "[::ffff:10.1.2.3]:860"},
                    good_case{"[fe80::1%eth0]:3260", "fe80::1%eth0", 3260, std::nullopt, "[fe80::1%eth0]:3260"},
                    good_case{"fe80::2", "fe80::2", 3260, std::nullopt, "[fe80::2]:3260"},
                    good_case{"fe80::2,3", "fe80::2", 3260, 3, "[fe80::2]:3260,3"},
                    good_case{"storage.example.com", "storage.example.com", 3260, std::nullopt,
                              "storage.example.com:3260"},
                    good_case{"san-1.example.com:3260,65535", "san-1.example.com", 3260, 65535,
                              "san-1.example.com:3260,65535"},
                    good_case{"host:65535,0", "host", 65535, 0, "host:65535,0"},
                    good_case{"host:1", "host", 1, std::nullopt, "host:1"}));

struct bad_case {
    char const* text;
    errc expected;
};

class PortalRejects : public testing::TestWithParam<bad_case> {};

TEST_P(PortalRejects, Table)
{
    iscsi::diagnostics d;
    auto r = parse_portal(GetParam().text, &d);
    ASSERT_FALSE(r) << GetParam().text;
    EXPECT_EQ(r.error(), GetParam().expected) << GetParam().text << ": " << d.message;
    EXPECT_FALSE(d.message.empty());
    EXPECT_EQ(iscsi::recovery_for(r.error()), iscsi::recovery::report_to_user);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PortalRejects,
    testing::Values(bad_case{"", errc::bad_portal_address}, bad_case{":3260", errc::bad_portal_address},
                    bad_case{",1", errc::bad_portal_address}, bad_case{"[]:3260", errc::bad_portal_address},
                    bad_case{"[fe80::1", errc::bad_portal_address},
                    bad_case{"[fe80::1]3260", errc::bad_portal_address},
                    bad_case{"[10.0.0.1]:3260", errc::bad_portal_address},
                    bad_case{"[fe80::zz]:3260", errc::bad_portal_address},
                    bad_case{"bad host:3260", errc::bad_portal_address},
                    bad_case{"host/evil", errc::bad_portal_address}, bad_case{"host:", errc::bad_port},
                    bad_case{"host:0", errc::bad_port}, bad_case{"host:65536", errc::bad_port},
                    bad_case{"host:99999999999", errc::bad_port}, bad_case{"host:-1", errc::bad_port},
                    bad_case{"host:+80", errc::bad_port}, bad_case{"host:32 60", errc::bad_port},
                    bad_case{"[fe80::1]:", errc::bad_port}, bad_case{"host:3260,", errc::bad_tpgt},
                    bad_case{"host:3260,65536", errc::bad_tpgt}, bad_case{"host:3260,x", errc::bad_tpgt},
                    bad_case{"host:3260,-1", errc::bad_tpgt}));

TEST(Portal, OverlongHostIsRefusedNamingTheLimit)
{
    iscsi::diagnostics d;
    auto r = parse_portal(std::string(256, 'a') + ":3260", &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_portal_address);
    EXPECT_NE(d.message.find("255"), std::string::npos) << d.message;
    EXPECT_TRUE(parse_portal(std::string(255, 'a')));
}

TEST(Portal, FormatsWithoutTpgt)
{
    EXPECT_EQ(format_portal(portal{"10.1.1.1", 3260, std::nullopt}), "10.1.1.1:3260");
}

TEST(DiscoveryErrors, Category)
{
    std::error_code const ec = errc::address_before_name;
    EXPECT_STREQ(ec.category().name(), "iscsi.discovery");
    EXPECT_FALSE(ec.message().empty());
    EXPECT_EQ(iscsi::recovery_for(ec), iscsi::recovery::fail_session);
}

} // namespace
