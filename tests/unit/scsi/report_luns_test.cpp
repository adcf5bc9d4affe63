#include "iscsi/scsi/report_luns.hpp"

#include "bytes.hpp"
#include "iscsi/scsi/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::scsi {
namespace {

using test::bytes;

TEST(ReportLuns, PeripheralAndFlatSpaceLuns)
{
    auto const data = bytes({
        0x00, 0x00, 0x00, 0x18, 0, 0, 0, 0,
        0x00, 0x00, 0, 0, 0, 0, 0, 0,  // LUN 0
        0x00, 0x05, 0, 0, 0, 0, 0, 0,  // LUN 5
        0x41, 0x2c, 0, 0, 0, 0, 0, 0,  // flat space LUN 300
    });
    auto const r = parse_report_luns(data);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->luns.size(), 3U);
    EXPECT_EQ(r->luns[0], lun::from_index(0));
    EXPECT_EQ(r->luns[1], lun::from_index(5));
    EXPECT_EQ(r->luns[2].index(), std::optional<std::uint16_t>{300});
    EXPECT_EQ(r->list_length, 24U);
    EXPECT_FALSE(r->truncated);
}

TEST(ReportLuns, ListLongerThanAllocationLengthIsTruncatedNotAnError)
{
    // The target has 512 LUNs (4096 bytes); we asked for 16 + 4 bytes.
    auto const data = bytes({0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0x00, 0x07, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0, 0});
    auto const r = parse_report_luns(data);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->luns.size(), 1U); // the half LUN is dropped
    EXPECT_EQ(r->luns[0], lun::from_index(7));
    EXPECT_TRUE(r->truncated);
    EXPECT_EQ(r->required_allocation_length(), 4104U);
}

TEST(ReportLuns, BytesBeyondTheListLengthAreIgnored)
{
    auto const data = bytes({0, 0, 0, 0x08, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0});
    auto const r = parse_report_luns(data);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->luns.size(), 1U);
    EXPECT_EQ(r->luns[0], lun::from_index(1));
    EXPECT_FALSE(r->truncated);
}

TEST(ReportLuns, EmptyListAndShortHeader)
{
    auto const r = parse_report_luns(bytes({0, 0, 0, 0, 0, 0, 0, 0}));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->luns.empty());
    EXPECT_EQ(parse_report_luns(bytes({0, 0, 0, 8, 0, 0, 0})).error(), make_error_code(errc::short_response));
}

TEST(ReportLuns, HugeClaimedLengthAllocatesOnlyForWhatArrived)
{
    auto const r = parse_report_luns(bytes({0xff, 0xff, 0xff, 0xf8, 0, 0, 0, 0}));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->luns.empty());
    EXPECT_TRUE(r->truncated);
    EXPECT_EQ(r->required_allocation_length(), 0x100000000ULL);
}

} // namespace
} // namespace iscsi::scsi
