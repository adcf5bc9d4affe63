#include "dbus/manager_calls.hpp"

#include <gtest/gtest.h>

namespace iscsid::dbus {
namespace {

namespace db = iscsi::db;

db::node_record record()
{
    db::node_record r;
    r.name = "iqn.2026-12.org.example:disk";
    r.conn.address = "192.0.2.1";
    return r;
}

TEST(DbusLoginOptions, Udisks2ChapNamesFillTheRecordsAuthSettings)
{
    auto r = record();
    std::string why;
    ASSERT_TRUE(apply_options(r,
                              {{"username", "alice"},
                               {"password", "a-long-secret"},
                               {"reverse-username", "tgt"},
                               {"reverse-password", "another-secret"}},
                              why))
        << why;
    EXPECT_EQ(r.session.auth.authmethod, db::auth_method::chap);
    EXPECT_EQ(r.session.auth.username, "alice");
    EXPECT_EQ(r.session.auth.password, "a-long-secret");
    EXPECT_EQ(r.session.auth.username_in, "tgt");
    EXPECT_EQ(r.session.auth.password_in, "another-secret");
}

TEST(DbusLoginOptions, NodeKeysKeepOpenIscsisMeaning)
{
    auto r = record();
    std::string why;
    ASSERT_TRUE(apply_options(r, {{"node.startup", "automatic"}, {"node.session.timeo.replacement_timeout", "30"}},
                              why))
        << why;
    EXPECT_EQ(r.startup, db::startup_mode::automatic);
    EXPECT_EQ(r.session.replacement_timeout, 30);
}

TEST(DbusLoginOptions, KeysThatLocateTheRecordAreRefused)
{
    auto r = record();
    std::string why;
    EXPECT_FALSE(apply_options(r, {{"node.name", "iqn.2026-12.org.example:other"}}, why));
    EXPECT_EQ(why, "option node.name is not a node setting that can be changed");
    EXPECT_EQ(r.name, "iqn.2026-12.org.example:disk");
}

TEST(DbusLoginOptions, UnknownKeysAndBadValuesAreRefusedByName)
{
    auto r = record();
    std::string why;
    EXPECT_FALSE(apply_options(r, {{"colour", "blue"}}, why));
    EXPECT_EQ(why, "option colour is not a node setting that can be changed");
    EXPECT_FALSE(apply_options(r, {{"node.session.timeo.replacement_timeout", "soon"}}, why));
    EXPECT_EQ(why, "option node.session.timeo.replacement_timeout: value 'soon' is not valid");
}

TEST(DbusLoginOptions, AChapValueThatWouldAddLinesToTheRecordIsRefusedWithoutEchoingIt)
{
    auto r = record();
    std::string why;
    // A newline in a secret would write "node.startup = automatic" as a line
    // of its own into the record file.
    EXPECT_FALSE(apply_options(r, {{"password", "secret-part\nnode.startup = automatic"}}, why));
    EXPECT_EQ(why, "option password: the value is not valid");
    EXPECT_EQ(r.session.auth.password, "");
    EXPECT_FALSE(apply_options(r, {{"reverse-username", "tgt\rnode.startup = automatic"}}, why));
    EXPECT_EQ(why, "option reverse-username: the value is not valid");
    EXPECT_EQ(r.startup, db::node_record{}.startup);
}

} // namespace
} // namespace iscsid::dbus
