#include "iscsi/session/cmd_window.hpp"

#include <gtest/gtest.h>

// The command window of RFC 7143 §4.2.2.1 in serial arithmetic (RFC 1982).
namespace iscsi::session {
namespace {

TEST(CmdWindow, OpenWhileNextCmdSnIsAtMostMaxCmdSn)
{
    cmd_window w{cmdsn{10}, cmdsn{10}, cmdsn{11}};
    EXPECT_TRUE(w.open());
    EXPECT_EQ(w.take(), cmdsn{10});
    EXPECT_TRUE(w.open());
    EXPECT_EQ(w.take(), cmdsn{11});
    EXPECT_FALSE(w.open());
    EXPECT_EQ(w.next(), cmdsn{12});
}

TEST(CmdWindow, MaxCmdSnOfExpCmdSnMinusOneIsAClosedWindow)
{
    // §4.2.2.1: MaxCmdSN = ExpCmdSN - 1 is valid and means "no room".
    cmd_window w{cmdsn{10}, cmdsn{10}, cmdsn{9}};
    EXPECT_FALSE(w.open());
    w.update(cmdsn{10}, cmdsn{10});
    EXPECT_TRUE(w.open());
}

TEST(CmdWindow, UpdatesOnlyMoveForward)
{
    // Responses may arrive out of order; older window values are stale.
    cmd_window w{cmdsn{20}, cmdsn{20}, cmdsn{30}};
    w.update(cmdsn{18}, cmdsn{25});
    EXPECT_EQ(w.expected(), cmdsn{20});
    EXPECT_EQ(w.max(), cmdsn{30});
    w.update(cmdsn{21}, cmdsn{31});
    EXPECT_EQ(w.expected(), cmdsn{21});
    EXPECT_EQ(w.max(), cmdsn{31});
}

TEST(CmdWindow, MaxCmdSnBelowExpCmdSnMinusOneIsIgnored)
{
    // §4.2.2.1: "... MaxCmdSN < ExpCmdSN-1 ... MUST be ignored": both fields.
    cmd_window w{cmdsn{10}, cmdsn{10}, cmdsn{20}};
    w.update(cmdsn{30}, cmdsn{25});
    EXPECT_EQ(w.expected(), cmdsn{10});
    EXPECT_EQ(w.max(), cmdsn{20});
}

TEST(CmdWindow, WrapsAroundTwoToThe32)
{
    cmd_window w{cmdsn{0xffffffff}, cmdsn{0xffffffff}, cmdsn{0xffffffff}};
    EXPECT_EQ(w.take(), cmdsn{0xffffffff});
    EXPECT_EQ(w.next(), cmdsn{0});
    EXPECT_FALSE(w.open()) << "0 lies after 0xffffffff";
    w.update(cmdsn{0}, cmdsn{1});
    EXPECT_EQ(w.expected(), cmdsn{0}) << "0 > 0xffffffff in serial arithmetic";
    EXPECT_EQ(w.max(), cmdsn{1});
    EXPECT_TRUE(w.open());
    EXPECT_EQ(w.take(), cmdsn{0});
    EXPECT_EQ(w.take(), cmdsn{1});
    EXPECT_FALSE(w.open());
}

TEST(CmdWindow, InvalidWindowAcrossTheWrapIsIgnored)
{
    cmd_window w{cmdsn{0xfffffff0}, cmdsn{0xfffffff0}, cmdsn{0xfffffff8}};
    // ExpCmdSN 5 (past the wrap), MaxCmdSN 0xfffffffa: MaxCmdSN < ExpCmdSN - 1.
    w.update(cmdsn{5}, cmdsn{0xfffffffa});
    EXPECT_EQ(w.expected(), cmdsn{0xfffffff0});
    EXPECT_EQ(w.max(), cmdsn{0xfffffff8});
}

} // namespace
} // namespace iscsi::session
