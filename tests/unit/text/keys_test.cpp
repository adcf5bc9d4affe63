#include "iscsi/text/keys.hpp"

#include "iscsi/text/values.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

namespace iscsi::text {
namespace {

// ---- the table against RFC 7143 §13 ------------------------------------------

struct row_case {
    std::string_view name;
    key_kind kind;
    key_scope scope;
    bool leading_only;
    bool irrelevant_in_discovery;
    std::string_view default_value;
    std::uint64_t min, max;
};

class KeyTableRow : public ::testing::TestWithParam<row_case> {};

TEST_P(KeyTableRow, MatchesSection13)
{
    auto const& c = GetParam();
    auto const* row = find_key(c.name);
    ASSERT_NE(row, nullptr) << c.name;
    EXPECT_EQ(row->name, c.name);
    EXPECT_EQ(row->kind, c.kind);
    EXPECT_EQ(row->scope, c.scope);
    EXPECT_EQ(row->leading_only, c.leading_only);
    EXPECT_EQ(row->irrelevant_in_discovery, c.irrelevant_in_discovery);
    EXPECT_EQ(row->default_value, c.default_value);
    EXPECT_EQ(row->min, c.min);
    EXPECT_EQ(row->max, c.max);
    EXPECT_EQ(&key_info(row->id), row);
}

using k = key_kind;
using s = key_scope;
constexpr std::uint64_t seg = 16777215;
INSTANTIATE_TEST_SUITE_P(
    Rfc7143, KeyTableRow,
    ::testing::Values(
        row_case{"HeaderDigest", k::list, s::connection, false, false, "None", 0, 0},
        row_case{"DataDigest", k::list, s::connection, false, false, "None", 0, 0},
        row_case{"MaxConnections", k::numerical_min, s::session, true, true, "1", 1, 65535},
        row_case{"SendTargets", k::declarative, s::session, false, false, "", 0, 0},
        row_case{"TargetName", k::declarative, s::session, false, false, "", 0, 0},
        row_case{"InitiatorName", k::declarative, s::session, false, false, "", 0, 0},
        row_case{"TargetAlias", k::declarative, s::session, false, false, "", 0, 0},
        row_case{"InitiatorAlias", k::declarative, s::session, false, false, "", 0, 0},
        row_case{"TargetAddress", k::declarative, s::session, false, false, "", 0, 0},
        row_case{"TargetPortalGroupTag", k::declarative, s::session, false, false, "", 0, 65535},
        row_case{"InitialR2T", k::boolean_or, s::session, true, true, "Yes", 0, 0},
        row_case{"ImmediateData", k::boolean_and, s::session, true, true, "Yes", 0, 0},
        row_case{"MaxRecvDataSegmentLength", k::declarative, s::connection, false, false, "8192", 512, seg},
        row_case{"MaxBurstLength", k::numerical_min, s::session, true, true, "262144", 512, seg},
        row_case{"FirstBurstLength", k::numerical_min, s::session, true, true, "65536", 512, seg},
        row_case{"DefaultTime2Wait", k::numerical_max, s::session, true, false, "2", 0, 3600},
        row_case{"DefaultTime2Retain", k::numerical_min, s::session, true, false, "20", 0, 3600},
        row_case{"MaxOutstandingR2T", k::numerical_min, s::session, true, true, "1", 1, 65535},
        row_case{"DataPDUInOrder", k::boolean_or, s::session, true, true, "Yes", 0, 0},
        row_case{"DataSequenceInOrder", k::boolean_or, s::session, true, true, "Yes", 0, 0},
        row_case{"ErrorRecoveryLevel", k::numerical_min, s::session, true, false, "0", 0, 2},
        row_case{"SessionType", k::declarative, s::session, true, false, "Normal", 0, 0},
        row_case{"AuthMethod", k::list, s::connection, false, false, "None", 0, 0},
        row_case{"TaskReporting", k::list, s::session, true, true, "RFC3720", 0, 0},
        row_case{"iSCSIProtocolLevel", k::numerical_min, s::session, true, true, "1", 0, 31},
        row_case{"OFMarker", k::obsolete, s::connection, false, false, "No", 0, 0},
        row_case{"IFMarker", k::obsolete, s::connection, false, false, "No", 0, 0},
        row_case{"OFMarkInt", k::obsolete, s::connection, false, false, "2048", 0, 0},
        row_case{"IFMarkInt", k::obsolete, s::connection, false, false, "2048", 0, 0}),
    [](auto const& p) { return std::string(p.param.name); });

TEST(KeyTable, HoldsEveryKeyOnceInIdOrder)
{
    auto const table = key_table();
    ASSERT_EQ(table.size(), key_count);
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < table.size(); ++i) {
        EXPECT_EQ(static_cast<std::size_t>(table[i].id), i);
        EXPECT_TRUE(names.insert(table[i].name).second) << table[i].name;
        EXPECT_FALSE(table[i].section.empty()) << table[i].name;
    }
}

TEST(KeyTable, LookupIsCaseSensitiveAndIgnoresExtensionKeys)
{
    EXPECT_EQ(find_key("headerdigest"), nullptr);
    EXPECT_EQ(find_key("X-com.example.key"), nullptr);
    EXPECT_EQ(find_key(""), nullptr);
}

// Every numerical default lies in its range, and every key the initiator
// offers is bound to both a field of the offer and of the result.
TEST(KeyTable, DefaultsAndBindingsAreConsistent)
{
    for (auto const& row : key_table()) {
        bool const numeric = row.kind == key_kind::numerical_min || row.kind == key_kind::numerical_max;
        if (numeric) {
            auto const d = parse_number(row.default_value);
            ASSERT_TRUE(d) << row.name;
            EXPECT_GE(*d, row.min) << row.name;
            EXPECT_LE(*d, row.max) << row.name;
        }
        auto const& b = row.binding;
        EXPECT_EQ(b.offer_number != nullptr, b.number_field != nullptr) << row.name;
        EXPECT_EQ(b.offer_bool != nullptr, b.bool_field != nullptr) << row.name;
        EXPECT_EQ(b.offer_digests != nullptr, b.digest_field != nullptr) << row.name;
        if (b.offered()) {
            EXPECT_NE(row.sender, key_sender::target) << row.name;
        }
    }
}

TEST(KeyTable, SendersFollowSection13)
{
    for (auto name : {"InitiatorName", "InitiatorAlias", "SessionType", "SendTargets"})
        EXPECT_EQ(find_key(name)->sender, key_sender::initiator) << name;
    for (auto name : {"TargetAlias", "TargetAddress", "TargetPortalGroupTag"})
        EXPECT_EQ(find_key(name)->sender, key_sender::target) << name;
    EXPECT_EQ(find_key("AuthMethod")->stage, key_stage::security);
    EXPECT_EQ(find_key("SendTargets")->use, key_use::full_feature_only);
}

// ---- result functions, one parameterised suite per rule -----------------------

struct numerical_case {
    key_kind kind;
    std::uint64_t offered, ours, selected;
};
class NumericalSelection : public ::testing::TestWithParam<numerical_case> {};

TEST_P(NumericalSelection, ResponderSelectsByTheResultFunction)
{
    auto const& c = GetParam();
    auto const selected = select_numerical(c.kind, c.offered, c.ours);
    EXPECT_EQ(selected, c.selected);
    // Whatever a responder selects is a permitted answer for the originator.
    EXPECT_TRUE(numerical_answer_permitted(c.kind, c.offered, selected));
}

INSTANTIATE_TEST_SUITE_P(MinAndMax, NumericalSelection,
                         ::testing::Values(numerical_case{k::numerical_min, 262144, 65536, 65536},
                                           numerical_case{k::numerical_min, 512, 16776192, 512},
                                           numerical_case{k::numerical_min, 7, 7, 7},
                                           numerical_case{k::numerical_min, 0, 0, 0},
                                           numerical_case{k::numerical_max, 2, 10, 10},
                                           numerical_case{k::numerical_max, 3600, 0, 3600},
                                           numerical_case{k::numerical_max, 5, 5, 5}));

struct permitted_case {
    key_kind kind;
    std::uint64_t offered, answer;
    bool permitted;
};
class NumericalAnswer : public ::testing::TestWithParam<permitted_case> {};

TEST_P(NumericalAnswer, OriginatorChecksTheResultFunction)
{
    auto const& c = GetParam();
    EXPECT_EQ(numerical_answer_permitted(c.kind, c.offered, c.answer), c.permitted);
}

INSTANTIATE_TEST_SUITE_P(MinAndMax, NumericalAnswer,
                         ::testing::Values(permitted_case{k::numerical_min, 100, 99, true},
                                           permitted_case{k::numerical_min, 100, 100, true},
                                           permitted_case{k::numerical_min, 100, 101, false},
                                           permitted_case{k::numerical_min, 0, 0, true},
                                           permitted_case{k::numerical_max, 100, 101, true},
                                           permitted_case{k::numerical_max, 100, 100, true},
                                           permitted_case{k::numerical_max, 100, 99, false},
                                           permitted_case{k::numerical_max, 0, 0, true}));

struct boolean_case {
    key_kind kind;
    bool offered, ours, selected;
    bool answer_optional;
};
class BooleanRule : public ::testing::TestWithParam<boolean_case> {};

TEST_P(BooleanRule, TruthTable)
{
    auto const& c = GetParam();
    EXPECT_EQ(select_boolean(c.kind, c.offered, c.ours), c.selected);
    EXPECT_EQ(boolean_answer_optional(c.kind, c.offered), c.answer_optional);
    EXPECT_TRUE(boolean_answer_permitted(c.kind, c.offered, c.selected));
    // When the offer decides the outcome, the opposite answer is illegal.
    EXPECT_EQ(boolean_answer_permitted(c.kind, c.offered, !c.selected), !c.answer_optional);
}

INSTANTIATE_TEST_SUITE_P(AndOr, BooleanRule,
                         ::testing::Values(boolean_case{k::boolean_and, true, true, true, false},
                                           boolean_case{k::boolean_and, true, false, false, false},
                                           boolean_case{k::boolean_and, false, true, false, true},
                                           boolean_case{k::boolean_and, false, false, false, true},
                                           boolean_case{k::boolean_or, true, true, true, true},
                                           boolean_case{k::boolean_or, true, false, true, true},
                                           boolean_case{k::boolean_or, false, true, true, false},
                                           boolean_case{k::boolean_or, false, false, false, false}));

struct list_case {
    std::string_view offered;
    std::vector<std::string_view> acceptable;
    std::optional<std::string_view> selected;
};
class ListSelection : public ::testing::TestWithParam<list_case> {};

TEST_P(ListSelection, FirstAcceptableValueOfTheOffer)
{
    auto const& c = GetParam();
    EXPECT_EQ(select_from_list(c.offered, c.acceptable), c.selected);
}

INSTANTIATE_TEST_SUITE_P(
    Section6_2_1, ListSelection,
    ::testing::Values(list_case{"CRC32C,None", {"None", "CRC32C"}, "CRC32C"},  // offer order wins
                      list_case{"None,CRC32C", {"CRC32C", "None"}, "None"},
                      list_case{"CRC32C", {"None"}, std::nullopt},               // → Reject
                      list_case{"Foo,None", {"None", "CRC32C"}, "None"},         // unknown values ignored
                      list_case{"FastAbort,ResponseFence,RFC3720", {"RFC3720"}, "RFC3720"},
                      list_case{"", {"None"}, std::nullopt}));

TEST(Digests, NamesRoundTrip)
{
    EXPECT_EQ(to_string(digest::crc32c), "CRC32C");
    EXPECT_EQ(to_string(digest::none), "None");
    EXPECT_EQ(parse_digest("CRC32C"), digest::crc32c);
    EXPECT_EQ(parse_digest("None"), digest::none);
    EXPECT_FALSE(parse_digest("crc32c"));
    EXPECT_FALSE(parse_digest("CRC32C,None"));
}

} // namespace
} // namespace iscsi::text
