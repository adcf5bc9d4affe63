#include "iscsi/pdu/r2t.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(R2t, RoundTrips)
{
    auto const p = test::sample_r2t();
    auto const back = decode_r2t(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(R2t, FieldsSitWhereSection11_8PutsThem)
{
    auto const raw = encode(test::sample_r2t());
    EXPECT_EQ(raw.bhs[0], std::byte{0x31});
    EXPECT_EQ(raw.bhs[1], std::byte{0x80});
    EXPECT_EQ(raw.bhs[22], std::byte{0x55});  // TTT
    EXPECT_EQ(raw.bhs[39], std::byte{1});     // R2TSN
    EXPECT_EQ(raw.bhs[41], std::byte{1});     // Buffer Offset 65536
    EXPECT_EQ(raw.bhs[45], std::byte{4});     // Desired length 262144
}

TEST(R2t, ZeroDesiredLengthIsMalformed)
{
    // §11.8.4: the Desired Data Transfer Length MUST NOT be 0.
    auto p = test::sample_r2t();
    p.desired_data_transfer_length = 0;
    EXPECT_EQ(decode_r2t(encode(p)).error(), errc::malformed);
}

TEST(R2t, DataSegmentIsMalformed)
{
    auto raw = encode(test::sample_r2t());
    raw.data = test::counting(4);
    raw.bhs[7] = std::byte{4};
    EXPECT_EQ(decode_r2t(raw).error(), errc::malformed);
}

} // namespace
} // namespace iscsi::pdu
