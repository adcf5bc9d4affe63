#include "iscsi/auth/chap.hpp"

#include "iscsi/auth/binary_value.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace iscsi::auth;
using iscsi::diagnostics;
using iscsi::text::key_value;
using iscsi::text::key_values;

/// Deterministic "randomness": a counter, so transcripts are reproducible.
class counting_random final : public random_source {
public:
    explicit counting_random(unsigned start) : next_(start) {}
    void fill(std::span<std::byte> out) override
    {
        for (auto& b : out) b = static_cast<std::byte>(next_++ & 0xffU);
    }

private:
    unsigned next_;
};

/// Always produces the same bytes: a broken generator.
class stuck_random final : public random_source {
public:
    void fill(std::span<std::byte> out) override { std::fill(out.begin(), out.end(), std::byte{0x5a}); }
};

std::string const* value_of(key_values const& kvs, std::string_view key)
{
    for (auto const& kv : kvs)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

chap_credentials creds(std::string user, std::string pass) { return {std::move(user), secret(pass)}; }

chap_config one_way(std::vector<chap_algorithm> algs = {chap_algorithm::md5})
{
    chap_config c;
    c.initiator = creds("iqn.2024-01.org.example:host", "initiator-secret");
    c.algorithms = std::move(algs);
    return c;
}

chap_config mutual_config(std::vector<chap_algorithm> algs = {chap_algorithm::md5})
{
    chap_config c = one_way(std::move(algs));
    c.target = creds("target-user", "target-secret-1");
    return c;
}

chap_target_config target_for(chap_config const& c)
{
    chap_target_config t;
    t.initiator = c.initiator;
    t.target = c.target;
    return t;
}

/// Runs the whole exchange; returns the first error, from either side.
std::error_code run_exchange(chap_initiator& ini, chap_target& tgt, diagnostics* d = nullptr)
{
    auto challenge = tgt.challenge(ini.offer(), d);
    if (!challenge) return challenge.error();
    auto response = ini.respond(*challenge, d);
    if (!response) return response.error();
    auto proof = tgt.authenticate(*response, d);
    if (!proof) return proof.error();
    if (ini.mutual()) {
        auto verified = ini.verify_target(*proof, d);
        if (!verified) return verified.error();
    }
    return {};
}

// ---------------------------------------------------------------- offer

TEST(ChapInitiator, OfferListsAlgorithmsInConfiguredOrder)
{
    counting_random rnd(1);
    chap_initiator ini(one_way({chap_algorithm::sha3_256, chap_algorithm::sha256, chap_algorithm::sha1,
                                chap_algorithm::md5}),
                       rnd);
    EXPECT_EQ(ini.offer(), (key_values{{"CHAP_A", "8,7,6,5"}}));
}

// ---------------------------------------------------------------- one-way transcripts

class ChapOneWay : public testing::TestWithParam<chap_algorithm> {};

TEST_P(ChapOneWay, InitiatorProvesItselfToTarget)
{
    counting_random ri(1), rt(100);
    auto cfg = one_way({GetParam()});
    chap_target tgt(target_for(cfg), rt);
    chap_initiator ini(cfg, ri);

    auto challenge = tgt.challenge(ini.offer());
    ASSERT_TRUE(challenge);
    EXPECT_EQ(*value_of(*challenge, "CHAP_A"), std::to_string(static_cast<unsigned>(GetParam())));
    auto response = ini.respond(*challenge);
    ASSERT_TRUE(response) << response.error().message();
    EXPECT_EQ(*value_of(*response, "CHAP_N"), "iqn.2024-01.org.example:host");
    EXPECT_EQ(value_of(*response, "CHAP_R")->substr(0, 2), "0x"); // we send hex
    EXPECT_EQ(value_of(*response, "CHAP_C"), nullptr);             // not mutual
    EXPECT_TRUE(ini.complete());
    auto proof = tgt.authenticate(*response);
    ASSERT_TRUE(proof) << proof.error().message();
    EXPECT_TRUE(proof->empty());
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, ChapOneWay,
                         testing::Values(chap_algorithm::md5, chap_algorithm::sha1, chap_algorithm::sha256,
                                         chap_algorithm::sha3_256));

// A fixed transcript: CHAP_R is H(id || secret || challenge) computed outside
// our code (Python hashlib), so the initiator cannot agree with itself only.
TEST(ChapInitiator, RespondsWithKnownMd5Answer)
{
    counting_random rnd(1);
    chap_config cfg = one_way();
    cfg.initiator = creds("user", "password");
    chap_initiator ini(cfg, rnd);
    std::string challenge = "0x";
    for (int i = 0; i < 16; ++i) challenge += "ab";
    auto r = ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "1"}, {"CHAP_C", challenge}});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, (key_values{{"CHAP_N", "user"}, {"CHAP_R", "0x8d67a8534bbf8b7cd4cdd37e2c8a5c47"}}));
}

