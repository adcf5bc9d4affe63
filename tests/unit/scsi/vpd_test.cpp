#include "iscsi/scsi/vpd.hpp"

#include "bytes.hpp"
#include "iscsi/scsi/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::scsi {
namespace {

using test::bytes;

TEST(Vpd, SupportedPagesListsEveryCode)
{
    auto const p = parse_supported_vpd_pages(bytes({0x00, 0x00, 0x00, 0x05, 0x00, 0x80, 0x83, 0xb0, 0xb2}));
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, (std::vector<std::uint8_t>{0x00, 0x80, 0x83, 0xb0, 0xb2}));
}

TEST(Vpd, SupportedPagesCutByAllocationLengthKeepsWhatArrived)
{
    auto const p = parse_supported_vpd_pages(bytes({0x00, 0x00, 0x00, 0x05, 0x00, 0x80}));
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, (std::vector<std::uint8_t>{0x00, 0x80}));
}

TEST(Vpd, WrongPageCodeAndShortHeaderAreErrors)
{
    EXPECT_EQ(parse_supported_vpd_pages(bytes({0x00, 0x80, 0x00, 0x00})).error(),
              make_error_code(errc::wrong_vpd_page));
    EXPECT_EQ(parse_unit_serial(bytes({0x00, 0x80, 0x00})).error(), make_error_code(errc::short_response));
}

TEST(Vpd, UnitSerialIsTrimmed)
{
    auto const s = parse_unit_serial(bytes({0x00, 0x80, 0x00, 0x08, ' ', 'S', 'N', '1', '2', ' ', ' ', 0x00}));
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, "SN12");
}

// Page 83h as a LIO target reports it: NAA IEEE Registered Extended for
// the LU, a T10 vendor ID, and for the port an iSCSI SCSI name string and a
// relative target port.
std::vector<std::byte> device_identification()
{
    return bytes({
        0x00, 0x83, 0x00, 0x3a,
        // NAA, binary, LU: 6001405 ... (16 bytes)
        0x01, 0x03, 0x00, 0x10, 0x60, 0x01, 0x40, 0x5a, 0xbc, 0xde, 0xf0, 0x12,
        0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12,
        // T10 vendor ID, ASCII, LU: "LIO-ORG disk0"
        0x02, 0x01, 0x00, 0x0d, 'L', 'I', 'O', '-', 'O', 'R', 'G', ' ', 'd', 'i', 's', 'k', '0',
        // iSCSI (5) PIV, target port, SCSI name string, UTF-8: "iqn.x" + NUL padding
        0x53, 0x98, 0x00, 0x08, 'i', 'q', 'n', '.', 'x', 0x00, 0x00, 0x00,
        // relative target port 1
        0x51, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
        0x00, // a pad byte: too short to be a descriptor
    });
}

TEST(Vpd, DeviceIdentificationDesignators)
{
    auto const data = device_identification();
    auto const ds = parse_device_identification(data);
    ASSERT_TRUE(ds);
    ASSERT_EQ(ds->size(), 4U);

    auto const& naa = (*ds)[0];
    EXPECT_EQ(naa.type, static_cast<std::uint8_t>(designator_type::naa));
    EXPECT_EQ(naa.code_set, static_cast<std::uint8_t>(code_set::binary));
    EXPECT_EQ(naa.association, static_cast<std::uint8_t>(association::logical_unit));
    EXPECT_FALSE(naa.protocol);
    EXPECT_EQ(naa.text(), "naa.6001405abcdef0123456789abcdef012");

    EXPECT_EQ((*ds)[1].text(), "LIO-ORG disk0");

    auto const& name = (*ds)[2];
    EXPECT_EQ(name.association, static_cast<std::uint8_t>(association::target_port));
    EXPECT_EQ(name.protocol, std::optional<std::uint8_t>{5});
    EXPECT_EQ(name.text(), "iqn.x");

    EXPECT_EQ((*ds)[3].type, static_cast<std::uint8_t>(designator_type::relative_target_port));
    EXPECT_EQ((*ds)[3].text(), "1");

    auto const* best = best_lu_designator(*ds);
    ASSERT_NE(best, nullptr);
    EXPECT_EQ(best, &(*ds)[0]);
}

TEST(Vpd, DeviceIdentificationStopsAtADescriptorCutShort)
{
    auto data = device_identification();
    data.resize(4 + 20 + 6); // inside the T10 vendor ID descriptor
    auto const ds = parse_device_identification(data);
    ASSERT_TRUE(ds);
    ASSERT_EQ(ds->size(), 1U);
    EXPECT_EQ((*ds)[0].type, static_cast<std::uint8_t>(designator_type::naa));
}

