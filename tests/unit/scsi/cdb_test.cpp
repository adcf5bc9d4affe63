#include "iscsi/scsi/cdb.hpp"

#include "bytes.hpp"
#include "iscsi/scsi/errors.hpp"

#include <gtest/gtest.h>

#include <array>
#include <limits>

namespace iscsi::scsi {
namespace {

using test::bytes;
using test::to_vector;

// Each expected CDB below is written out by hand from the SPC-4 / SBC-3
// table for that command, not computed by the code under test.

TEST(Cdb, TestUnitReadyIsSixZeroBytesWithNoData)
{
    auto const c = test_unit_ready();
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x00, 0, 0, 0, 0, 0}));
    EXPECT_EQ(c.dir, data_direction::none);
    EXPECT_EQ(c.expected_length, 0U);
}

TEST(Cdb, InquiryPutsAllocationLengthInBytes3And4)
{
    auto const c = inquiry(0x0160);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x12, 0x00, 0x00, 0x01, 0x60, 0x00}));
    EXPECT_EQ(c.dir, data_direction::read);
    EXPECT_EQ(c.expected_length, 0x160U);
    EXPECT_EQ(inquiry().expected_length, 96U);
}

TEST(Cdb, InquiryVpdSetsEvpdAndPageCode)
{
    auto const c = inquiry_vpd(0x83, 0xff);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x12, 0x01, 0x83, 0x00, 0xff, 0x00}));
    EXPECT_EQ(c.expected_length, 255U);
}

TEST(Cdb, ReportLunsIsTwelveBytesWithA32BitAllocationLength)
{
    auto const c = report_luns(0x00012345);
    EXPECT_EQ(to_vector(c.cdb_.view()),
              bytes({0xa0, 0x00, 0x00, 0, 0, 0, 0x00, 0x01, 0x23, 0x45, 0x00, 0x00}));
    EXPECT_EQ(c.dir, data_direction::read);
    EXPECT_EQ(c.expected_length, 0x12345U);
}

TEST(Cdb, ReportLunsRaisesAllocationLengthBelowSixteen)
{
    auto const c = report_luns(4);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0}));
    EXPECT_EQ(c.expected_length, 16U);
}

TEST(Cdb, ReadCapacity10HasOnlyTheOpcode)
{
    auto const c = read_capacity10();
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(c.dir, data_direction::read);
    EXPECT_EQ(c.expected_length, 8U);
}

TEST(Cdb, ReadCapacity16IsServiceActionInWithServiceAction10h)
{
    auto const c = read_capacity16();
    EXPECT_EQ(to_vector(c.cdb_.view()),
              bytes({0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00}));
    EXPECT_EQ(c.expected_length, 32U);
}

TEST(Cdb, Read10CarriesLbaAndTransferLength)
{
    auto const c = read10(0x12345678, 0x0102, 512);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x28, 0x00, 0x12, 0x34, 0x56, 0x78, 0x00, 0x01, 0x02, 0x00}));
    EXPECT_EQ(c.dir, data_direction::read);
    EXPECT_EQ(c.expected_length, 0x0102U * 512U);
}

TEST(Cdb, Write10WithFuaAndDpoSetsBits3And4OfByte1)
{
    auto const c = write10(7, 8, 4096, rw_flags{.fua = true, .dpo = true});
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x2a, 0x18, 0, 0, 0, 7, 0x00, 0x00, 0x08, 0x00}));
    EXPECT_EQ(c.dir, data_direction::write);
    EXPECT_EQ(c.expected_length, 8U * 4096U);
}

TEST(Cdb, Read16CarriesA64BitLba)
{
    auto const c = read16(0x0102030405060708ULL, 0x0a0b0c0d, 1);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x88, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                               0x0a, 0x0b, 0x0c, 0x0d, 0x00, 0x00}));
    EXPECT_EQ(c.expected_length, 0x0a0b0c0dU);
}

TEST(Cdb, Write16WithFua)
{
    auto const c = write16(0x100000000ULL, 1, 512, rw_flags{.fua = true});
    EXPECT_EQ(to_vector(c.cdb_.view()),
              bytes({0x8a, 0x08, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}));
    EXPECT_EQ(c.dir, data_direction::write);
    EXPECT_EQ(c.expected_length, 512U);
}

TEST(Cdb, ReadBlocksUsesRead10WhileLbaAndCountFit)
{
    auto const c = read_blocks(0xffffffffULL, 0xffff, 512);
    ASSERT_TRUE(c);
    EXPECT_EQ(to_vector(c->cdb_.view()), bytes({0x28, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0}));
    EXPECT_EQ(c->expected_length, 0xffffU * 512U);
}

TEST(Cdb, ReadBlocksSwitchesTo16ForLbaBeyond32Bits)
{
    auto const c = read_blocks(0x100000000ULL, 1, 512);
    ASSERT_TRUE(c);
    EXPECT_EQ(to_vector(c->cdb_.view()),
              bytes({0x88, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0}));
}

TEST(Cdb, WriteBlocksSwitchesTo16ForCountBeyond16Bits)
{
    auto const c = write_blocks(0, 0x10000, 512);
    ASSERT_TRUE(c);
    EXPECT_EQ(to_vector(c->cdb_.view()),
              bytes({0x8a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0x00, 0, 0}));
    EXPECT_EQ(c->dir, data_direction::write);
    EXPECT_EQ(c->expected_length, 0x10000U * 512U);
}

TEST(Cdb, ReadBlocksRefusesTransfersAbove32Bits)
{
    // 2^23 blocks of 512 bytes is exactly 4 GiB: one byte too many for
    // the Expected Data Transfer Length (RFC 7143 §11.3.5).
    auto const c = read_blocks(0, 1U << 23, 512);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), make_error_code(errc::transfer_too_large));
    EXPECT_EQ(recovery_for(c.error()), recovery::report_to_user);
    EXPECT_TRUE(read_blocks(0, (1U << 23) - 1, 512));
}

