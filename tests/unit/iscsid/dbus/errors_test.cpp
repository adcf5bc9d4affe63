#include "dbus/errors.hpp"

#include "iscsi/core/exit_status.hpp"

#include <gtest/gtest.h>

namespace iscsid::dbus {
namespace {

using iscsi::exit_status;
using iscsi::to_int;

TEST(DbusErrors, ExitCodesBecomeNamedErrors)
{
    EXPECT_EQ(error_name(to_int(exit_status::session_exists)), "org.iscsiinitiator.Iscsid1.Error.SessionExists");
    EXPECT_EQ(error_name(to_int(exit_status::login_auth_failed)),
              "org.iscsiinitiator.Iscsid1.Error.AuthorizationFailed");
    EXPECT_EQ(error_name(to_int(exit_status::no_objects_found)), "org.iscsiinitiator.Iscsid1.Error.NotFound");
    // Both of open-iscsi's "bad request" codes are one error for a client.
    EXPECT_EQ(error_name(to_int(exit_status::invalid)), error_name(to_int(exit_status::invalid_request)));
}

TEST(DbusErrors, CodesWithoutTheirOwnNameAreFailed)
{
    EXPECT_EQ(error_name(to_int(exit_status::isns_query)), "org.iscsiinitiator.Iscsid1.Error.Failed");
    EXPECT_EQ(error_name(9999), "org.iscsiinitiator.Iscsid1.Error.Failed");
}

TEST(DbusErrors, MessagesStartWithOpenIscsisSentence)
{
    EXPECT_EQ(error_message(to_int(exit_status::session_exists), "session exists (sid 4)"),
              "session exists: session exists (sid 4)");
    EXPECT_EQ(error_message(to_int(exit_status::transport), ""), "encountered connection failure");
}

TEST(DbusErrors, AnAuthorizationFailureSaysTheWordsCockpitLooksFor)
{
    auto const m = error_message(to_int(exit_status::login_auth_failed), "login to 127.0.0.1,3260 rejected");
    EXPECT_NE(m.find("initiator failed authorization"), std::string::npos) << m;
    EXPECT_NE(m.find("iSCSI login failed due to authorization failure"), std::string::npos) << m;
}

} // namespace
} // namespace iscsid::dbus
