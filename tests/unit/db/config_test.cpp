#include "iscsi/db/config.hpp"
#include "iscsi/db/errors.hpp"

#include "support/isolation.hpp"

#include <fstream>
#include <gtest/gtest.h>

namespace iscsi::db {
namespace {

TEST(Config, DebianIscsidConfOverridesCompiledDefaults)
{
    // The values in Debian's shipped iscsid.conf that differ from the
    // compiled-in defaults: new records must get these.
    auto const c = parse_config("iscsid.startup = /bin/systemctl start iscsid.socket\n"
                                "node.startup = manual\n"
                                "node.conn[0].timeo.login_timeout = 15\n"
                                "node.session.initial_login_retry_max = 8\n"
                                "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength = 32768\n"
                                "node.session.auth.chap_algs = SHA3-256,SHA256,SHA1,MD5\n");
    EXPECT_EQ(c.daemon.startup, "/bin/systemctl start iscsid.socket");
    EXPECT_EQ(c.node_defaults.conn.login_timeout, 15);
    EXPECT_EQ(c.node_defaults.session.initial_login_retry_max, 8);
    EXPECT_EQ(c.node_defaults.session.chap_algs, "SHA3-256,SHA256,SHA1,MD5");
    EXPECT_EQ(c.sendtargets_defaults.chap_algs, "SHA3-256,SHA256,SHA1,MD5");
    EXPECT_EQ(c.sendtargets_defaults.max_recv_data_segment_length, 32768);
}

TEST(Config, UnknownKeysAndBadValuesAreWarnedAbout)
{
    parse_report report;
    auto const c = parse_config("node.session.cmds_max = lots\nnode.sesion.queue_depth = 8\n", &report);
    ASSERT_EQ(report.warnings.size(), 2U);
    EXPECT_EQ(report.warnings[0], "line 1: unknown value format 'lots' for parameter name 'node.session.cmds_max'");
    EXPECT_EQ(report.warnings[1], "line 2: unknown key 'node.sesion.queue_depth'");
    EXPECT_EQ(c.node_defaults.session.cmds_max, 128);
}

TEST(Config, ShortChapSecretsAreWarnedAboutByKeyNeverByValue)
{
    parse_report report;
    auto const c = parse_config("node.session.auth.username = me\n"
                                "node.session.auth.password = abc\n"
                                "node.session.auth.password_in = long-enough-secret\n"
                                "discovery.sendtargets.auth.password = 1234567890a\n",
                                &report);
    ASSERT_EQ(report.warnings.size(), 2U);
    EXPECT_EQ(report.warnings[0], "line 2: node.session.auth.password is 3 bytes long: a CHAP secret shorter than 12 "
                                  "bytes (96 bits) can be recovered from one recorded login by an off-line "
                                  "dictionary attack (RFC 7143 9.2.1); use at least 12 random characters");
    EXPECT_EQ(report.warnings[1].find("line 4: discovery.sendtargets.auth.password is 11 bytes long"), 0U);
    EXPECT_EQ(c.node_defaults.session.auth.password, "abc"); // a warning, not a refusal
}

TEST(Config, IsnsDefaultsDifferFromSendTargets)
{
    auto const c = default_config();
    EXPECT_EQ(c.isns_defaults.type, discovery_kind::isns);
    EXPECT_EQ(c.isns_defaults.port, 3205);
    EXPECT_EQ(c.isns_defaults.discoveryd_poll_inval, -1);
}

TEST(Config, MissingFileMeansDefaults)
{
    test::temp_dir dir;
    auto const c = load_config(dir.path() / "iscsid.conf");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->node_defaults, default_config().node_defaults);
}

TEST(InitiatorName, ParsesNameAndAliasLikeOpenIscsi)
{
    auto const id = parse_initiator_identity("## comment\n# InitiatorName=iqn.no:t\n"
                                             "InitiatorName=iqn.1993-08.org.debian:01:abc trailing\n"
                                             "InitiatorAlias=host1\n");
    EXPECT_EQ(id.name, "iqn.1993-08.org.debian:01:abc");
    EXPECT_EQ(id.alias, "host1");
}

TEST(InitiatorName, FileWithoutNameIsAnError)
{
    test::temp_dir dir;
    auto const file = dir.path() / "initiatorname.iscsi";
    std::ofstream(file) << "# nothing here\n";
    auto const id = load_initiator_identity(file);
    ASSERT_FALSE(id.has_value());
    EXPECT_EQ(id.error(), make_error_code(errc::no_initiator_name));
    EXPECT_EQ(load_initiator_identity(dir.path() / "absent").error(), std::errc::no_such_file_or_directory);
}

TEST(InitiatorName, FormatRoundTrips)
{
    initiator_identity const id{"iqn.2026-11.org.example:host", "alias1"};
    auto const back = parse_initiator_identity(format_initiator_identity(id));
    EXPECT_EQ(back.name, id.name);
    EXPECT_EQ(back.alias, id.alias);
}

} // namespace
} // namespace iscsi::db