TEST(Cdb, WriteBlocksRefusesRangesThatWrapTheLbaSpace)
{
    auto const max = std::numeric_limits<std::uint64_t>::max();
    EXPECT_EQ(write_blocks(max, 2, 512).error(), make_error_code(errc::lba_out_of_range));
    EXPECT_TRUE(write_blocks(max, 1, 512)); // the very last block is addressable
}

TEST(Cdb, SynchronizeCache10DefaultsToWholeMedium)
{
    EXPECT_EQ(to_vector(synchronize_cache10().cdb_.view()), bytes({0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    auto const c = synchronize_cache10(0x01020304, 0x0506, true);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x35, 0x02, 0x01, 0x02, 0x03, 0x04, 0x00, 0x05, 0x06, 0x00}));
    EXPECT_EQ(c.dir, data_direction::none);
    EXPECT_EQ(c.expected_length, 0U);
}

TEST(Cdb, SynchronizeCache16)
{
    auto const c = synchronize_cache16(0x1122334455667788ULL, 0x99aabbcc, true);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x91, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                               0x99, 0xaa, 0xbb, 0xcc, 0x00, 0x00}));
}

TEST(Cdb, ModeSense6PacksPageControlAndPageCode)
{
    auto const c = mode_sense6(mode_page_caching, 0, 0xc0, page_control::changeable, true);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x1a, 0x08, 0x48, 0x00, 0xc0, 0x00}));
    EXPECT_EQ(c.dir, data_direction::read);
    EXPECT_EQ(c.expected_length, 0xc0U);
    EXPECT_EQ(to_vector(mode_sense6().cdb_.view()), bytes({0x1a, 0x00, 0x3f, 0x00, 0xff, 0x00}));
}

TEST(Cdb, ModeSense10WithLlbaaAndSavedValues)
{
    auto const c = mode_sense10(mode_page_all, 0xff, 0x0200, page_control::saved, false, true);
    EXPECT_EQ(to_vector(c.cdb_.view()), bytes({0x5a, 0x10, 0xff, 0xff, 0, 0, 0, 0x02, 0x00, 0x00}));
    EXPECT_EQ(c.expected_length, 0x200U);
}

TEST(Cdb, WriteSame16WithUnmapSendsOneBlock)
{
    auto const c = write_same16(0x20, 0x800, 4096, write_same_flags{.unmap = true});
    ASSERT_TRUE(c);
    EXPECT_EQ(to_vector(c->cdb_.view()), bytes({0x93, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x20,
                                                0x00, 0x00, 0x08, 0x00, 0x00, 0x00}));
    EXPECT_EQ(c->dir, data_direction::write);
    EXPECT_EQ(c->expected_length, 4096U);
}

TEST(Cdb, WriteSame16WithNdobAndAnchorSendsNoData)
{
    auto const c = write_same16(1, 1, 512, write_same_flags{.unmap = true, .anchor = true, .ndob = true});
    ASSERT_TRUE(c);
    EXPECT_EQ(std::to_integer<unsigned>(c->cdb_.bytes[1]), 0x19U);
    EXPECT_EQ(c->dir, data_direction::none);
    EXPECT_EQ(c->expected_length, 0U);
}

TEST(Cdb, WriteSameWithZeroBlocksIsRefusedBecauseItMeansToTheEnd)
{
    EXPECT_EQ(write_same16(0, 0, 512).error(), make_error_code(errc::empty_request));
}

TEST(Cdb, UnmapBuildsCdbAndParameterList)
{
    std::array const ranges{lba_range{0x1000, 0x80}, lba_range{0x0102030405060708ULL, 0x11223344}};
    auto const r = unmap(ranges);
    ASSERT_TRUE(r);
    EXPECT_EQ(to_vector(r->cmd.cdb_.view()), bytes({0x42, 0x00, 0, 0, 0, 0, 0x00, 0x00, 0x28, 0x00}));
    EXPECT_EQ(r->cmd.dir, data_direction::write);
    EXPECT_EQ(r->cmd.expected_length, 40U);
    EXPECT_EQ(r->parameters, bytes({
                                 0x00, 0x26, 0x00, 0x20, 0, 0, 0, 0, // data length 38, descriptors 32
                                 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0x00, 0x00, 0x00, 0x80, 0, 0, 0, 0,
                                 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0,
                             }));
}

TEST(Cdb, UnmapWithAnchorSetsBit0OfByte1)
{
    std::array const ranges{lba_range{0, 1}};
    auto const r = unmap(ranges, true);
    ASSERT_TRUE(r);
    EXPECT_EQ(std::to_integer<unsigned>(r->cmd.cdb_.bytes[1]), 0x01U);
}

TEST(Cdb, UnmapRefusesEmptyAndOversizedLists)
{
    EXPECT_EQ(unmap({}).error(), make_error_code(errc::empty_request));
    std::vector<lba_range> many(max_unmap_ranges + 1, lba_range{0, 1});
    EXPECT_EQ(unmap(many).error(), make_error_code(errc::too_many_ranges));
    many.pop_back();
    auto const r = unmap(many);
    ASSERT_TRUE(r);
    EXPECT_LE(r->parameters.size(), 0xffffU);
}

TEST(Cdb, UnmapRefusesAWrappingRange)
{
    std::array const ranges{lba_range{std::numeric_limits<std::uint64_t>::max(), 2}};
    EXPECT_EQ(unmap(ranges).error(), make_error_code(errc::lba_out_of_range));
}

} // namespace
} // namespace iscsi::scsi
