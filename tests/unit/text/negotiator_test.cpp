#include "iscsi/text/negotiator.hpp"

#include "iscsi/text/errors.hpp"

#include <gtest/gtest.h>

#include <string>

// Transcripts of the LoginOperationalNegotiation stage (RFC 7143 §7.2,
// §6.2): what the initiator offers, what the target sends back, what we
// answer and what the session ends up with.
namespace iscsi::text {
namespace {

key_values const open_iscsi_defaults_offer{
    {"HeaderDigest", "None"},          {"DataDigest", "None"},
    {"MaxConnections", "1"},           {"InitialR2T", "No"},
    {"ImmediateData", "Yes"},          {"MaxRecvDataSegmentLength", "262144"},
    {"MaxBurstLength", "16776192"},    {"FirstBurstLength", "262144"},
    {"DefaultTime2Wait", "2"},         {"DefaultTime2Retain", "0"},
    {"MaxOutstandingR2T", "1"},        {"DataPDUInOrder", "Yes"},
    {"DataSequenceInOrder", "Yes"},    {"ErrorRecoveryLevel", "0"},
};

// What LIO sends back to open-iscsi's defaults: every answer plus its own
// MaxRecvDataSegmentLength in the same PDU.
key_values lio_answer()
{
    return {{"HeaderDigest", "None"},        {"DataDigest", "None"},
            {"MaxConnections", "1"},         {"InitialR2T", "Yes"},
            {"ImmediateData", "Yes"},        {"MaxRecvDataSegmentLength", "8192"},
            {"MaxBurstLength", "262144"},    {"FirstBurstLength", "65536"},
            {"DefaultTime2Wait", "2"},       {"DefaultTime2Retain", "0"},
            {"MaxOutstandingR2T", "1"},      {"DataPDUInOrder", "Yes"},
            {"DataSequenceInOrder", "Yes"},  {"ErrorRecoveryLevel", "0"}};
}

key_values without(key_values kvs, std::string_view key)
{
    std::erase_if(kvs, [key](key_value const& kv) { return kv.key == key; });
    return kvs;
}

key_values with(key_values kvs, std::string_view key, std::string_view value)
{
    for (auto& kv : kvs)
        if (kv.key == key) kv.value = value;
    return kvs;
}

// Expects handle() to fail with `code` and a diagnostic naming `mention`.
void expect_failure(negotiator& n, key_values const& from_target, errc code, std::string_view mention)
{
    diagnostics diag;
    auto const r = n.handle(from_target, &diag);
    ASSERT_FALSE(r) << "expected " << make_error_code(code).message();
    EXPECT_EQ(r.error(), code) << diag.message;
    EXPECT_NE(diag.message.find(mention), std::string::npos) << diag.message;
}

TEST(Negotiator, NormalSessionOffersEveryOperationalKeyWithOpenIscsiDefaults)
{
    negotiator const n(session_type::normal, {});
    EXPECT_EQ(n.initial_offers(), open_iscsi_defaults_offer);
    EXPECT_FALSE(n.all_answered());
    // Our declaration is in force at once; the target's is still the default.
    EXPECT_EQ(n.params().max_recv_data_segment_length, 262144U);
    EXPECT_EQ(n.params().max_xmit_data_segment_length, 8192U);
}

TEST(Negotiator, LioAnswersAndDeclaresItsMaxRecvDataSegmentLengthInTheSamePdu)
{
    negotiator n(session_type::normal, {});
    // I -> T: open_iscsi_defaults_offer.  T -> I:
    ASSERT_TRUE(n.handle(lio_answer()));
    EXPECT_TRUE(n.take_answers().empty()); // nothing offered by the target
    EXPECT_TRUE(n.all_answered());
    auto const& p = n.params();
    EXPECT_EQ(p.max_recv_data_segment_length, 262144U); // ours
    EXPECT_EQ(p.max_xmit_data_segment_length, 8192U);   // LIO's
    EXPECT_TRUE(p.initial_r2t);                         // No OR Yes
    EXPECT_TRUE(p.immediate_data);
    EXPECT_EQ(p.max_burst_length, 262144U);
    EXPECT_EQ(p.first_burst_length, 65536U);
    EXPECT_EQ(p.default_time2retain, 0U);
    EXPECT_EQ(p.header_digest, digest::none);
}

TEST(Negotiator, TgtStyleAnswersSpreadOverTwoPdusWithDeclarations)
{
    negotiator n(session_type::normal, {});
    auto const all = lio_answer();
    key_values const first(all.begin(), all.begin() + 7);
    key_values second(all.begin() + 7, all.end());
    second.push_back({"TargetAlias", "tgt disk 1"});
    ASSERT_TRUE(n.handle(first));
    EXPECT_FALSE(n.all_answered());
    ASSERT_TRUE(n.handle(second));
    EXPECT_TRUE(n.all_answered());
    EXPECT_EQ(n.params().target_alias, "tgt disk 1");
}

TEST(Negotiator, DeclarationsOfTheTargetAreRecorded)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle({{"TargetAlias", "LIO disk"},
                          {"TargetPortalGroupTag", "1"},
                          {"TargetAddress", "192.0.2.1:3260,1"},
                          {"TargetAddress", "192.0.2.2:3260,1"}}));
    EXPECT_EQ(n.params().target_alias, "LIO disk");
    EXPECT_EQ(n.params().target_portal_group_tag, std::optional<std::uint16_t>(1));
    EXPECT_EQ(n.params().target_address, "192.0.2.2:3260,1");
    // Repeating a declaration with the same value is harmless...
    EXPECT_TRUE(n.handle({{"TargetPortalGroupTag", "1"}}));
    // ...changing it is a renegotiation.
    expect_failure(n, {{"TargetPortalGroupTag", "2"}}, errc::duplicate_key, "TargetPortalGroupTag=2");
}

