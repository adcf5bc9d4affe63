#include "iscsi/scsi/sense.hpp"

#include "bytes.hpp"
#include "iscsi/scsi/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::scsi {
namespace {

using test::bytes;

// --- fixed format (SPC-4 §4.5.3) -------------------------------------------

TEST(FixedSense, UnitAttentionAfterReset)
{
    auto const data = bytes({0x70, 0x00, 0x06, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x29, 0x00, 0x00, 0, 0, 0});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->response_code, 0x70);
    EXPECT_EQ(s->key, sense_key::unit_attention);
    EXPECT_EQ(s->asc, 0x29);
    EXPECT_EQ(s->ascq, 0x00);
    EXPECT_FALSE(s->information);
    EXPECT_FALSE(s->descriptor_format);
    EXPECT_FALSE(s->deferred());
    EXPECT_FALSE(s->truncated);
    EXPECT_EQ(describe(*s), "Unit Attention: power on, reset, or bus device reset occurred (29/00)");
}

TEST(FixedSense, ValidBitMakesInformationTheFailingLba)
{
    auto const data = bytes({0xf0, 0x00, 0x03, 0x00, 0x01, 0x23, 0x45, 0x0a, 0, 0, 0, 0, 0x11, 0x00, 0x00, 0, 0, 0});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->response_code, 0x70);
    EXPECT_EQ(s->key, sense_key::medium_error);
    ASSERT_TRUE(s->information);
    EXPECT_EQ(*s->information, 0x12345U);
    EXPECT_EQ(describe(*s), "Medium Error: unrecovered read error (11/00)");
}

TEST(FixedSense, InformationWithoutValidBitIsIgnored)
{
    auto const data = bytes({0x70, 0x00, 0x03, 0xde, 0xad, 0xbe, 0xef, 0x0a, 0, 0, 0, 0, 0x11, 0x00, 0, 0, 0, 0});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->information);
}

TEST(FixedSense, IllegalRequestFieldPointerNamesTheCdbByteAndBit)
{
    // SKSV | C/D | BPV | bit 3; field pointer = byte 2.
    auto const data = bytes({0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x24, 0x00, 0x00, 0xcb, 0x00, 0x02});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->field);
    EXPECT_EQ(*s->field, (field_pointer{true, std::uint8_t{3}, 2}));
    EXPECT_FALSE(s->progress);
    EXPECT_EQ(describe(*s), "Illegal Request: invalid field in CDB (24/00)");
}

TEST(FixedSense, NotReadyCarriesProgressIndication)
{
    auto const data = bytes({0x70, 0, 0x02, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x04, 0x04, 0x00, 0x80, 0x40, 0x00});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->progress);
    EXPECT_EQ(*s->progress, 0x4000U); // a quarter done
    EXPECT_FALSE(s->field);
}

TEST(FixedSense, KeySpecificBytesWithoutSksvAreIgnored)
{
    auto const data = bytes({0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x24, 0x00, 0x00, 0x4b, 0x00, 0x02});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->field);
}

TEST(FixedSense, StreamBitsAndDeferredError)
{
    auto const data = bytes({0x71, 0, 0xe0 | 0x03, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x0c, 0x00, 0x07, 0, 0, 0});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->deferred());
    EXPECT_TRUE(s->filemark);
    EXPECT_TRUE(s->end_of_medium);
    EXPECT_TRUE(s->ili);
    EXPECT_EQ(s->fru_code, 0x07);
    EXPECT_EQ(describe(*s), "Medium Error: write error (0C/00), deferred error");
}

TEST(FixedSense, ShortBufferStopsAtTheKeyAndSaysTruncated)
{
    auto const data = bytes({0x70, 0x00, 0x06, 0, 0, 0, 0, 0x0a}); // says 10 more bytes follow
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->key, sense_key::unit_attention);
    EXPECT_EQ(s->asc, 0);
    EXPECT_TRUE(s->truncated);
}

TEST(FixedSense, AdditionalLengthLimitsWhatIsRead)
{
    // ADDITIONAL SENSE LENGTH 4 ends the data after byte 11: the ASC bytes
    // that follow are padding and must not be reported.
    auto const data = bytes({0x70, 0, 0x06, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x29, 0x00, 0, 0, 0, 0});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->asc, 0);
    EXPECT_FALSE(s->truncated);
}

TEST(FixedSense, TooShortForASenseKeyIsAnError)
{
    EXPECT_EQ(parse_sense(bytes({0x70, 0x00})).error(), make_error_code(errc::short_response));
    EXPECT_EQ(parse_sense({}).error(), make_error_code(errc::short_response));
}

TEST(Sense, UnknownResponseCodesAreRejected)
{
    EXPECT_EQ(parse_sense(bytes({0x7f, 0, 0x06, 0, 0, 0, 0, 0})).error(), make_error_code(errc::bad_sense));
    EXPECT_EQ(parse_sense(bytes({0x00, 0, 0x06})).error(), make_error_code(errc::bad_sense));
}