TEST(ChapOneWay, WrongInitiatorSecretIsRefusedByTarget)
{
    counting_random ri(1), rt(100);
    auto cfg = one_way();
    auto tcfg = target_for(cfg);
    tcfg.initiator.password = secret("a-different-secret");
    chap_target tgt(tcfg, rt);
    chap_initiator ini(cfg, ri);
    EXPECT_EQ(run_exchange(ini, tgt), errc::initiator_auth_failed);
}

TEST(ChapOneWay, WrongInitiatorNameIsRefusedByTarget)
{
    counting_random ri(1), rt(100);
    auto cfg = one_way();
    auto tcfg = target_for(cfg);
    tcfg.initiator.username = "someone-else";
    chap_target tgt(tcfg, rt);
    chap_initiator ini(cfg, ri);
    EXPECT_EQ(run_exchange(ini, tgt), errc::initiator_auth_failed);
}

// ---------------------------------------------------------------- mutual transcripts

class ChapMutual : public testing::TestWithParam<chap_algorithm> {};

TEST_P(ChapMutual, BothSidesProveThemselves)
{
    counting_random ri(7), rt(200);
    auto cfg = mutual_config({GetParam()});
    chap_target tgt(target_for(cfg), rt);
    chap_initiator ini(cfg, ri);
    ASSERT_TRUE(ini.mutual());

    auto challenge = tgt.challenge(ini.offer());
    ASSERT_TRUE(challenge);
    auto response = ini.respond(*challenge);
    ASSERT_TRUE(response);
    ASSERT_NE(value_of(*response, "CHAP_I"), nullptr);
    ASSERT_NE(value_of(*response, "CHAP_C"), nullptr);
    auto own = decode_binary_value(*value_of(*response, "CHAP_C"));
    ASSERT_TRUE(own);
    EXPECT_GE(own->size(), min_own_challenge_length);
    EXPECT_NE(*value_of(*response, "CHAP_C"), *value_of(*challenge, "CHAP_C"));
    EXPECT_FALSE(ini.complete());

    auto proof = tgt.authenticate(*response);
    ASSERT_TRUE(proof) << proof.error().message();
    EXPECT_EQ(*value_of(*proof, "CHAP_N"), "target-user");
    auto verified = ini.verify_target(*proof);
    EXPECT_TRUE(verified) << verified.error().message();
    EXPECT_TRUE(ini.complete());
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, ChapMutual,
                         testing::Values(chap_algorithm::md5, chap_algorithm::sha1, chap_algorithm::sha256,
                                         chap_algorithm::sha3_256));

TEST(ChapMutual, WrongTargetSecretFailsTargetAuthentication)
{
    counting_random ri(7), rt(200);
    auto cfg = mutual_config();
    auto tcfg = target_for(cfg);
    tcfg.target->password = secret("not-the-target-secret");
    chap_target tgt(tcfg, rt);
    chap_initiator ini(cfg, ri);
    diagnostics d;
    EXPECT_EQ(run_exchange(ini, tgt, &d), errc::target_auth_failed);
    EXPECT_NE(d.message.find("target failed authentication"), std::string::npos) << d.message;
    EXPECT_EQ(iscsi::recovery_for(make_error_code(errc::target_auth_failed)), iscsi::recovery::fail_session);
}

TEST(ChapMutual, UnexpectedTargetNameFailsTargetAuthentication)
{
    counting_random ri(7), rt(200);
    auto cfg = mutual_config();
    auto tcfg = target_for(cfg);
    tcfg.target->username = "impostor";
    chap_target tgt(tcfg, rt);
    chap_initiator ini(cfg, ri);
    EXPECT_EQ(run_exchange(ini, tgt), errc::target_name_mismatch);
}

TEST(ChapMutual, TargetWithoutCredentialsCannotAnswer)
{
    counting_random ri(7), rt(200);
    auto cfg = mutual_config();
    auto tcfg = target_for(cfg);
    tcfg.target.reset();
    chap_target tgt(tcfg, rt);
    chap_initiator ini(cfg, ri);
    EXPECT_EQ(run_exchange(ini, tgt), errc::mutual_not_configured);
}

