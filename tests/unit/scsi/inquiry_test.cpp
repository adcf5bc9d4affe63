#include "iscsi/scsi/inquiry.hpp"

#include "bytes.hpp"
#include "iscsi/scsi/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::scsi {
namespace {

using test::bytes;
using test::put_ascii;

// 36 bytes of standard data plus the version descriptors at 58..73, as a
// Linux LIO disk reports them (ADDITIONAL LENGTH 5Bh: 96 bytes in all).
std::vector<std::byte> lio_disk()
{
    std::vector<std::byte> d(96);
    auto const head = bytes({0x00, 0x00, 0x06, 0x12, 0x5b, 0x10, 0x00, 0x02});
    std::copy(head.begin(), head.end(), d.begin());
    put_ascii(d, 8, "LIO-ORG", 8);
    put_ascii(d, 16, "disk0", 16);
    put_ascii(d, 32, "4.0", 4);
    d[58] = std::byte{0x00}; d[59] = std::byte{0xc0}; // SAM-5
    d[60] = std::byte{0x04}; d[61] = std::byte{0x60}; // SPC-4
    return d;
}

TEST(Inquiry, StandardDataOfADisk)
{
    auto const q = parse_inquiry(lio_disk());
    ASSERT_TRUE(q);
    EXPECT_EQ(q->peripheral_qualifier, 0);
    EXPECT_EQ(q->device_type, static_cast<std::uint8_t>(device_type::direct_access));
    EXPECT_TRUE(q->connected());
    EXPECT_FALSE(q->removable);
    EXPECT_EQ(q->version, 0x06);
    EXPECT_EQ(q->response_data_format, 2);
    EXPECT_TRUE(q->hisup);
    EXPECT_EQ(q->tpgs, 1);
    EXPECT_FALSE(q->protect);
    EXPECT_TRUE(q->cmdque);
    EXPECT_EQ(q->vendor, "LIO-ORG");
    EXPECT_EQ(q->product, "disk0");
    EXPECT_EQ(q->revision, "4.0");
    EXPECT_EQ(q->version_descriptors, (std::vector<std::uint16_t>{0x00c0, 0x0460}));
    EXPECT_FALSE(q->truncated);
}

TEST(Inquiry, NoLogicalUnitAtThisLun)
{
    auto d = lio_disk();
    d[0] = std::byte{0x7f}; // qualifier 3, type 1Fh
    d[1] = std::byte{0x80};
    auto const q = parse_inquiry(d);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->peripheral_qualifier, 3);
    EXPECT_EQ(q->device_type, 0x1f);
    EXPECT_FALSE(q->connected());
    EXPECT_TRUE(q->removable);
}

TEST(Inquiry, AllocationLengthCutsTheProductField)
{
    auto d = lio_disk();
    d.resize(20); // the product identification is cut after 4 bytes
    auto const q = parse_inquiry(d);
    ASSERT_TRUE(q);
    EXPECT_TRUE(q->truncated);
    EXPECT_EQ(q->vendor, "LIO-ORG");
    EXPECT_EQ(q->product, "disk");
    EXPECT_EQ(q->revision, "");
    EXPECT_TRUE(q->version_descriptors.empty());
}

TEST(Inquiry, AdditionalLengthEndsTheDataBeforeTheBuffer)
{
    auto d = lio_disk();
    d[4] = std::byte{31}; // 36 bytes: the version descriptors are beyond it
    auto const q = parse_inquiry(d);
    ASSERT_TRUE(q);
    EXPECT_FALSE(q->truncated);
    EXPECT_EQ(q->revision, "4.0");
    EXPECT_TRUE(q->version_descriptors.empty());
}

TEST(Inquiry, NulPaddingAndControlBytesBecomeSpacesAndAreTrimmed)
{
    auto d = lio_disk();
    auto const vendor = bytes({' ', 'A', 'B', 0x00, 0x01, 0x00, 0x00, 0x00});
    std::copy(vendor.begin(), vendor.end(), d.begin() + 8);
    auto const q = parse_inquiry(d);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->vendor, "AB");
}

TEST(Inquiry, FewerThanFiveBytesIsAnError)
{
    EXPECT_EQ(parse_inquiry(bytes({0, 0, 6, 2})).error(), make_error_code(errc::short_response));
    auto const q = parse_inquiry(bytes({0x00, 0x00, 0x05, 0x02, 0x1f}));
    ASSERT_TRUE(q);
    EXPECT_TRUE(q->truncated);
    EXPECT_TRUE(q->vendor.empty());
}

} // namespace
} // namespace iscsi::scsi
