#include "iscsi/text/values.hpp"

#include <gtest/gtest.h>

namespace iscsi::text {
namespace {

TEST(Values, NumbersAreDecimalOrHexConstants)
{
    EXPECT_EQ(parse_number("0"), 0U);
    EXPECT_EQ(parse_number("262144"), 262144U);
    EXPECT_EQ(parse_number("0x40000"), 262144U);
    EXPECT_EQ(parse_number("0XfFfF"), 65535U);
    EXPECT_EQ(parse_number("18446744073709551615"), 18446744073709551615ULL);
    EXPECT_EQ(parse_number("0xffffffffffffffff"), 18446744073709551615ULL);
}

TEST(Values, RejectsMalformedNumbers)
{
    for (std::string_view v : {"", "-1", "+1", " 1", "1 ", "1a", "0x", "0xg", "18446744073709551616",
                               "0x10000000000000000", "Yes"})
        EXPECT_FALSE(parse_number(v)) << v;
}

TEST(Values, BooleansAreExactlyYesOrNo)
{
    EXPECT_EQ(parse_boolean("Yes"), true);
    EXPECT_EQ(parse_boolean("No"), false);
    for (std::string_view v : {"yes", "NO", "", "1", "True"})
        EXPECT_FALSE(parse_boolean(v)) << v;
    EXPECT_EQ(format_boolean(true), "Yes");
    EXPECT_EQ(format_boolean(false), "No");
}

TEST(Values, ListsSplitAtCommas)
{
    EXPECT_EQ(split_list("CRC32C,None"), (std::vector<std::string_view>{"CRC32C", "None"}));
    EXPECT_EQ(split_list("None"), (std::vector<std::string_view>{"None"}));
    EXPECT_EQ(split_list(""), (std::vector<std::string_view>{""}));
    EXPECT_EQ(split_list("a,,b,"), (std::vector<std::string_view>{"a", "", "b", ""}));
}

TEST(Values, ReservedAnswersAndExtensionKeys)
{
    EXPECT_TRUE(is_reserved_answer("Reject"));
    EXPECT_TRUE(is_reserved_answer("Irrelevant"));
    EXPECT_TRUE(is_reserved_answer("NotUnderstood"));
    EXPECT_FALSE(is_reserved_answer("None"));
    EXPECT_TRUE(is_extension_key("X-com.example.foo"));
    EXPECT_TRUE(is_extension_key("X#NodeArchitecture"));
    EXPECT_FALSE(is_extension_key("X-"));
    EXPECT_FALSE(is_extension_key("XMarker"));
}

} // namespace
} // namespace iscsi::text
