#include "iscsi/pdu/nop.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(NopOut, RoundTrips)
{
    auto const p = test::sample_nop_out();
    auto const back = decode_nop_out(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(NopOut, PingIsImmediateWithFinalBit)
{
    auto const raw = encode(test::sample_nop_out());
    EXPECT_EQ(raw.bhs[0], std::byte{0x40});  // I + opcode 0x00
    EXPECT_EQ(raw.bhs[1], std::byte{0x80});
    EXPECT_EQ(raw.task_tag(), itt{0x2000});
}

TEST(NopOut, AnswerToTargetPingCarriesReservedItt)
{
    // §11.18.2: a NOP-Out answering a NOP-In has ITT 0xffffffff.
    nop_out p;
    p.ttt_ = ttt{0x6666};
    auto const raw = encode(p);
    EXPECT_EQ(raw.task_tag(), reserved_itt);
    auto const back = decode_nop_out(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->ttt_, ttt{0x6666});
}

TEST(NopIn, RoundTrips)
{
    auto const p = test::sample_nop_in();
    auto const back = decode_nop_in(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(NopIn, NopOutIsWrongOpcode)
{
    EXPECT_EQ(decode_nop_in(encode(test::sample_nop_out())).error(), errc::wrong_opcode);
}

} // namespace
} // namespace iscsi::pdu
