#include "iscsi/auth/binary_value.hpp"

#include "iscsi/auth/errors.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using iscsi::auth::decode_binary_value;
using iscsi::auth::encode_base64;
using iscsi::auth::encode_hex;
using iscsi::auth::errc;

std::vector<std::byte> bytes(std::initializer_list<int> v)
{
    std::vector<std::byte> out;
    for (int b : v) out.push_back(static_cast<std::byte>(b));
    return out;
}

// RFC 7143 §6.1: hex constants start with 0x or 0X, digits of either case.
TEST(BinaryValue, HexEitherCase)
{
    EXPECT_EQ(*decode_binary_value("0xdeadBEEF"), bytes({0xde, 0xad, 0xbe, 0xef}));
    EXPECT_EQ(*decode_binary_value("0XDEADbeef"), bytes({0xde, 0xad, 0xbe, 0xef}));
}

TEST(BinaryValue, OddHexDigitCountImpliesLeadingZero)
{
    EXPECT_EQ(*decode_binary_value("0xabc"), bytes({0x0a, 0xbc}));
}

// RFC 7143 §6.1: base64 constants start with 0b or 0B (RFC 4648 alphabet).
TEST(BinaryValue, Base64WithAndWithoutPadding)
{
    EXPECT_EQ(*decode_binary_value("0bAQID"), bytes({1, 2, 3}));
    EXPECT_EQ(*decode_binary_value("0BAQI="), bytes({1, 2}));
    EXPECT_EQ(*decode_binary_value("0bAQ=="), bytes({1}));
    EXPECT_EQ(*decode_binary_value("0b+/+/"), bytes({0xfb, 0xff, 0xbf}));
}

TEST(BinaryValue, RoundTrips)
{
    std::vector<std::byte> all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::byte>(i));
    for (std::size_t n : {1U, 2U, 3U, 4U, 16U, 20U, 32U, 256U}) {
        std::vector<std::byte> v(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_EQ(*decode_binary_value(encode_hex(v)), v) << n;
        EXPECT_EQ(*decode_binary_value(encode_base64(v)), v) << n;
    }
}

TEST(BinaryValue, EncodesHexLowerCase) { EXPECT_EQ(encode_hex(bytes({0xAB, 0x01})), "0xab01"); }

TEST(BinaryValue, EncodesBase64WithPadding) { EXPECT_EQ(encode_base64(bytes({1, 2})), "0bAQI="); }

class BinaryValueRejects : public testing::TestWithParam<char const*> {};

TEST_P(BinaryValueRejects, Malformed)
{
    iscsi::diagnostics d;
    auto r = decode_binary_value(GetParam(), &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_encoding);
    EXPECT_FALSE(d.message.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, BinaryValueRejects,
                         testing::Values("", "0x", "0b", "deadbeef", "1xab", "0zab", "0xag", "0x 1",
                                         "0bAQI", "0b====", "0bA===", "0bAQ=A", "0bAQ==AQID", "0bA*ID"));

TEST(BinaryValue, LimitIsNamedInTheDiagnostics)
{
    std::string const big = "0x" + std::string(2 * 1025, 'a');
    iscsi::diagnostics d;
    auto r = decode_binary_value(big, &d);
    ASSERT_FALSE(r);
    EXPECT_NE(d.message.find("1024"), std::string::npos) << d.message;
    EXPECT_TRUE(decode_binary_value("0x" + std::string(2 * 1024, 'a')));
}

} // namespace