TEST(Negotiator, MalformedDeclarationsAreErrors)
{
    negotiator a(session_type::normal, {});
    expect_failure(a, {{"TargetPortalGroupTag", "65536"}}, errc::out_of_range, "TargetPortalGroupTag=65536");
    negotiator b(session_type::normal, {});
    expect_failure(b, {{"MaxRecvDataSegmentLength", "511"}}, errc::out_of_range, "MaxRecvDataSegmentLength=511");
    negotiator c(session_type::normal, {});
    expect_failure(c, {{"MaxRecvDataSegmentLength", "16777216"}}, errc::out_of_range, "16777216");
    negotiator d(session_type::normal, {});
    expect_failure(d, {{"MaxRecvDataSegmentLength", "lots"}}, errc::invalid_value, "lots");
}

TEST(Negotiator, NoteDeclarationsKeepsOnlyTheTargetDeclaratives)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.note_declarations({{"AuthMethod", "CHAP"},
                                     {"CHAP_A", "5"},
                                     {"TargetPortalGroupTag", "3"},
                                     {"TargetAlias", "sec"}}));
    EXPECT_EQ(n.params().target_portal_group_tag, std::optional<std::uint16_t>(3));
    EXPECT_EQ(n.params().target_alias, "sec");
    EXPECT_TRUE(n.take_answers().empty());
}

// ---- list negotiation (§6.2.1) ------------------------------------------------

TEST(Negotiator, DigestAnswerMustBeOneOfTheOfferedValues)
{
    operational_offer offer;
    offer.header_digest = {digest::crc32c, digest::none};
    negotiator n(session_type::normal, offer);
    EXPECT_EQ(*find(n.initial_offers(), "HeaderDigest"), "CRC32C,None");
    ASSERT_TRUE(n.handle({{"HeaderDigest", "CRC32C"}}));
    EXPECT_EQ(n.params().header_digest, digest::crc32c);

    negotiator m(session_type::normal, {}); // offered None only
    expect_failure(m, {{"DataDigest", "CRC32C"}}, errc::answer_not_permitted, "DataDigest=CRC32C");
    negotiator l(session_type::normal, offer);
    expect_failure(l, {{"HeaderDigest", "CRC32C,None"}}, errc::answer_not_permitted, "CRC32C,None");
}

TEST(Negotiator, TargetListOffersGetTheFirstValueWeSupport)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle({{"TaskReporting", "FastAbort,ResponseFence,RFC3720"}}));
    EXPECT_EQ(n.take_answers(), (key_values{{"TaskReporting", "RFC3720"}}));
    negotiator m(session_type::normal, {});
    ASSERT_TRUE(m.handle({{"TaskReporting", "FastAbort"}}));
    EXPECT_EQ(m.take_answers(), (key_values{{"TaskReporting", "Reject"}}));
}

// ---- Reject (§6.2) --------------------------------------------------------------

