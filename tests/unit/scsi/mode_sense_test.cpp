#include "iscsi/scsi/mode_sense.hpp"

#include "bytes.hpp"
#include "iscsi/scsi/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::scsi {
namespace {

using test::bytes;

// MODE SENSE(6) of a write-protected disk: header, one 8-byte block
// descriptor, the Caching page (08h, length 12h) with WCE set.
std::vector<std::byte> mode6_with_caching()
{
    return bytes({
        0x1f, 0x00, 0x90, 0x08,                          // length 31, WP | DPOFUA, bd 8
        0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,  // 2097152 blocks of 512
        0x88, 0x12, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    });
}

TEST(ModeSense6, HeaderBlockDescriptorAndCachingPage)
{
    auto const mp = parse_mode_sense6(mode6_with_caching());
    ASSERT_TRUE(mp);
    EXPECT_TRUE(mp->write_protected);
    EXPECT_TRUE(mp->dpofua);
    ASSERT_TRUE(mp->block);
    EXPECT_EQ(mp->block->blocks, 0x200000U);
    EXPECT_EQ(mp->block->block_length, 512U);
    ASSERT_EQ(mp->pages.size(), 1U);
    EXPECT_TRUE(mp->pages[0].parameters_savable);
    EXPECT_FALSE(mp->truncated);

    auto const* page = find_mode_page(*mp, mode_page_caching);
    ASSERT_NE(page, nullptr);
    auto const caching = parse_caching_page(*page);
    ASSERT_TRUE(caching);
    EXPECT_TRUE(caching->wce);
    EXPECT_FALSE(caching->rcd);
    EXPECT_EQ(find_mode_page(*mp, mode_page_control), nullptr);
}

TEST(ModeSense6, PageCutByAllocationLengthIsDroppedAndReported)
{
    auto data = mode6_with_caching();
    data.resize(16);
    auto const mp = parse_mode_sense6(data);
    ASSERT_TRUE(mp);
    EXPECT_TRUE(mp->truncated);
    EXPECT_TRUE(mp->write_protected);
    EXPECT_TRUE(mp->pages.empty());
}

TEST(ModeSense6, HeaderOnlyIsEnoughForWriteProtect)
{
    auto const mp = parse_mode_sense6(bytes({0x03, 0x00, 0x00, 0x00}));
    ASSERT_TRUE(mp);
    EXPECT_FALSE(mp->write_protected);
    EXPECT_FALSE(mp->block);
    EXPECT_EQ(parse_mode_sense6(bytes({0x03, 0x00, 0x80})).error(), make_error_code(errc::short_response));
}

TEST(ModeSense6, ModeDataLengthShorterThanTheHeaderIsReadAsHeaderOnly)
{
    // Found by sense_fuzz: MODE DATA LENGTH 0 with a block descriptor length.
    auto const mp = parse_mode_sense6(bytes({0x00, 0x06, 0x80, 0x08, 0, 0, 0, 0}));
    ASSERT_TRUE(mp);
    EXPECT_TRUE(mp->write_protected);
    EXPECT_FALSE(mp->block);
    EXPECT_TRUE(mp->pages.empty());
    EXPECT_TRUE(mp->truncated);
}

TEST(ModeSense10, LongLbaBlockDescriptorAndSubpage)
{
    auto const data = bytes({
        0x00, 0x22, 0x00, 0x00, 0x01, 0x00, 0x00, 0x10, // length 34, LONGLBA, bd 16
        0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00, // 2^32 blocks of 4096
        0x4a, 0x01, 0x00, 0x04, 0xaa, 0xbb, 0xcc, 0xdd, // Control Extension 0Ah/01h
        0x08, 0x01, 0x01,                               // Caching, RCD only (short page)
    });
    auto const mp = parse_mode_sense10(data);
    ASSERT_TRUE(mp);
    ASSERT_TRUE(mp->block);
    EXPECT_EQ(mp->block->blocks, 0x100000000ULL);
    EXPECT_EQ(mp->block->block_length, 4096U);
    ASSERT_EQ(mp->pages.size(), 2U);
    EXPECT_EQ(mp->pages[0].code, 0x0a);
    EXPECT_EQ(mp->pages[0].subpage, 0x01);
    EXPECT_EQ(mp->pages[0].bytes.size(), 8U);
    ASSERT_NE(find_mode_page(*mp, mode_page_control, 0x01), nullptr);
    auto const caching = parse_caching_page(mp->pages[1]);
    ASSERT_TRUE(caching);
    EXPECT_TRUE(caching->rcd);
    EXPECT_FALSE(caching->wce);
    EXPECT_EQ(parse_caching_page(mp->pages[0]).error(), make_error_code(errc::short_response));
}

TEST(ModeSense10, BlockDescriptorLengthBeyondTheData)
{
    auto const mp = parse_mode_sense10(bytes({0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff}));
    ASSERT_TRUE(mp);
    EXPECT_TRUE(mp->truncated);
    EXPECT_FALSE(mp->block);
    EXPECT_EQ(parse_mode_sense10(bytes({0, 6, 0, 0, 0, 0, 0})).error(), make_error_code(errc::short_response));
}

} // namespace
} // namespace iscsi::scsi
