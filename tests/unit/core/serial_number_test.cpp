#include "iscsi/core/serial_number.hpp"

#include <gtest/gtest.h>

namespace iscsi {
namespace {

// RFC 1982 §3.2 examples, in the CmdSN space.
TEST(SerialNumber, OrdersAcrossWrap)
{
    EXPECT_LT(cmdsn{0xfffffffeU}, cmdsn{1});
    EXPECT_GT(cmdsn{1}, cmdsn{0xfffffffeU});
    EXPECT_LT(cmdsn{5}, cmdsn{6});
    EXPECT_FALSE(cmdsn{6} < cmdsn{6});
    EXPECT_LE(cmdsn{6}, cmdsn{6});
}

TEST(SerialNumber, NumbersHalfTheSpaceApartAreUnordered)
{
    cmdsn const a{0};
    cmdsn const b{0x80000000U};
    EXPECT_FALSE(a < b);
    EXPECT_FALSE(b < a);
    EXPECT_NE(a, b);
}

TEST(SerialNumber, AdditionWraps)
{
    EXPECT_EQ(cmdsn{0xffffffffU} + 2, cmdsn{1});
    statsn s{0xffffffffU};
    ++s;
    EXPECT_EQ(s.value(), 0U);
    EXPECT_EQ(cmdsn{3}.distance_from(cmdsn{0xfffffffeU}), 5U);
}

} // namespace
} // namespace iscsi