TEST(Negotiator, RejectOfADefaultOfferKeepsTheDefault)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle({{"ErrorRecoveryLevel", "Reject"}, {"HeaderDigest", "Reject"}, {"DefaultTime2Wait", "Reject"}}));
    EXPECT_EQ(n.params().error_recovery_level, 0U);
    EXPECT_EQ(n.params().header_digest, digest::none);
    EXPECT_EQ(n.params().default_time2wait, 2U);
}

TEST(Negotiator, RejectOfANonDefaultOfferFailsNamingTheKey)
{
    negotiator n(session_type::normal, {});
    expect_failure(n, {{"MaxBurstLength", "Reject"}}, errc::negotiation_failed, "MaxBurstLength");
    operational_offer crc_only;
    crc_only.data_digest = {digest::crc32c};
    negotiator m(session_type::normal, crc_only);
    expect_failure(m, {{"DataDigest", "Reject"}}, errc::negotiation_failed, "DataDigest");
    // A list that includes the default survives a Reject.
    operational_offer both;
    both.data_digest = {digest::crc32c, digest::none};
    negotiator l(session_type::normal, both);
    EXPECT_TRUE(l.handle({{"DataDigest", "Reject"}}));
    EXPECT_EQ(l.params().data_digest, digest::none);
}

TEST(Negotiator, IrrelevantAnswerKeepsTheDefault)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle({{"FirstBurstLength", "Irrelevant"}}));
    EXPECT_EQ(n.params().first_burst_length, 65536U);
}

TEST(Negotiator, ReservedAnswerToAKeyNeverOfferedIsUnsolicited)
{
    negotiator n(session_type::normal, {});
    expect_failure(n, {{"TaskReporting", "Reject"}}, errc::unsolicited_response, "TaskReporting=Reject");
    negotiator m(session_type::normal, {});
    expect_failure(m, {{"X-com.example.key", "NotUnderstood"}}, errc::unsolicited_response, "X-com.example.key");
    negotiator l(session_type::normal, {});
    expect_failure(l, {{"TargetAlias", "Irrelevant"}}, errc::unsolicited_response, "TargetAlias");
}

// ---- renegotiation (§6.2) --------------------------------------------------------

TEST(Negotiator, AKeyAnsweredTwiceIsAProtocolError)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle(lio_answer()));
    expect_failure(n, {{"MaxBurstLength", "262144"}}, errc::duplicate_key, "MaxBurstLength");

    negotiator same_pdu(session_type::normal, {});
    expect_failure(same_pdu, {{"ErrorRecoveryLevel", "0"}, {"ErrorRecoveryLevel", "0"}}, errc::duplicate_key,
                   "ErrorRecoveryLevel");

    negotiator offered_twice(session_type::normal, {});
    expect_failure(offered_twice, {{"iSCSIProtocolLevel", "1"}, {"iSCSIProtocolLevel", "1"}},
                   errc::duplicate_key, "iSCSIProtocolLevel");

    negotiator unknown_twice(session_type::normal, {});
    expect_failure(unknown_twice, {{"FooBar", "1"}, {"FooBar", "1"}}, errc::duplicate_key, "FooBar");
}

// ---- keys the target may not send -----------------------------------------------

TEST(Negotiator, InitiatorOnlyAndSecurityKeysFromTheTargetAreErrors)
{
    for (std::string_view key : {"InitiatorName", "InitiatorAlias", "SessionType", "SendTargets"}) {
        negotiator n(session_type::normal, {});
        expect_failure(n, {{std::string(key), "x"}}, errc::key_not_allowed, key);
    }
    negotiator n(session_type::normal, {});
    expect_failure(n, {{"AuthMethod", "CHAP"}}, errc::key_not_allowed, "AuthMethod");
}

// ---- keys the target offers ------------------------------------------------------

TEST(Negotiator, AnswersUnknownObsoleteAndLevelKeys)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle({{"X-com.example.Feature", "Yes"},
                          {"X#NodeArchitecture", "ExampleTarget/1.0"},
                          {"SomeFutureKey", "1"},
                          {"OFMarker", "No"},
                          {"IFMarker", "Yes"},
                          {"OFMarkInt", "2048~8192"},
                          {"IFMarkInt", "2048"},
                          {"iSCSIProtocolLevel", "2"}}));
    EXPECT_EQ(n.take_answers(), (key_values{{"X-com.example.Feature", "NotUnderstood"},
                                            {"X#NodeArchitecture", "NotUnderstood"},
                                            {"SomeFutureKey", "NotUnderstood"},
                                            {"OFMarker", "Reject"}, // §13.25: never NotUnderstood
                                            {"IFMarker", "Reject"},
                                            {"OFMarkInt", "Reject"},
                                            {"IFMarkInt", "Reject"},
                                            {"iSCSIProtocolLevel", "1"}})); // min(2, RFC 7143 = 1)
    EXPECT_TRUE(n.take_answers().empty());
}