TEST(ChapMutual, ResponseOfWrongLengthIsRefused)
{
    counting_random ri(7);
    chap_initiator ini(mutual_config(), ri);
    ASSERT_TRUE(ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "3"}, {"CHAP_C", "0x" + std::string(32, '1')}}));
    auto r = ini.verify_target({{"CHAP_N", "target-user"}, {"CHAP_R", "0x" + std::string(40, '0')}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_response_length);
}

TEST(ChapMutual, VerifyBeforeRespondIsOutOfOrder)
{
    counting_random ri(7);
    chap_initiator ini(mutual_config(), ri);
    auto r = ini.verify_target({{"CHAP_N", "target-user"}, {"CHAP_R", "0x00"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::out_of_order);
}

TEST(ChapOneWay, VerifyWithoutMutualIsOutOfOrder)
{
    counting_random ri(7);
    chap_initiator ini(one_way(), ri);
    ASSERT_TRUE(ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "3"}, {"CHAP_C", "0x" + std::string(32, '1')}}));
    EXPECT_EQ(ini.verify_target({}).error(), errc::out_of_order);
}

TEST(ChapInitiator, SecondChallengeIsOutOfOrder)
{
    counting_random ri(7);
    chap_initiator ini(one_way(), ri);
    key_values const ch{{"CHAP_A", "5"}, {"CHAP_I", "3"}, {"CHAP_C", "0x" + std::string(32, '1')}};
    ASSERT_TRUE(ini.respond(ch));
    EXPECT_EQ(ini.respond(ch).error(), errc::out_of_order);
}

// ---------------------------------------------------------------- reflection (§12.1.3)

TEST(ChapReflection, TargetEchoingOurChallengeIsRefused)
{
    counting_random ri(7);
    chap_initiator ini(mutual_config(), ri);
    auto response = ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "3"}, {"CHAP_C", "0x" + std::string(32, '1')}});
    ASSERT_TRUE(response);
    // The target sends our own challenge back instead of a proof.
    auto r = ini.verify_target({{"CHAP_I", *value_of(*response, "CHAP_I")},
                                {"CHAP_C", *value_of(*response, "CHAP_C")},
                                {"CHAP_N", "target-user"},
                                {"CHAP_R", "0x" + std::string(32, '0')}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::reflected_challenge);
}

TEST(ChapReflection, EchoInAnotherEncodingIsStillRefused)
{
    counting_random ri(7);
    chap_initiator ini(mutual_config(), ri);
    auto response = ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "3"}, {"CHAP_C", "0x" + std::string(32, '1')}});
    ASSERT_TRUE(response);
    auto own = decode_binary_value(*value_of(*response, "CHAP_C"));
    ASSERT_TRUE(own);
    auto r = ini.verify_target({{"CHAP_C", encode_base64(*own)}, {"CHAP_N", "target-user"}, {"CHAP_R", "0x00"}});
    EXPECT_EQ(r.error(), errc::reflected_challenge);
}

TEST(ChapReflection, InitiatorNeverIssuesTheTargetsChallenge)
{
    // A generator stuck on 0x5a and a target challenging with 0x5a... bytes:
    // our challenge would equal the target's, so the initiator refuses.
    stuck_random stuck;
    chap_initiator ini(mutual_config(), stuck);
    std::string c = "0x";
    for (int i = 0; i < 16; ++i) c += "5a";
    auto r = ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "3"}, {"CHAP_C", c}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::reflected_challenge);
}

TEST(ChapReflection, TargetRefusesInitiatorReflectingItsChallenge)
{
    counting_random rt(200);
    auto cfg = mutual_config();
    chap_target tgt(target_for(cfg), rt);
    auto challenge = tgt.challenge({{"CHAP_A", "5"}});
    ASSERT_TRUE(challenge);
    // A malicious initiator answers correctly, then asks the target to answer
    // the target's own challenge.
    counting_random ri(1);
    chap_initiator honest(one_way(), ri);
    auto response = honest.respond(*challenge);
    ASSERT_TRUE(response);
    response->push_back({"CHAP_I", *value_of(*challenge, "CHAP_I")});
    response->push_back({"CHAP_C", *value_of(*challenge, "CHAP_C")});
    EXPECT_EQ(tgt.authenticate(*response).error(), errc::reflected_challenge);
}

// ---------------------------------------------------------------- encodings

