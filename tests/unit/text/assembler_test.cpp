#include "iscsi/text/assembler.hpp"

#include "iscsi/text/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::text {
namespace {

key_values const sample{{"TargetName", "iqn.2003-01.org.linux-iscsi.host:sn.1234"},
                        {"TargetAddress", "192.0.2.10:3260,1"},
                        {"TargetAddress", "[2001:db8::1]:3260,1"},
                        {"TargetName", "iqn.2003-01.org.linux-iscsi.host:sn.5678"}};

// §6.2: "a key=value pair can span PDU boundaries". Cut the text at every
// byte, feed the halves as two PDUs (C=1 then C=0), and get the same pairs.
TEST(TextAssembler, JoinsTwoSegmentsCutAtEverySplitPoint)
{
    auto const text = encode(sample);
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        text_assembler a;
        std::span<std::byte const> const all(text);
        ASSERT_TRUE(a.append(all.first(cut), true));
        EXPECT_FALSE(a.complete()) << cut;
        ASSERT_TRUE(a.append(all.subspan(cut), false));
        ASSERT_TRUE(a.complete());
        auto const parsed = a.take();
        ASSERT_TRUE(parsed) << "cut at " << cut << ": " << parsed.error().message();
        EXPECT_EQ(*parsed, sample) << cut;
        EXPECT_FALSE(a.complete());
        EXPECT_TRUE(a.bytes().empty());
    }
}

// The sending side: split() at every chunk size, then the receiving side
// joins the chunks with C=1 on all but the last.
TEST(TextAssembler, SplitChunksReassembleForEveryChunkSize)
{
    auto const text = encode(sample);
    for (std::size_t n = 1; n <= text.size() + 1; ++n) {
        auto const chunks = split(text, n);
        ASSERT_EQ(chunks.size(), (text.size() + n - 1) / n) << n;
        text_assembler a;
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            EXPECT_LE(chunks[i].size(), n);
            EXPECT_FALSE(chunks[i].empty());
            ASSERT_TRUE(a.append(chunks[i], i + 1 < chunks.size()));
        }
        ASSERT_TRUE(a.complete());
        EXPECT_TRUE(std::equal(a.bytes().begin(), a.bytes().end(), text.begin(), text.end())) << n;
        auto const parsed = a.take();
        ASSERT_TRUE(parsed);
        EXPECT_EQ(*parsed, sample);
    }
}

TEST(TextAssembler, EmptyTextSplitsIntoOneEmptyFinalChunk)
{
    auto const chunks = split({}, 8192);
    ASSERT_EQ(chunks.size(), 1U);
    EXPECT_TRUE(chunks[0].empty());
}

TEST(TextAssembler, ChunkSizeZeroIsTreatedAsOne)
{
    std::vector<std::byte> const text{std::byte{'A'}, std::byte{'='}, std::byte{0}};
    EXPECT_EQ(split(text, 0).size(), 3U);
}

// Habit 16: a target that keeps setting C must not grow our buffer forever.
TEST(TextAssembler, RefusesTextBeyondTheLimitAndResets)
{
    text_assembler a(10);
    std::vector<std::byte> const six(6, std::byte{'a'});
    ASSERT_TRUE(a.append(six, true));
    diagnostics diag;
    auto const r = a.append(six, true, &diag);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::text_too_long);
    EXPECT_NE(diag.message.find("12 bytes"), std::string::npos) << diag.message;
    EXPECT_TRUE(a.bytes().empty());
    // Exactly at the limit is fine.
    std::vector<std::byte> const four(4, std::byte{'a'});
    EXPECT_TRUE(a.append(six, true));
    EXPECT_TRUE(a.append(four, false));
    EXPECT_TRUE(a.complete());
}

TEST(TextAssembler, AppendAfterCompletionStartsANewText)
{
    text_assembler a;
    auto const first = encode({{"A", "1"}});
    auto const second = encode({{"B", "2"}});
    ASSERT_TRUE(a.append(first, false));
    ASSERT_TRUE(a.append(second, false));
    auto const parsed = a.take();
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, (key_values{{"B", "2"}}));
}

TEST(TextAssembler, TakeReportsParseErrorsOfTheJoinedText)
{
    text_assembler a;
    std::vector<std::byte> const unterminated{std::byte{'A'}, std::byte{'='}, std::byte{'1'}};
    ASSERT_TRUE(a.append(unterminated, false));
    auto const parsed = a.take();
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error(), errc::missing_terminator);
}

} // namespace
} // namespace iscsi::text
