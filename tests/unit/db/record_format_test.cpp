// Record text against files the real open-iscsi 2.1.8 wrote
// (tests/fixtures/open-iscsi, captured with Debian's iscsiadm).
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/schema.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace iscsi::db {
namespace {

std::string fixture(char const* name)
{
    std::ifstream in(std::string(ISCSI_TEST_FIXTURES) + "/open-iscsi/" + name);
    std::ostringstream s;
    s << in.rdbuf();
    EXPECT_TRUE(in.good() || in.eof()) << name;
    return s.str();
}

/// The record open-iscsi wrote after SendTargets from 127.0.0.1:3260
/// through iface "myif" (with compiled-in defaults: iscsid was down).
node_record open_iscsi_discovered_record()
{
    node_record r;
    r.name = "iqn.2026-11.test:t1";
    r.tpgt = 1;
    r.iface.name = "myif";
    r.iface.initiatorname = "iqn.2026-11.test:init";
    r.discovery_address = "127.0.0.1";
    r.discovery_port = 3260;
    r.disc_type = discovery_type::send_targets;
    r.conn.address = "127.0.0.1";
    r.conn.port = 3260;
    return r;
}

TEST(RecordFormat, FileFormIsByteIdenticalToOpenIscsi)
{
    EXPECT_EQ(format_node(open_iscsi_discovered_record(), print_style::file), fixture("node-record-myif"));
}

TEST(RecordFormat, ShownFormIsByteIdenticalToOpenIscsi)
{
    EXPECT_EQ(format_node(open_iscsi_discovered_record(), print_style::show), fixture("node-show-myif"));
}

TEST(RecordFormat, ParsingOpenIscsisFileGivesTheSameRecord)
{
    node_record r;
    r.iface.transport_name.clear();
    parse_report report;
    parse_node(fixture("node-record-myif"), r, &report);
    EXPECT_TRUE(report.warnings.empty());
    EXPECT_EQ(r, open_iscsi_discovered_record());
    EXPECT_TRUE(r.extra.empty());
}

TEST(RecordFormat, FreshRecordHas107ShownKeys)
{
    auto const text = format_node(node_record{}, print_style::show);
    auto const lines = std::count(text.begin(), text.end(), '\n');
    EXPECT_EQ(lines, 107 + 2); // BEGIN and END lines
}

TEST(RecordFormat, SecretsAreMaskedUnlessAskedFor)
{
    node_record r;
    r.session.auth.password = "s3cret-pw";
    auto const shown = format_node(r, print_style::show);
    EXPECT_NE(shown.find("node.session.auth.password = ********\n"), std::string::npos);
    EXPECT_EQ(shown.find("s3cret-pw"), std::string::npos);
    EXPECT_NE(shown.find("node.session.auth.password_in = <empty>\n"), std::string::npos);
    EXPECT_NE(format_node(r, print_style::show_secrets).find("node.session.auth.password = s3cret-pw\n"),
              std::string::npos);
    EXPECT_NE(format_node(r, print_style::file).find("node.session.auth.password = s3cret-pw\n"),
              std::string::npos);
}

TEST(RecordFormat, UnknownKeysSurviveARoundTripInFileOrder)
{
    node_record r;
    parse_node("# BEGIN RECORD 9.9\nnode.name = iqn.x:y\nnode.future.knob = 7\nnode.startup = automatic\n"
               "iface.future = a b\n# END RECORD\n",
               r);
    ASSERT_EQ(r.extra.size(), 2U);
    EXPECT_EQ(r.extra[0], (std::pair<std::string, std::string>{"node.future.knob", "7"}));
    EXPECT_EQ(r.extra[1], (std::pair<std::string, std::string>{"iface.future", "a b"}));
    EXPECT_EQ(r.startup, startup_mode::automatic);
    auto const file = format_node(r, print_style::file);
    EXPECT_NE(file.find("node.future.knob = 7\niface.future = a b\n# END RECORD\n"), std::string::npos);
    EXPECT_EQ(format_node(r, print_style::show).find("future"), std::string::npos);
}

TEST(RecordFormat, BadValuesAreReportedWithTheirLineAndKeepTheOldValue)
{
    node_record r;
    parse_report report;
    parse_node("node.startup = sometimes\nnode.session.cmds_max = 12abc\nnode.name\n", r, &report);
    ASSERT_EQ(report.warnings.size(), 3U);
    EXPECT_EQ(report.warnings[0], "line 1: unknown value format 'sometimes' for parameter name 'node.startup'");
    EXPECT_EQ(report.warnings[1], "line 2: unknown value format '12abc' for parameter name 'node.session.cmds_max'");
    EXPECT_EQ(report.warnings[2], "line 3: no 'key = value' in 'node.name'");
    EXPECT_EQ(r.startup, startup_mode::manual);
    EXPECT_EQ(r.session.cmds_max, 128);
}

TEST(RecordFormat, SettingsFollowOpenIscsisLineRules)
{
    std::vector<std::pair<std::string, std::string>> seen;
    for_each_setting("  a.b=1\n#c = 2\n\n\td.e =  x y  \nf.g = \n", [&](setting const& s) {
        seen.emplace_back(s.key, s.value);
    });
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[0], (std::pair<std::string, std::string>{"a.b", "1"}));
    EXPECT_EQ(seen[1], (std::pair<std::string, std::string>{"d.e", "x y"}));
}

TEST(RecordFormat, DiscoveryRecordsMatchOpenIscsi)
{
    discovery_record d;
    d.address = "127.0.0.1";
    EXPECT_EQ(format_discovery(d, print_style::file), fixture("st_config"));
    EXPECT_EQ(format_discovery(d, print_style::show), fixture("discoverydb-show"));
}

TEST(RecordFormat, IfaceRecordsMatchOpenIscsi)
{
    iface_record i;
    i.name = "v6";
    EXPECT_EQ(format_iface(i, print_style::file), fixture("iface-record"));
}

TEST(Schema, LookupKeysAndModifiability)
{
    EXPECT_FALSE(find_node_field("node.name").modifiable());
    EXPECT_FALSE(find_node_field("node.conn[0].address").modifiable());
    EXPECT_TRUE(find_node_field("node.startup").modifiable());
    EXPECT_TRUE(find_node_field("iface.iscsi_ifacename").modifiable());
    EXPECT_FALSE(find_iface_field("iface.iscsi_ifacename")->modifiable);
    EXPECT_FALSE(find_node_field("node.bogus"));
    auto const digest = find_node_field("node.conn[0].iscsi.HeaderDigest");
    ASSERT_EQ(digest.choices().size(), 4U);
    EXPECT_EQ(digest.choices()[2], "CRC32C,None");
}

TEST(Schema, ValuesAreCheckedByType)
{
    node_record r;
    auto const set = [&](char const* key, char const* value) {
        return set_node_value(r, find_node_field(key), value);
    };
    EXPECT_EQ(set("node.session.cmds_max", "64"), parse_status::ok);
    EXPECT_EQ(set("node.session.xmit_thread_priority", "-5"), parse_status::ok);
    EXPECT_EQ(set("node.session.cmds_max", ""), parse_status::bad_value);
    EXPECT_EQ(set("node.session.cmds_max", "99999999999"), parse_status::bad_value);
    EXPECT_EQ(set("node.session.iscsi.InitialR2T", "Yes"), parse_status::ok);
    EXPECT_EQ(set("node.session.iscsi.InitialR2T", "yes"), parse_status::bad_value);
    EXPECT_EQ(set("node.session.auth.chap_algs", "SHA3-256,SHA256,SHA1,MD5"), parse_status::ok);
    EXPECT_EQ(set("node.session.auth.chap_algs", "MD5,MD4"), parse_status::bad_value);
    EXPECT_EQ(set("node.session.auth.username", "a\nnode.name = evil"), parse_status::bad_value);
    EXPECT_EQ(r.session.cmds_max, 64);
    EXPECT_EQ(r.session.xmit_thread_priority, -5);
    EXPECT_TRUE(r.session.initial_r2t);
    EXPECT_EQ(get_node_value(r, find_node_field("node.session.scan")), "auto");
}

} // namespace
} // namespace iscsi::db