// --- descriptor format (SPC-4 §4.5.2) --------------------------------------

TEST(DescriptorSense, InformationDescriptorCarriesA64BitLba)
{
    auto const data = bytes({0x72, 0x03, 0x11, 0x00, 0, 0, 0, 0x0c,
                             0x00, 0x0a, 0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->descriptor_format);
    EXPECT_EQ(s->key, sense_key::medium_error);
    EXPECT_EQ(s->asc, 0x11);
    ASSERT_TRUE(s->information);
    EXPECT_EQ(*s->information, 0x0123456789ULL);
    EXPECT_FALSE(s->truncated);
}

TEST(DescriptorSense, KeySpecificAndBlockCommandDescriptors)
{
    auto const data = bytes({0x72, 0x05, 0x24, 0x00, 0, 0, 0, 0x0c,
                             0x02, 0x06, 0x00, 0x00, 0xc0, 0x00, 0x01, 0x00,  // SKSV, C/D, field byte 1
                             0x05, 0x02, 0x00, 0x20});                         // ILI
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->field);
    EXPECT_EQ(*s->field, (field_pointer{true, std::nullopt, 1}));
    EXPECT_TRUE(s->ili);
}

TEST(DescriptorSense, DeferredUnitAttentionWithoutDescriptors)
{
    auto const data = bytes({0x73, 0x06, 0x2a, 0x09, 0, 0, 0, 0x00});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->deferred());
    EXPECT_EQ(describe(*s), "Unit Attention: capacity data has changed (2A/09), deferred error");
}

TEST(DescriptorSense, DescriptorCutByTheBufferIsDroppedAndReported)
{
    // Says 12 bytes of descriptors; only 6 arrived.
    auto const data = bytes({0x72, 0x03, 0x11, 0x00, 0, 0, 0, 0x0c, 0x00, 0x0a, 0x80, 0x00, 0x00, 0x00});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->information);
    EXPECT_TRUE(s->truncated);
}

TEST(DescriptorSense, DescriptorLongerThanAdditionalLengthIsNotRead)
{
    // The additional length (4) ends inside the 12-byte information descriptor.
    auto const data = bytes({0x72, 0x03, 0x11, 0x00, 0, 0, 0, 0x04,
                             0x00, 0x0a, 0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->information);
    EXPECT_TRUE(s->truncated);
}

TEST(DescriptorSense, UndersizedInformationDescriptorIsIgnored)
{
    auto const data = bytes({0x72, 0x03, 0x11, 0x00, 0, 0, 0, 0x04, 0x00, 0x02, 0x80, 0x00});
    auto const s = parse_sense(data);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->information);
    EXPECT_FALSE(s->truncated);
}

TEST(DescriptorSense, HeaderOnlyKeyIsEnough)
{
    auto const s = parse_sense(bytes({0x72, 0x02}));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->key, sense_key::not_ready);
    EXPECT_TRUE(s->truncated);
    EXPECT_EQ(parse_sense(bytes({0x72})).error(), make_error_code(errc::short_response));
}

// --- describe() and names --------------------------------------------------

TEST(Describe, UnknownAndVendorSpecificCodesGetGenericText)
{
    sense s;
    s.key = sense_key::illegal_request;
    s.asc = 0x55;
    s.ascq = 0x07;
    EXPECT_EQ(describe(s), "Illegal Request: additional sense code not in the table (55/07)");
    s.asc = 0x80;
    s.ascq = 0x01;
    EXPECT_EQ(describe(s), "Illegal Request: vendor-specific additional sense code (80/01)");
}

TEST(Describe, AscTextKnowsCommonCodesOnly)
{
    EXPECT_EQ(asc_text(0x3f, 0x0e), "reported LUNs data has changed");
    EXPECT_EQ(asc_text(0x04, 0x0a), "logical unit not accessible, asymmetric access state transition");
    EXPECT_TRUE(asc_text(0x3f, 0x7f).empty());
}

TEST(Status, NamesFollowSam)
{
    EXPECT_EQ(to_string(status::check_condition), "CHECK CONDITION");
    EXPECT_EQ(to_string(status::reservation_conflict), "RESERVATION CONFLICT");
    EXPECT_EQ(to_string(static_cast<status>(0x22)), "unknown status");
    EXPECT_EQ(to_string(sense_key::aborted_command), "Aborted Command");
}

TEST(Errors, CategoryMessagesAreSentencesAndReportToUser)
{
    std::error_code const ec = errc::bad_sense;
    EXPECT_EQ(ec.category().name(), std::string_view{"iscsi.scsi"});
    EXPECT_EQ(ec.message(), "The sense data has an unknown response code.");
    EXPECT_EQ(recovery_for(ec), recovery::report_to_user);
    for (int v = 1; v <= static_cast<int>(errc::too_many_ranges); ++v) {
        auto const msg = scsi_category().message(v);
        EXPECT_NE(msg, "Unknown SCSI layer error.") << v;
        EXPECT_EQ(msg.back(), '.') << v;
    }
}

} // namespace
} // namespace iscsi::scsi
