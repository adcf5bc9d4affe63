#include "iscsi/pdu/logout.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(LogoutRequest, RoundTrips)
{
    auto const p = test::sample_logout_request();
    auto const back = decode_logout_request(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(LogoutRequest, ReasonAndCidFollowSection11_14)
{
    auto const raw = encode(test::sample_logout_request());
    EXPECT_EQ(raw.bhs[0], std::byte{0x46});
    EXPECT_EQ(raw.bhs[1], std::byte{0x82});
    EXPECT_EQ(raw.bhs[21], std::byte{7});
}

TEST(LogoutResponse, RoundTrips)
{
    auto const p = test::sample_logout_response();
    auto const back = decode_logout_response(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(LogoutResponse, TimesFollowSection11_15)
{
    auto const raw = encode(test::sample_logout_response());
    EXPECT_EQ(raw.bhs[2], std::byte{1});   // Response: CID not found
    EXPECT_EQ(raw.bhs[41], std::byte{2});  // Time2Wait
    EXPECT_EQ(raw.bhs[43], std::byte{20}); // Time2Retain
}

TEST(LogoutResponse, LogoutRequestIsWrongOpcode)
{
    EXPECT_EQ(decode_logout_response(encode(test::sample_logout_request())).error(), errc::wrong_opcode);
}

} // namespace
} // namespace iscsi::pdu