TEST(Vpd, BestLuDesignatorPrefersLongerNaaAndIgnoresPorts)
{
    designator port_naa{1, 1, 3, std::nullopt, std::vector<std::byte>(16)};
    designator eui{1, 0, 2, std::nullopt, std::vector<std::byte>(8)};
    designator naa8{1, 0, 3, std::nullopt, std::vector<std::byte>(8)};
    designator naa16{1, 0, 3, std::nullopt, std::vector<std::byte>(16)};
    std::vector<designator> ds{port_naa, eui, naa8, naa16};
    EXPECT_EQ(best_lu_designator(ds), &ds[3]);
    ds.pop_back();
    ds.pop_back();
    EXPECT_EQ(best_lu_designator(ds), &ds[1]);
    ds.pop_back();
    EXPECT_EQ(best_lu_designator(ds), nullptr);
}

std::vector<std::byte> block_limits_page()
{
    return bytes({
        0x00, 0xb0, 0x00, 0x3c,
        0x01, 0x01, 0x00, 0x08,  // WSNZ, compare-and-write 1, granularity 8
        0x00, 0x00, 0x20, 0x00,  // max transfer 8192
        0x00, 0x00, 0x04, 0x00,  // optimal transfer 1024
        0x00, 0x00, 0x00, 0x00,  // max prefetch
        0x00, 0x40, 0x00, 0x00,  // max unmap LBA count 4194304
        0x00, 0x00, 0x00, 0x10,  // max unmap descriptors 16
        0x00, 0x00, 0x00, 0x08,  // optimal unmap granularity 8
        0x80, 0x00, 0x00, 0x02,  // UGAVALID, alignment 2
        0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, // max write same 4194304
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    });
}

TEST(Vpd, BlockLimitsFullPage)
{
    auto const bl = parse_block_limits(block_limits_page());
    ASSERT_TRUE(bl);
    EXPECT_TRUE(bl->wsnz);
    EXPECT_EQ(bl->max_compare_and_write, 1);
    EXPECT_EQ(bl->optimal_transfer_granularity, 8);
    EXPECT_EQ(bl->max_transfer_length, 8192U);
    EXPECT_EQ(bl->optimal_transfer_length, 1024U);
    EXPECT_EQ(bl->max_prefetch_length, 0U);
    EXPECT_EQ(bl->max_unmap_lba_count, 0x400000U);
    EXPECT_EQ(bl->max_unmap_descriptor_count, 16U);
    EXPECT_EQ(bl->optimal_unmap_granularity, 8U);
    EXPECT_EQ(bl->unmap_granularity_alignment, std::optional<std::uint32_t>{2});
    EXPECT_EQ(bl->max_write_same_length, 0x400000U);
    EXPECT_FALSE(bl->truncated);
}

TEST(Vpd, BlockLimitsOldShortPageLeavesUnmapFieldsZero)
{
    auto data = block_limits_page();
    data[3] = std::byte{0x0c}; // SBC-2: through byte 15 only
    auto const bl = parse_block_limits(data);
    ASSERT_TRUE(bl);
    EXPECT_EQ(bl->max_transfer_length, 8192U);
    EXPECT_EQ(bl->max_unmap_lba_count, 0U);
    EXPECT_FALSE(bl->unmap_granularity_alignment);
    EXPECT_FALSE(bl->truncated);
}

TEST(Vpd, BlockLimitsCutInsideAFieldDropsThatField)
{
    auto data = block_limits_page();
    data.resize(10); // MAXIMUM TRANSFER LENGTH half there
    auto const bl = parse_block_limits(data);
    ASSERT_TRUE(bl);
    EXPECT_TRUE(bl->truncated);
    EXPECT_EQ(bl->optimal_transfer_granularity, 8);
    EXPECT_EQ(bl->max_transfer_length, 0U);
}

TEST(Vpd, LogicalBlockProvisioningOfAThinLun)
{
    auto const lbp = parse_logical_block_provisioning(bytes({0x00, 0xb2, 0x00, 0x04, 0x00, 0xe4, 0x02, 0x00}));
    ASSERT_TRUE(lbp);
    EXPECT_TRUE(lbp->lbpu);
    EXPECT_TRUE(lbp->lbpws);
    EXPECT_TRUE(lbp->lbpws10);
    EXPECT_TRUE(lbp->lbprz);
    EXPECT_FALSE(lbp->anc_sup);
    EXPECT_EQ(lbp->provisioning_type, 2);
    EXPECT_EQ(parse_logical_block_provisioning(bytes({0x00, 0xb2, 0x00, 0x04, 0x00})).error(),
              make_error_code(errc::short_response));
}

} // namespace
} // namespace iscsi::scsi
