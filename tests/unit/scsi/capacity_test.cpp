#include "iscsi/scsi/capacity.hpp"

#include "bytes.hpp"
#include "iscsi/scsi/errors.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace iscsi::scsi {
namespace {

using test::bytes;

TEST(ReadCapacity10, LastLbaAndBlockLength)
{
    // 1 GiB of 512-byte blocks: last LBA 1FFFFFh.
    auto const c = parse_read_capacity10(bytes({0x00, 0x1f, 0xff, 0xff, 0x00, 0x00, 0x02, 0x00}));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->last_lba, 0x1fffffU);
    EXPECT_EQ(c->block_size, 512U);
    EXPECT_EQ(c->blocks(), 0x200000U);
    EXPECT_EQ(c->bytes(), 1ULL << 30);
    EXPECT_FALSE(c->needs_read_capacity16());
}

TEST(ReadCapacity10, AllOnesMeansAskAgainWithReadCapacity16)
{
    auto const c = parse_read_capacity10(bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x10, 0x00}));
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->needs_read_capacity16());
}

TEST(ReadCapacity10, ShortDataAndZeroBlockLengthAreErrors)
{
    EXPECT_EQ(parse_read_capacity10(bytes({0, 0, 0, 1, 0, 0, 2})).error(), make_error_code(errc::short_response));
    EXPECT_EQ(parse_read_capacity10(bytes({0, 0, 0, 1, 0, 0, 0, 0})).error(), make_error_code(errc::bad_capacity));
}

TEST(ReadCapacity16, ThinProvisionedDiskWith4KPhysicalBlocks)
{
    auto const c = parse_read_capacity16(bytes({
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // last LBA 2^32
        0x00, 0x00, 0x02, 0x00,                         // 512-byte blocks
        0x03,                                           // P_TYPE 1, PROT_EN: type 2
        0x03,                                           // 8 logical per physical
        0xc0, 0x07,                                     // LBPME, LBPRZ, lowest aligned 7
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    }));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->last_lba, 0x100000000ULL);
    EXPECT_EQ(c->blocks(), 0x100000001ULL);
    EXPECT_EQ(c->block_size, 512U);
    EXPECT_TRUE(c->protection_enabled);
    EXPECT_EQ(c->protection_type, 2);
    EXPECT_EQ(c->physical_exponent, 3);
    EXPECT_EQ(c->physical_block_size(), 4096U);
    EXPECT_TRUE(c->lbpme);
    EXPECT_TRUE(c->lbprz);
    EXPECT_EQ(c->lowest_aligned_lba, 7);
}

TEST(ReadCapacity16, TwelveBytesAreEnoughForTheSize)
{
    auto const c = parse_read_capacity16(bytes({0, 0, 0, 0, 0, 0, 0x0f, 0xff, 0, 0, 0x10, 0}));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->blocks(), 0x1000U);
    EXPECT_EQ(c->block_size, 4096U);
    EXPECT_FALSE(c->lbpme);
    EXPECT_EQ(parse_read_capacity16(bytes({0, 0, 0, 0, 0, 0, 0x0f, 0xff, 0, 0, 0x10})).error(),
              make_error_code(errc::short_response));
}

TEST(Capacity, BytesSaturatesInsteadOfWrapping)
{
    capacity c;
    c.last_lba = std::numeric_limits<std::uint64_t>::max() - 1;
    c.block_size = 512;
    EXPECT_EQ(c.bytes(), std::numeric_limits<std::uint64_t>::max());
}

} // namespace
} // namespace iscsi::scsi