TEST(ChapEncodings, Base64TargetInteroperates)
{
    counting_random ri(7), rt(200);
    auto cfg = mutual_config({chap_algorithm::sha256});
    auto tcfg = target_for(cfg);
    tcfg.base64 = true;
    chap_target tgt(tcfg, rt);
    chap_initiator ini(cfg, ri);
    auto challenge = tgt.challenge(ini.offer());
    ASSERT_TRUE(challenge);
    EXPECT_EQ(value_of(*challenge, "CHAP_C")->substr(0, 2), "0b");
    auto response = ini.respond(*challenge);
    ASSERT_TRUE(response);
    auto proof = tgt.authenticate(*response);
    ASSERT_TRUE(proof);
    EXPECT_EQ(value_of(*proof, "CHAP_R")->substr(0, 2), "0b");
    EXPECT_TRUE(ini.verify_target(*proof));
}

TEST(ChapEncodings, UpperCaseHexPrefixAndDigitsAccepted)
{
    counting_random ri(7);
    chap_initiator ini(one_way(), ri);
    EXPECT_TRUE(ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "0x1F"}, {"CHAP_C", "0X" + std::string(32, 'F')}}));
}

// ---------------------------------------------------------------- malformed target messages

struct bad_challenge_case {
    char const* name;
    key_values from_target;
    errc expected;
};

class ChapInitiatorRejects : public testing::TestWithParam<bad_challenge_case> {};

TEST_P(ChapInitiatorRejects, MalformedChallenge)
{
    counting_random ri(7);
    chap_initiator ini(one_way({chap_algorithm::md5, chap_algorithm::sha1}), ri);
    diagnostics d;
    auto r = ini.respond(GetParam().from_target, &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), GetParam().expected) << d.message;
    EXPECT_FALSE(d.message.empty());
    EXPECT_EQ(d.message.find("initiator-secret"), std::string::npos);
    EXPECT_EQ(iscsi::recovery_for(r.error()), iscsi::recovery::fail_session);
}

std::string const c16 = "0x" + std::string(32, '7');

INSTANTIATE_TEST_SUITE_P(
    Table, ChapInitiatorRejects,
    testing::Values(
        bad_challenge_case{"NoA", {{"CHAP_I", "1"}, {"CHAP_C", c16}}, errc::missing_key},
        bad_challenge_case{"NoI", {{"CHAP_A", "5"}, {"CHAP_C", c16}}, errc::missing_key},
        bad_challenge_case{"NoC", {{"CHAP_A", "5"}, {"CHAP_I", "1"}}, errc::missing_key},
        bad_challenge_case{"TwoC", {{"CHAP_A", "5"}, {"CHAP_I", "1"}, {"CHAP_C", c16}, {"CHAP_C", c16}},
                           errc::duplicate_key},
        bad_challenge_case{"Reject", {{"CHAP_A", "Reject"}, {"CHAP_I", "1"}, {"CHAP_C", c16}},
                           errc::no_common_algorithm},
        bad_challenge_case{"NotOffered", {{"CHAP_A", "7"}, {"CHAP_I", "1"}, {"CHAP_C", c16}},
                           errc::algorithm_not_offered},
        bad_challenge_case{"Unknown", {{"CHAP_A", "129"}, {"CHAP_I", "1"}, {"CHAP_C", c16}},
                           errc::algorithm_not_offered},
        bad_challenge_case{"AList", {{"CHAP_A", "5,6"}, {"CHAP_I", "1"}, {"CHAP_C", c16}},
                           errc::algorithm_not_offered},
        bad_challenge_case{"I256", {{"CHAP_A", "5"}, {"CHAP_I", "256"}, {"CHAP_C", c16}}, errc::bad_identifier},
        bad_challenge_case{"INegative", {{"CHAP_A", "5"}, {"CHAP_I", "-1"}, {"CHAP_C", c16}},
                           errc::bad_identifier},
        bad_challenge_case{"IText", {{"CHAP_A", "5"}, {"CHAP_I", "one"}, {"CHAP_C", c16}}, errc::bad_identifier},
        bad_challenge_case{"IEmpty", {{"CHAP_A", "5"}, {"CHAP_I", ""}, {"CHAP_C", c16}}, errc::bad_identifier},
        bad_challenge_case{"CNotEncoded", {{"CHAP_A", "5"}, {"CHAP_I", "1"}, {"CHAP_C", "abcdef"}},
                           errc::bad_encoding},
        bad_challenge_case{"CTooShort", {{"CHAP_A", "5"}, {"CHAP_I", "1"}, {"CHAP_C", "0x01020304050607"}},
                           errc::bad_challenge_length},
        bad_challenge_case{"CTooLong",
                           {{"CHAP_A", "5"}, {"CHAP_I", "1"}, {"CHAP_C", "0x" + std::string(2050, 'a')}},
                           errc::bad_challenge_length}),
    [](auto const& test_case) { return std::string(test_case.param.name); });

