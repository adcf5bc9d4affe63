#include "iscsi/pdu/text.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(TextRequest, RoundTrips)
{
    auto const p = test::sample_text_request();
    auto const back = decode_text_request(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(TextRequest, FlagsAndTagsSitWhereSection11_10PutsThem)
{
    auto const raw = encode(test::sample_text_request());
    EXPECT_EQ(raw.bhs[0], std::byte{0x44});  // I + opcode 0x04
    EXPECT_EQ(raw.bhs[1], std::byte{0x40});  // C without F
    EXPECT_EQ(raw.bhs[9], std::byte{0x03});  // LUN 3
    EXPECT_EQ(raw.bhs[23], std::byte{0x22}); // TTT
    EXPECT_EQ(raw.bhs[27], std::byte{0x33}); // CmdSN
    EXPECT_EQ(raw.bhs[31], std::byte{0x44}); // ExpStatSN
}

TEST(TextRequest, NewRequestCarriesReservedTtt)
{
    // §11.10.4: an initial Text Request carries TTT 0xffffffff.
    auto const raw = encode(text_request{});
    for (std::size_t i = 20; i < 24; ++i) EXPECT_EQ(raw.bhs[i], std::byte{0xff});
    EXPECT_EQ(raw.bhs[1], std::byte{0x80});
}

TEST(TextResponse, RoundTrips)
{
    auto const p = test::sample_text_response();
    auto const back = decode_text_response(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(TextResponse, TextRequestIsWrongOpcode)
{
    EXPECT_EQ(decode_text_response(encode(test::sample_text_request())).error(), errc::wrong_opcode);
}

} // namespace
} // namespace iscsi::pdu