TEST(Negotiator, InadmissibleTargetOffersAreAnsweredReject)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle({{"iSCSIProtocolLevel", "32"}}));
    EXPECT_EQ(n.take_answers(), (key_values{{"iSCSIProtocolLevel", "Reject"}}));
    negotiator m(session_type::normal, {});
    ASSERT_TRUE(m.handle({{"iSCSIProtocolLevel", "one"}}));
    EXPECT_EQ(m.take_answers(), (key_values{{"iSCSIProtocolLevel", "Reject"}}));
}

// ---- Boolean rules with optional answers (§6.2.2) ----------------------------------

TEST(Negotiator, AndWithNoAndOrWithYesNeedNoAnswer)
{
    operational_offer offer;
    offer.immediate_data = false; // AND: outcome No whatever the target says
    offer.initial_r2t = true;     // OR:  outcome Yes whatever the target says
    negotiator n(session_type::normal, offer);
    auto const answers = without(without(lio_answer(), "ImmediateData"), "InitialR2T");
    ASSERT_TRUE(n.handle(answers));
    EXPECT_TRUE(n.all_answered());
    EXPECT_FALSE(n.params().immediate_data);
    EXPECT_TRUE(n.params().initial_r2t);
}

TEST(Negotiator, OtherBooleanOffersNeedAnAnswer)
{
    negotiator n(session_type::normal, {}); // ImmediateData=Yes, InitialR2T=No
    ASSERT_TRUE(n.handle(without(lio_answer(), "ImmediateData")));
    EXPECT_FALSE(n.all_answered());
    ASSERT_TRUE(n.handle({{"ImmediateData", "No"}}));
    EXPECT_TRUE(n.all_answered());
    EXPECT_FALSE(n.params().immediate_data);
}

// ---- FirstBurstLength <= MaxBurstLength (§13.14) -----------------------------------

TEST(Negotiator, FirstBurstAboveMaxBurstIsAnError)
{
    negotiator n(session_type::normal, {});
    auto answers = with(with(lio_answer(), "MaxBurstLength", "16384"), "FirstBurstLength", "65536");
    expect_failure(n, answers, errc::burst_length_conflict, "FirstBurstLength=65536");
}

TEST(Negotiator, FirstBurstConflictIsCheckedOnlyOnceBothAreAnswered)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle({{"MaxBurstLength", "16384"}})); // FirstBurstLength still pending
    expect_failure(n, {{"FirstBurstLength", "32768"}}, errc::burst_length_conflict, "MaxBurstLength=16384");
}

TEST(Negotiator, FirstBurstDoesNotMatterWithoutUnsolicitedData)
{
    operational_offer offer;
    offer.initial_r2t = true;
    offer.immediate_data = false;
    negotiator n(session_type::normal, offer);
    auto answers = with(with(lio_answer(), "MaxBurstLength", "16384"), "FirstBurstLength", "65536");
    answers = with(with(answers, "InitialR2T", "Yes"), "ImmediateData", "No");
    ASSERT_TRUE(n.handle(answers));
    EXPECT_EQ(n.params().first_burst_length, 16384U); // lowered so consumers see First <= Max
}

TEST(Negotiator, IrrelevantFirstBurstIsLoweredToMaxBurst)
{
    negotiator n(session_type::normal, {});
    ASSERT_TRUE(n.handle(with(with(lio_answer(), "MaxBurstLength", "1024"), "FirstBurstLength", "Irrelevant")));
    EXPECT_EQ(n.params().max_burst_length, 1024U);
    EXPECT_EQ(n.params().first_burst_length, 1024U);
}

// ---- numerical and Boolean answer rules, one row per case ----------------------------

struct number_answer_case {
    std::string_view key;
    std::string_view answer;
    std::optional<errc> error;
    std::uint32_t negotiated_params::*field;
    std::uint32_t expected;
};
class NumericalAnswerRule : public ::testing::TestWithParam<number_answer_case> {};