TEST(ChapBounds, LengthErrorNamesTheNumbers)
{
    counting_random ri(7);
    chap_initiator ini(one_way(), ri);
    diagnostics d;
    auto r = ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "1"}, {"CHAP_C", "0x0102"}}, &d);
    ASSERT_FALSE(r);
    EXPECT_NE(d.message.find("2 bytes"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("8 to 1024"), std::string::npos) << d.message;
}

TEST(ChapBounds, ChallengeLimitsAreInclusive)
{
    for (std::size_t n : {min_challenge_length, max_challenge_length}) {
        counting_random ri(7);
        chap_initiator ini(one_way(), ri);
        EXPECT_TRUE(ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "255"}, {"CHAP_C", "0x" + std::string(2 * n, 'c')}}))
            << n;
    }
}

TEST(ChapBounds, ErrorsAfterFailureAreSticky)
{
    counting_random ri(7);
    chap_initiator ini(one_way(), ri);
    EXPECT_FALSE(ini.respond({{"CHAP_A", "5"}}));
    EXPECT_EQ(ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "1"}, {"CHAP_C", c16}}).error(), errc::out_of_order);
}

// ---------------------------------------------------------------- tgt quirk

/// tgt (usr/iscsi/chap.c) knows only 5 and 7 and computes 7 as SHA-1.
chap_target_config tgt_like(chap_config const& c)
{
    chap_target_config t = target_for(c);
    t.algorithms = {chap_algorithm::md5, chap_algorithm::sha256};
    t.quirks.tgt_chap_a7_is_sha1 = true;
    t.challenge_length = 37; // tgt picks 25..49 bytes
    return t;
}

std::vector<chap_algorithm> const open_iscsi_order{chap_algorithm::sha3_256, chap_algorithm::sha256,
                                                   chap_algorithm::sha1, chap_algorithm::md5};

TEST(ChapTgtQuirk, WithoutQuirkTgtPicksSevenAndRefusesUs)
{
    counting_random ri(7), rt(200);
    auto cfg = one_way(open_iscsi_order);
    chap_target tgt(tgt_like(cfg), rt);
    chap_initiator ini(cfg, ri);
    EXPECT_EQ(run_exchange(ini, tgt), errc::initiator_auth_failed);
    EXPECT_EQ(ini.algorithm(), chap_algorithm::sha256);
    EXPECT_TRUE(ini.chap_a7_ambiguous()); // the login layer can suggest the quirk
}

TEST(ChapTgtQuirk, WithQuirkOneWaySucceeds)
{
    counting_random ri(7), rt(200);
    auto cfg = one_way(open_iscsi_order);
    cfg.quirks.tgt_chap_a7_is_sha1 = true;
    chap_target tgt(tgt_like(cfg), rt);
    chap_initiator ini(cfg, ri);
    auto challenge = tgt.challenge(ini.offer());
    ASSERT_TRUE(challenge);
    auto response = ini.respond(*challenge);
    ASSERT_TRUE(response);
    // 20 bytes: SHA-1, as tgt expects for CHAP_A=7.
    EXPECT_EQ(value_of(*response, "CHAP_R")->size(), 2U + 2 * 20);
    EXPECT_TRUE(tgt.authenticate(*response));
    EXPECT_FALSE(ini.chap_a7_ambiguous());
}

TEST(ChapTgtQuirk, WithQuirkMutualSucceeds)
{
    counting_random ri(7), rt(200);
    auto cfg = mutual_config(open_iscsi_order);
    cfg.quirks.tgt_chap_a7_is_sha1 = true;
    chap_target tgt(tgt_like(cfg), rt);
    chap_initiator ini(cfg, ri);
    EXPECT_EQ(run_exchange(ini, tgt), std::error_code{});
    EXPECT_TRUE(ini.complete());
}

TEST(ChapTgtQuirk, QuirkDoesNotChangeOtherAlgorithms)
{
    chap_quirks q;
    q.tgt_chap_a7_is_sha1 = true;
    EXPECT_EQ(hash_for(chap_algorithm::sha256, q), hash_function::sha1);
    EXPECT_EQ(hash_for(chap_algorithm::sha256, {}), hash_function::sha256);
    EXPECT_EQ(hash_for(chap_algorithm::md5, q), hash_function::md5);
    EXPECT_EQ(hash_for(chap_algorithm::sha1, q), hash_function::sha1);
    EXPECT_EQ(hash_for(chap_algorithm::sha3_256, q), hash_function::sha3_256);
}

