#include "iscsi/pdu/snack.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(SnackRequest, RoundTrips)
{
    auto const p = test::sample_snack_request();
    auto const back = decode_snack_request(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(SnackRequest, TypeAndRunFollowSection11_16)
{
    snack_request p;
    p.type = snack_type::status;
    p.beg_run = 0x01020304;
    p.run_length = 2;
    auto const raw = encode(p);
    EXPECT_EQ(raw.bhs[0], std::byte{0x10});  // never immediate
    EXPECT_EQ(raw.bhs[1], std::byte{0x81});
    EXPECT_EQ(raw.bhs[40], std::byte{1});
    EXPECT_EQ(raw.bhs[43], std::byte{4});
    EXPECT_EQ(raw.bhs[47], std::byte{2});
}

TEST(SnackRequest, ReservedTypeIsMalformed)
{
    auto raw = encode(test::sample_snack_request());
    raw.bhs[1] = std::byte{0x84};
    EXPECT_EQ(decode_snack_request(raw).error(), errc::malformed);
}

} // namespace
} // namespace iscsi::pdu
