#include "iscsi/pdu/login.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iscsi::pdu {
namespace {

using test::from_hex;

std::vector<std::byte> bhs_of(raw_pdu const& r) { return {r.bhs.begin(), r.bhs.end()}; }

raw_pdu raw_from(std::vector<std::byte> const& bhs, std::vector<std::byte> data = {})
{
    raw_pdu r;
    std::copy_n(bhs.begin(), bhs_size, r.bhs.begin());
    r.data = std::move(data);
    return r;
}

// The BHS of §11.12, written out by hand field by field.
TEST(LoginRequest, EncodesTheRfc7143Layout)
{
    auto const expected = from_hex(
        "43 87 00 00"   // I + opcode 0x03; T, CSG=1, NSG=3; Version-max, Version-min
        "00 00 00 14"   // TotalAHSLength 0, DataSegmentLength 20
        "80 12 34 56 00 01 01 02"  // ISID (random format), TSIH 0x0102
        "00 00 00 01"   // ITT
        "00 01 00 00"   // CID 1, reserved
        "00 00 00 05"   // CmdSN
        "00 00 00 07"   // ExpStatSN
        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
    auto const raw = encode(test::sample_login_request());
    EXPECT_EQ(bhs_of(raw), expected);
    EXPECT_TRUE(raw.ahs.empty());
    EXPECT_EQ(raw.data, test::sample_login_request().data);
}

TEST(LoginRequest, IBitIsAlwaysSet)
{
    // §11.12: "the I bit is always 1" for a Login Request.
    auto raw = encode(login_request{});
    EXPECT_TRUE(raw.immediate());
    EXPECT_EQ(raw.op(), opcode::login_request);
}

TEST(LoginRequest, RoundTrips)
{
    auto const p = test::sample_login_request();
    auto const back = decode_login_request(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

// The BHS of §11.13, written out by hand: a redirect-free failure answer.
TEST(LoginResponse, DecodesTheRfc7143Layout)
{
    auto const bhs = from_hex(
        "23 87 00 00"   // opcode 0x23; T, CSG=1, NSG=3; Version-max, Version-active
        "00 00 00 00"   // no AHS, no data
        "80 12 34 56 00 01 01 02"  // ISID, TSIH
        "00 00 00 09"   // ITT
        "00 00 00 00"   // reserved
        "00 00 00 0a"   // StatSN
        "00 00 00 06"   // ExpCmdSN
        "00 00 00 10"   // MaxCmdSN
        "02 01 00 00 00 00 00 00 00 00 00 00");  // Status-Class 2, Status-Detail 1
    auto const p = decode_login_response(raw_from(bhs));
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_TRUE(p->transit);
    EXPECT_FALSE(p->cont);
    EXPECT_EQ(p->csg, stage::login_operational_negotiation);
    EXPECT_EQ(p->nsg, stage::full_feature_phase);
    EXPECT_EQ(p->isid_, isid::from_u48(0x801234560001));
    EXPECT_EQ(p->tsih_, tsih{0x0102});
    EXPECT_EQ(p->itt_, itt{9});
    EXPECT_EQ(p->stat_sn, statsn{10});
    EXPECT_EQ(p->exp_cmd_sn, cmdsn{6});
    EXPECT_EQ(p->max_cmd_sn, cmdsn{16});
    EXPECT_EQ(p->status_class, 2);
    EXPECT_EQ(p->status_detail, 1);
    EXPECT_TRUE(p->data.empty());
}

TEST(LoginResponse, EncodesTheRfc7143Layout)
{
    auto const expected = from_hex(
        "23 41 00 00"   // C set, CSG=0, NSG=1
        "00 00 00 09"
        "80 12 34 56 00 01 01 02"
        "00 00 00 01"
        "00 00 00 00"
        "00 00 00 0a"
        "00 00 00 06"
        "00 00 00 10"
        "00 00 00 00 00 00 00 00 00 00 00 00");
    EXPECT_EQ(bhs_of(encode(test::sample_login_response())), expected);
}

TEST(LoginResponse, RoundTrips)
{
    auto const p = test::sample_login_response();
    auto const back = decode_login_response(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(LoginResponse, ReservedCurrentStageIsMalformed)
{
    // §11.12.3: stage code 2 is reserved.
    auto raw = encode(test::sample_login_response());
    raw.bhs[1] = std::byte{0x88};  // T, CSG=2, NSG=0
    diagnostics d;
    auto const p = decode_login_response(raw, &d);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error(), errc::malformed);
    EXPECT_NE(d.message.find("CSG"), std::string::npos);
}

TEST(LoginResponse, ReservedNextStageIsMalformedOnlyWithTransit)
{
    auto raw = encode(test::sample_login_response());
    raw.bhs[1] = std::byte{0x86};  // T, CSG=1, NSG=2
    EXPECT_EQ(decode_login_response(raw).error(), errc::malformed);
    // §11.12.4: without T the NSG field is reserved, so it is ignored.
    raw.bhs[1] = std::byte{0x06};
    auto const p = decode_login_response(raw);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->nsg, stage::security_negotiation);
}

TEST(LoginResponse, TransitWithContinueIsLeftToTheLoginMachine)
{
    // §11.12.2 forbids T with C, but that is a login protocol error the
    // login machine reports with its own status; the codec keeps both bits.
    auto p = test::sample_login_response();
    p.transit = true;
    p.cont = true;
    auto const back = decode_login_response(encode(p));
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->transit && back->cont);
}

TEST(LoginResponse, LengthFieldsMustMatchTheContents)
{
    auto raw = encode(test::sample_login_response());
    raw.data.pop_back();
    EXPECT_EQ(decode_login_response(raw).error(), errc::malformed);
}

TEST(LoginResponse, LoginRequestOpcodeIsWrongOpcode)
{
    diagnostics d;
    auto const p = decode_login_response(encode(test::sample_login_request()), &d);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error(), errc::wrong_opcode);
    EXPECT_NE(d.message.find("Login Response"), std::string::npos);
    EXPECT_NE(d.message.find("0x03"), std::string::npos);
}

} // namespace
} // namespace iscsi::pdu
