#include "iscsi/pdu/data.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(DataOut, RoundTrips)
{
    auto const p = test::sample_data_out();
    auto const back = decode_data_out(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(DataOut, FieldsSitWhereSection11_7PutsThem)
{
    auto const raw = encode(test::sample_data_out());
    EXPECT_EQ(raw.bhs[0], std::byte{0x05});
    EXPECT_EQ(raw.bhs[1], std::byte{0x80});
    EXPECT_EQ(raw.bhs[6], std::byte{0x03});  // DataSegmentLength 1022 = 0x3fe
    EXPECT_EQ(raw.bhs[7], std::byte{0xfe});
    EXPECT_EQ(raw.bhs[39], std::byte{2});    // DataSN
    EXPECT_EQ(raw.bhs[42], std::byte{0x40}); // Buffer Offset 16384
}

TEST(DataOut, RvalueEncodeMovesTheData)
{
    auto p = test::sample_data_out();
    auto const* const buffer = p.data.data();
    auto const raw = encode(std::move(p));
    EXPECT_EQ(raw.data.data(), buffer);  // no copy of the payload
}

TEST(DataIn, RoundTrips)
{
    auto const p = test::sample_data_in();
    auto const back = decode_data_in(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(DataIn, FlagBitsFollowSection11_7_1)
{
    data_in p;
    p.final = true;
    p.acknowledge = true;
    p.residual_underflow = true;
    p.status_present = true;
    EXPECT_EQ(encode(p).bhs[1], std::byte{0xc3});
    p = data_in{};
    p.final = true;
    p.residual_overflow = true;
    p.status_present = true;
    EXPECT_EQ(encode(p).bhs[1], std::byte{0x85});
}

TEST(DataIn, StatusWithoutFinalIsMalformed)
{
    // §11.7.1: "If the S bit is set to 1, the F bit MUST also be set to 1."
    auto raw = encode(test::sample_data_in());
    raw.bhs[1] = std::byte{0x01};
    EXPECT_EQ(decode_data_in(raw).error(), errc::malformed);
}

TEST(DataIn, OverflowWithUnderflowIsMalformed)
{
    auto raw = encode(test::sample_data_in());
    raw.bhs[1] = std::byte{0x87};
    EXPECT_EQ(decode_data_in(raw).error(), errc::malformed);
}

TEST(DataIn, DataOutIsWrongOpcode)
{
    EXPECT_EQ(decode_data_in(encode(test::sample_data_out())).error(), errc::wrong_opcode);
}

} // namespace
} // namespace iscsi::pdu