TEST(ChapTgtQuirk, MutualSha1LengthProofGetsAHint)
{
    // A tgt-like peer that (hypothetically) accepted us: its 20-byte proof
    // for CHAP_A=7 is refused, and the diagnostics point at the quirk.
    counting_random ri(7);
    chap_initiator ini(mutual_config({chap_algorithm::sha256}), ri);
    ASSERT_TRUE(ini.respond({{"CHAP_A", "7"}, {"CHAP_I", "3"}, {"CHAP_C", c16}}));
    diagnostics d;
    auto r = ini.verify_target({{"CHAP_N", "target-user"}, {"CHAP_R", "0x" + std::string(40, 'e')}}, &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_response_length);
    EXPECT_NE(d.message.find("tgt_chap_a7_is_sha1"), std::string::npos) << d.message;
}

// ---------------------------------------------------------------- configuration

TEST(ChapConfig, SameSecretInBothDirectionsIsRefused)
{
    auto cfg = mutual_config();
    cfg.target->password = secret("initiator-secret");
    diagnostics d;
    auto r = check_config(cfg, &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::bad_config);
    EXPECT_EQ(d.message.find("initiator-secret"), std::string::npos);
    EXPECT_EQ(iscsi::recovery_for(r.error()), iscsi::recovery::report_to_user);

    counting_random ri(7);
    chap_initiator ini(cfg, ri);
    EXPECT_EQ(ini.respond({{"CHAP_A", "5"}, {"CHAP_I", "1"}, {"CHAP_C", c16}}).error(), errc::bad_config);
}

TEST(ChapConfig, EmptyFieldsAreRefused)
{
    auto a = one_way();
    a.initiator.username.clear();
    EXPECT_EQ(check_config(a).error(), errc::bad_config);
    auto b = one_way();
    b.initiator.password = secret();
    EXPECT_EQ(check_config(b).error(), errc::bad_config);
    auto c = one_way({});
    EXPECT_EQ(check_config(c).error(), errc::bad_config);
    EXPECT_TRUE(check_config(mutual_config()));
}

TEST(ChapAlgs, ParsesOpenIscsiList)
{
    auto r = parse_chap_algs("SHA3-256,SHA256,SHA1,MD5");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, open_iscsi_order);
    EXPECT_EQ(format_chap_algs(*r), "SHA3-256,SHA256,SHA1,MD5");
}

TEST(ChapAlgs, CaseBlanksAndRepeats)
{
    auto r = parse_chap_algs(" sha256 , md5,SHA256");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (std::vector<chap_algorithm>{chap_algorithm::sha256, chap_algorithm::md5}));
}

TEST(ChapAlgs, UnknownNameIsNamed)
{
    diagnostics d;
    auto r = parse_chap_algs("SHA256,SHA512", &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::unknown_algorithm_name);
    EXPECT_NE(d.message.find("SHA512"), std::string::npos);
    EXPECT_EQ(parse_chap_algs("").error(), errc::bad_config);
    EXPECT_EQ(parse_chap_algs("MD5,,SHA1").error(), errc::unknown_algorithm_name);
}

TEST(ChapAlgs, NumbersFollowIana)
{
    EXPECT_EQ(chap_algorithm_from_number(5), chap_algorithm::md5);
    EXPECT_EQ(chap_algorithm_from_number(6), chap_algorithm::sha1);
    EXPECT_EQ(chap_algorithm_from_number(7), chap_algorithm::sha256);
    EXPECT_EQ(chap_algorithm_from_number(8), chap_algorithm::sha3_256);
    EXPECT_FALSE(chap_algorithm_from_number(4));
    EXPECT_FALSE(chap_algorithm_from_number(0x105));
}

TEST(ChapErrors, CategoryAndMessages)
{
    std::error_code const ec = errc::target_auth_failed;
    EXPECT_STREQ(ec.category().name(), "iscsi.auth");
    EXPECT_EQ(ec.message(), "target failed authentication");
    EXPECT_EQ(iscsi::recovery_for(errc::unknown_algorithm_name), iscsi::recovery::report_to_user);
    EXPECT_EQ(iscsi::recovery_for(errc::reflected_challenge), iscsi::recovery::fail_session);
}

} // namespace