TEST_P(NumericalAnswerRule, AgainstOpenIscsiDefaultOffer)
{
    auto const& c = GetParam();
    negotiator n(session_type::normal, {});
    diagnostics diag;
    auto const r = n.handle({{std::string(c.key), std::string(c.answer)}}, &diag);
    if (c.error) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), *c.error);
        EXPECT_NE(diag.message.find(std::string(c.key) + "=" + std::string(c.answer)), std::string::npos)
            << diag.message;
    } else {
        ASSERT_TRUE(r) << diag.message;
        EXPECT_EQ(n.params().*c.field, c.expected);
    }
}

using np = negotiated_params;
INSTANTIATE_TEST_SUITE_P(
    Section13, NumericalAnswerRule,
    ::testing::Values(
        // Minimum, offered 16776192, range 512..2^24-1
        number_answer_case{"MaxBurstLength", "16776192", {}, &np::max_burst_length, 16776192},
        number_answer_case{"MaxBurstLength", "512", {}, &np::max_burst_length, 512},
        number_answer_case{"MaxBurstLength", "0x10000", {}, &np::max_burst_length, 65536},
        number_answer_case{"MaxBurstLength", "16776193", errc::answer_not_permitted, nullptr, 0},
        number_answer_case{"MaxBurstLength", "511", errc::out_of_range, nullptr, 0},
        number_answer_case{"MaxBurstLength", "16777216", errc::out_of_range, nullptr, 0},
        number_answer_case{"MaxBurstLength", "big", errc::invalid_value, nullptr, 0},
        number_answer_case{"MaxBurstLength", "", errc::invalid_value, nullptr, 0},
        // Minimum, offered 1, range 1..65535
        number_answer_case{"MaxConnections", "1", {}, &np::max_connections, 1},
        number_answer_case{"MaxConnections", "2", errc::answer_not_permitted, nullptr, 0},
        number_answer_case{"MaxOutstandingR2T", "0", errc::out_of_range, nullptr, 0},
        // Maximum, offered 2, range 0..3600
        number_answer_case{"DefaultTime2Wait", "2", {}, &np::default_time2wait, 2},
        number_answer_case{"DefaultTime2Wait", "3600", {}, &np::default_time2wait, 3600},
        number_answer_case{"DefaultTime2Wait", "1", errc::answer_not_permitted, nullptr, 0},
        number_answer_case{"DefaultTime2Wait", "3601", errc::out_of_range, nullptr, 0},
        // Minimum, offered 0
        number_answer_case{"DefaultTime2Retain", "0", {}, &np::default_time2retain, 0},
        number_answer_case{"DefaultTime2Retain", "20", errc::answer_not_permitted, nullptr, 0},
        number_answer_case{"ErrorRecoveryLevel", "1", errc::answer_not_permitted, nullptr, 0},
        number_answer_case{"ErrorRecoveryLevel", "3", errc::out_of_range, nullptr, 0},
        // Declarative per direction: the target's value goes to max_xmit.
        number_answer_case{"MaxRecvDataSegmentLength", "1048576", {}, &np::max_xmit_data_segment_length,
                           1048576}));

struct boolean_answer_case {
    std::string_view key;
    bool operational_offer::*offer_field;
    bool offered;
    std::string_view answer;
    std::optional<errc> error;
    bool negotiated_params::*field;
    bool expected;
};
class BooleanAnswerRule : public ::testing::TestWithParam<boolean_answer_case> {};

TEST_P(BooleanAnswerRule, ResultFunction)
{
    auto const& c = GetParam();
    operational_offer offer;
    offer.*c.offer_field = c.offered;
    negotiator n(session_type::normal, offer);
    EXPECT_EQ(*find(n.initial_offers(), c.key), c.offered ? "Yes" : "No");
    auto const r = n.handle({{std::string(c.key), std::string(c.answer)}});
    if (c.error) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), *c.error);
    } else {
        ASSERT_TRUE(r);
        EXPECT_EQ(n.params().*c.field, c.expected);
    }
}

