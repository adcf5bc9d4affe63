#include "iscsi/text/key_value.hpp"

#include "iscsi/text/errors.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace iscsi::text {
namespace {

using namespace std::string_literals;

std::vector<std::byte> bytes(std::string_view s)
{
    std::vector<std::byte> out;
    for (char c : s)
        out.push_back(static_cast<std::byte>(c));
    return out;
}

result<key_values> parse_text(std::string_view s, text_limits const& limits = {}, diagnostics* diag = nullptr)
{
    auto const b = bytes(s);
    return parse(b, limits, diag);
}

// §6.1: every pair is "key=value" followed by a null byte, the last one too.
TEST(KeyValue, EncodesEveryPairWithItsNullTerminator)
{
    key_values const kvs{{"HeaderDigest", "None"}, {"MaxRecvDataSegmentLength", "262144"}};
    EXPECT_EQ(encode(kvs), bytes("HeaderDigest=None\0MaxRecvDataSegmentLength=262144\0"s));
}

TEST(KeyValue, AppendAddsOnePair)
{
    std::vector<std::byte> out = bytes("A=1");
    out.push_back(std::byte{0});
    append(out, "TargetAlias", "");
    EXPECT_EQ(out, bytes("A=1\0TargetAlias=\0"s));
}

TEST(KeyValue, RoundTripsKeysValuesAndOrder)
{
    key_values const kvs{{"InitiatorName", "iqn.2005-03.org.open-iscsi:abc"},
                         {"SessionType", "Normal"},
                         {"TargetAlias", "disk with spaces, commas and = signs"},
                         {"iSCSIProtocolLevel", "1"},
                         {"X#NodeArchitecture", "ours/0.1"},
                         {"X-com.example.key", ""},
                         {"CHAP_C", "0x" + std::string(1024, 'a')}};
    auto const parsed = parse(encode(kvs));
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(*parsed, kvs);
}

TEST(KeyValue, EmptyTextHasNoPairs)
{
    auto const parsed = parse_text("");
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->empty());
}

// Some targets pad the data segment with extra nulls; they carry no pair.
TEST(KeyValue, SkipsEmptyStringsBetweenNulls)
{
    auto const parsed = parse_text("\0A=1\0\0\0B=2\0\0"s);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, (key_values{{"A", "1"}, {"B", "2"}}));
}

TEST(KeyValue, ValueRunsToTheNullAndMayHoldEqualsSigns)
{
    auto const parsed = parse_text("TargetAddress=[fe80::1]:3260,1\0K==\0"s);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, (key_values{{"TargetAddress", "[fe80::1]:3260,1"}, {"K", "="}}));
}

TEST(KeyValue, FindReturnsTheFirstValueOrNull)
{
    key_values const kvs{{"TargetName", "a"}, {"TargetAddress", "x"}, {"TargetName", "b"}};
    ASSERT_NE(find(kvs, "TargetName"), nullptr);
    EXPECT_EQ(*find(kvs, "TargetName"), "a");
    EXPECT_EQ(find(kvs, "targetname"), nullptr); // key names are case-sensitive
    EXPECT_EQ(find(kvs, "Missing"), nullptr);
}

struct malformed_case {
    std::string_view label;
    std::string text;
    errc expected;
};

class MalformedText : public ::testing::TestWithParam<malformed_case> {};

TEST_P(MalformedText, FailsWithItsSpecificErrorAndADiagnostic)
{
    text_limits limits;
    limits.max_value_length = 16;
    limits.max_pairs = 3;
    limits.max_total_bytes = 80;
    diagnostics diag;
    auto const parsed = parse_text(GetParam().text, limits, &diag);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error(), GetParam().expected);
    EXPECT_FALSE(diag.message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Section6_1, MalformedText,
    ::testing::Values(
        malformed_case{"NoEquals", "HeaderDigest\0"s, errc::missing_separator},
        malformed_case{"NoEqualsAfterGoodPair", "A=1\0B\0"s, errc::missing_separator},
        malformed_case{"LastPairUnterminated", "A=1\0B=2"s, errc::missing_terminator},
        malformed_case{"OnlyUnterminated", "A"s, errc::missing_terminator},
        malformed_case{"KeyOf64Bytes", std::string(64, 'K') + "=1\0"s, errc::key_too_long},
        malformed_case{"EmptyKey", "=1\0"s, errc::bad_key_name},
        malformed_case{"KeyStartsWithDigit", "1Key=1\0"s, errc::bad_key_name},
        malformed_case{"KeyWithSpace", "Key Name=1\0"s, errc::bad_key_name},
        malformed_case{"KeyWithSlash", "Key/Name=1\0"s, errc::bad_key_name},
        malformed_case{"KeyWithHighByte", "K\xc3\xa9=1\0"s, errc::bad_key_name},
        malformed_case{"ValueOverLimit", "A="s + std::string(17, 'v') + "\0"s, errc::value_too_long},
        malformed_case{"TooManyPairs", "A=1\0B=2\0C=3\0D=4\0"s, errc::too_many_pairs},
        malformed_case{"TextOverLimit", std::string(81, '\0'), errc::text_too_long}),
    [](auto const& p) { return std::string(p.param.label); });

TEST(KeyValue, LimitsAreInclusive)
{
    text_limits limits;
    limits.max_value_length = 4;
    limits.max_pairs = 2;
    std::string const text = std::string(63, 'K') + "=vvvv" + std::string(1, '\0') + "B=1" + std::string(1, '\0');
    limits.max_total_bytes = text.size();
    auto const parsed = parse_text(text, limits);
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(parsed->size(), 2U);
}

TEST(KeyValue, AcceptsKeyNamesOfRegisteredAndExtensionKeys)
{
    for (std::string_view key : {"iSCSIProtocolLevel", "X#NodeArchitecture", "X-com.example-1+a@b_c", "CHAP_A"}) {
        auto const parsed = parse_text(std::string(key) + "=1" + std::string(1, '\0'));
        EXPECT_TRUE(parsed) << key;
    }
}

TEST(KeyValue, DiagnosticNamesTheOffendingKey)
{
    diagnostics diag;
    auto const parsed = parse_text("Bad Key=1" + std::string(1, '\0'), {}, &diag);
    ASSERT_FALSE(parsed);
    EXPECT_NE(diag.message.find("Bad Key"), std::string::npos) << diag.message;
}

TEST(TextErrors, HaveReadableMessagesAndRecoveryClasses)
{
    std::error_code const ec = errc::missing_terminator;
    EXPECT_STREQ(ec.category().name(), "iscsi.text");
    EXPECT_NE(ec.message().find("null byte"), std::string::npos);
    EXPECT_EQ(recovery_for(ec), recovery::drop_connection);
    EXPECT_EQ(recovery_for(errc::negotiation_failed), recovery::fail_session);
    EXPECT_EQ(recovery_for(errc::burst_length_conflict), recovery::fail_session);
    EXPECT_EQ(recovery_for(errc::bad_offer), recovery::report_to_user);
    for (int v = static_cast<int>(errc::missing_separator); v <= static_cast<int>(errc::bad_offer); ++v) {
        std::error_code const e{v, text_category()};
        EXPECT_EQ(e.message().back(), '.') << v;
        EXPECT_EQ(e.message().find("Unknown"), std::string::npos) << v;
    }
}

} // namespace
} // namespace iscsi::text
