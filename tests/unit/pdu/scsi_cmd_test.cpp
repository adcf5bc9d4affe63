#include "iscsi/pdu/scsi_cmd.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

using test::counting;
using test::from_hex;

scsi_command read10()
{
    scsi_command p;
    p.final = true;
    p.read = true;
    p.attr = task_attribute::simple;
    p.lun_ = lun::from_index(1);
    p.itt_ = itt{0x14};
    p.expected_data_transfer_length = 0x200;
    p.cmd_sn = cmdsn{0x14};
    p.exp_stat_sn = statsn{0x18};
    p.cdb = from_hex("28 00 00 00 00 00 00 00 01 00");
    return p;
}

// §11.3 written out by hand for a READ(10) of one block.
TEST(ScsiCommand, EncodesTheRfc7143Layout)
{
    auto const expected = from_hex(
        "01 c1 00 00"   // opcode 0x01; F, R, ATTR simple
        "00 00 00 00"   // no AHS, no data
        "00 01 00 00 00 00 00 00"  // LUN 1
        "00 00 00 14"   // ITT
        "00 00 02 00"   // Expected Data Transfer Length
        "00 00 00 14"   // CmdSN
        "00 00 00 18"   // ExpStatSN
        "28 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00");  // CDB, zero padded
    auto const raw = encode(read10());
    EXPECT_EQ(std::vector<std::byte>(raw.bhs.begin(), raw.bhs.end()), expected);
}

TEST(ScsiCommand, ShortCdbDecodesAsSixteenZeroPaddedBytes)
{
    auto const back = decode_scsi_command(encode(read10()));
    ASSERT_TRUE(back);
    auto expected = read10();
    expected.cdb.resize(bhs_cdb_size);
    EXPECT_EQ(*back, expected);
}

TEST(ScsiCommand, RoundTripsWithExtendedCdbAndBidiAhs)
{
    auto const p = test::sample_scsi_command();
    auto const back = decode_scsi_command(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(ScsiCommand, AhsLayoutFollowsSection11_2_2)
{
    auto const raw = encode(test::sample_scsi_command());
    // Extended CDB: AHSLength = CDB length - 15 = 17, type 1, reserved byte,
    // then CDB bytes 16..31 (20 bytes, already 4-aligned). Then the bidi AHS:
    // AHSLength 5, type 2, reserved, 4096.
    std::vector<std::byte> expected = from_hex("00 11 01 00");
    auto const tail = counting(16, 0x7f + 16);
    expected.insert(expected.end(), tail.begin(), tail.end());
    auto const bidi = from_hex("00 05 02 00 00 00 10 00");
    expected.insert(expected.end(), bidi.begin(), bidi.end());
    EXPECT_EQ(raw.ahs, expected);
    EXPECT_EQ(raw.total_ahs_length(), 7);
    EXPECT_EQ(raw.bhs[1], std::byte{0x62});  // R, W, ordered; F clear
}

TEST(ScsiCommand, OddExtendedCdbIsPadded)
{
    auto p = read10();
    p.cdb = counting(17);  // one byte past the BHS: AHSLength 2, 8 AHS bytes
    auto const raw = encode(p);
    EXPECT_EQ(raw.ahs, from_hex("00 02 01 00 11 00 00 00"));
    auto const back = decode_scsi_command(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->cdb, p.cdb);
}

TEST(ScsiCommand, AhsOverrunningTheAhsAreaIsMalformed)
{
    auto raw = encode(test::sample_scsi_command());
    raw.ahs[1] = std::byte{0x40};  // first AHSLength now 64
    diagnostics d;
    EXPECT_EQ(decode_scsi_command(raw, &d).error(), errc::malformed);
    EXPECT_NE(d.message.find("64"), std::string::npos);
}

TEST(ScsiCommand, BidiAhsWithWrongLengthIsMalformed)
{
    auto p = read10();
    p.bidi_read_expected_length = 1;
    auto raw = encode(p);
    raw.ahs[1] = std::byte{0x04};
    EXPECT_EQ(decode_scsi_command(raw).error(), errc::malformed);
}

TEST(ScsiCommand, VendorAhsTypesAreSkipped)
{
    auto raw = encode(read10());
    raw.ahs = from_hex("00 05 3c 00 de ad be ef");  // type 60: non-iSCSI extension
    raw.bhs[4] = std::byte{2};
    auto const back = decode_scsi_command(raw);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_FALSE(back->bidi_read_expected_length);
    EXPECT_EQ(back->cdb.size(), bhs_cdb_size);
}

TEST(ScsiCommand, RvalueEncodeMovesImmediateData)
{
    auto p = test::sample_scsi_command();
    auto const expected = p.data;
    auto const raw = encode(std::move(p));
    EXPECT_EQ(raw.data, expected);
    EXPECT_EQ(raw.data_segment_length(), expected.size());
}

TEST(ScsiResponse, RoundTrips)
{
    auto const p = test::sample_scsi_response();
    auto const back = decode_scsi_response(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(ScsiResponse, GoodStatusHasNoDataSegment)
{
    scsi_response p;
    p.itt_ = itt{1};
    auto const raw = encode(p);
    EXPECT_TRUE(raw.data.empty());
    EXPECT_EQ(raw.bhs[1], std::byte{0x80});
    auto const back = decode_scsi_response(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, p);
}

TEST(ScsiResponse, FlagsAndSenseLengthFollowSection11_4)
{
    auto const raw = encode(test::sample_scsi_response());
    EXPECT_EQ(raw.bhs[1], std::byte{0x92});  // 1 | o | U
    EXPECT_EQ(raw.bhs[3], std::byte{0x02});  // CHECK CONDITION
    EXPECT_EQ(raw.bhs[47], std::byte{0x00});
    EXPECT_EQ(raw.bhs[46], std::byte{0x02}); // residual 512
    ASSERT_GE(raw.data.size(), 2U);
    EXPECT_EQ(raw.data[0], std::byte{0});
    EXPECT_EQ(raw.data[1], std::byte{18});   // SenseLength
    EXPECT_EQ(raw.data.size(), 2U + 18 + 3);
}

TEST(ScsiResponse, OverflowWithUnderflowIsMalformed)
{
    // §11.4.5.1: "Bits O and U and bits o and u are mutually exclusive".
    auto raw = encode(scsi_response{});
    raw.bhs[1] = std::byte{0x86};
    EXPECT_EQ(decode_scsi_response(raw).error(), errc::malformed);
    raw.bhs[1] = std::byte{0x98};
    EXPECT_EQ(decode_scsi_response(raw).error(), errc::malformed);
}

TEST(ScsiResponse, SenseLengthOverrunningTheDataIsMalformed)
{
    auto raw = encode(test::sample_scsi_response());
    raw.data[1] = std::byte{200};
    diagnostics d;
    EXPECT_EQ(decode_scsi_response(raw, &d).error(), errc::malformed);
    EXPECT_NE(d.message.find("200"), std::string::npos);

    raw.data.resize(1);  // too short for SenseLength itself
    raw.bhs[7] = std::byte{1};
    EXPECT_EQ(decode_scsi_response(raw).error(), errc::malformed);
}

} // namespace
} // namespace iscsi::pdu