using oo = operational_offer;
INSTANTIATE_TEST_SUITE_P(
    AndOr, BooleanAnswerRule,
    ::testing::Values(
        boolean_answer_case{"ImmediateData", &oo::immediate_data, true, "Yes", {}, &np::immediate_data, true},
        boolean_answer_case{"ImmediateData", &oo::immediate_data, true, "No", {}, &np::immediate_data, false},
        boolean_answer_case{"ImmediateData", &oo::immediate_data, false, "No", {}, &np::immediate_data, false},
        boolean_answer_case{"ImmediateData", &oo::immediate_data, false, "Yes", errc::answer_not_permitted,
                            nullptr, false},
        boolean_answer_case{"InitialR2T", &oo::initial_r2t, false, "No", {}, &np::initial_r2t, false},
        boolean_answer_case{"InitialR2T", &oo::initial_r2t, false, "Yes", {}, &np::initial_r2t, true},
        boolean_answer_case{"InitialR2T", &oo::initial_r2t, true, "Yes", {}, &np::initial_r2t, true},
        boolean_answer_case{"InitialR2T", &oo::initial_r2t, true, "No", errc::answer_not_permitted, nullptr,
                            false},
        boolean_answer_case{"DataPDUInOrder", &oo::data_pdu_in_order, false, "Yes", {}, &np::data_pdu_in_order,
                            true},
        boolean_answer_case{"DataSequenceInOrder", &oo::data_sequence_in_order, true, "No",
                            errc::answer_not_permitted, nullptr, false},
        boolean_answer_case{"ImmediateData", &oo::immediate_data, true, "yes", errc::invalid_value, nullptr,
                            false}));

// ---- Discovery sessions ---------------------------------------------------------------

TEST(Negotiator, DiscoveryOffersOnlyKeysRelevantToIt)
{
    negotiator const n(session_type::discovery, {});
    EXPECT_EQ(n.initial_offers(), (key_values{{"HeaderDigest", "None"},
                                              {"DataDigest", "None"},
                                              {"MaxRecvDataSegmentLength", "262144"},
                                              {"DefaultTime2Wait", "2"},
                                              {"DefaultTime2Retain", "0"},
                                              {"ErrorRecoveryLevel", "0"}}));
}

TEST(Negotiator, DiscoveryToleratesIrrelevantAnswersAndAnswersIrrelevantOffers)
{
    negotiator n(session_type::discovery, {});
    ASSERT_TRUE(n.handle({{"HeaderDigest", "Irrelevant"},
                          {"DataDigest", "None"},
                          {"DefaultTime2Wait", "Irrelevant"},
                          {"DefaultTime2Retain", "0"},
                          {"ErrorRecoveryLevel", "0"},
                          {"MaxRecvDataSegmentLength", "32768"},
                          {"MaxBurstLength", "262144"},
                          {"ImmediateData", "Yes"}}));
    EXPECT_TRUE(n.all_answered());
    EXPECT_EQ(n.take_answers(), (key_values{{"MaxBurstLength", "Irrelevant"}, {"ImmediateData", "Irrelevant"}}));
    EXPECT_EQ(n.params().max_xmit_data_segment_length, 32768U);
    EXPECT_EQ(n.params().default_time2wait, 2U);
    EXPECT_EQ(n.params().max_burst_length, 262144U); // untouched default
}

// ---- our own configuration -----------------------------------------------------------------

TEST(Negotiator, CheckOfferReportsConfigurationErrors)
{
    EXPECT_TRUE(negotiator::check_offer({}));
    operational_offer bad_burst;
    bad_burst.first_burst_length = 1048576;
    bad_burst.max_burst_length = 262144;
    diagnostics diag;
    auto const r = negotiator::check_offer(bad_burst, &diag);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_offer);
    EXPECT_NE(diag.message.find("FirstBurstLength=1048576"), std::string::npos);
    operational_offer small;
    small.max_recv_data_segment_length = 100;
    EXPECT_FALSE(negotiator::check_offer(small));
    operational_offer no_digest;
    no_digest.header_digest.clear();
    EXPECT_FALSE(negotiator::check_offer(no_digest));
}

TEST(Negotiator, ConstructorClampsAnInvalidOfferIntoSomethingSendable)
{
    operational_offer offer;
    offer.first_burst_length = 1048576;
    offer.max_burst_length = 262144;
    offer.max_recv_data_segment_length = 100;
    offer.error_recovery_level = 7;
    offer.data_digest.clear();
    negotiator const n(session_type::normal, offer);
    auto const offers = n.initial_offers();
    EXPECT_EQ(*find(offers, "FirstBurstLength"), "262144");
    EXPECT_EQ(*find(offers, "MaxRecvDataSegmentLength"), "512");
    EXPECT_EQ(*find(offers, "ErrorRecoveryLevel"), "2");
    EXPECT_EQ(*find(offers, "DataDigest"), "None");
}

} // namespace
} // namespace iscsi::text
