#include "iscsi/login/login_machine.hpp"

#include "login_transcript.hpp"

#include "iscsi/auth/errors.hpp"

#include <gtest/gtest.h>

#include <string>

// Transcripts of logins that succeed (RFC 7143 §6.3, §11.12, §11.13,
// §12.1.3): the target's side is played with pdu_builders and, for CHAP, the
// library's own chap_target, so every CHAP value on the wire is real.
// Faults are in login_machine_faults_test.cpp.
namespace iscsi::login::test {
namespace {

using LoginMachine = login_transcript;

TEST_F(LoginMachine, NoAuthLoginTakesTwoRoundTrips)
{
    start();
    auto leading = sent();
    // §6.3: the leading Login Request names initiator, session type and
    // target; with nothing to authenticate it asks to transit at once.
    EXPECT_EQ(leading.pdu.csg, security);
    EXPECT_TRUE(leading.pdu.transit);
    EXPECT_FALSE(leading.pdu.cont);
    EXPECT_EQ(leading.pdu.nsg, operational);
    EXPECT_EQ(leading.key("InitiatorName"), initiator_iqn);
    EXPECT_EQ(leading.key("SessionType"), "Normal");
    EXPECT_EQ(leading.key("TargetName"), target_iqn);
    EXPECT_EQ(leading.key("AuthMethod"), "None");
    EXPECT_FALSE(leading.has("InitiatorAlias")) << "sent only when configured";
    EXPECT_EQ(leading.pdu.isid_, our_isid);
    EXPECT_EQ(leading.pdu.tsih_, tsih{0}) << "§11.12.6: a new session";
    EXPECT_EQ(leading.pdu.cid_, cid{3});
    EXPECT_EQ(leading.pdu.cmd_sn, cmdsn{10});
    EXPECT_EQ(leading.pdu.version_max, 0);
    EXPECT_EQ(leading.pdu.version_min, 0);
    EXPECT_TRUE(sent_nothing());
    EXPECT_EQ(machine().state(), login_state::security_negotiation);

    feed(reply(security, operational).stat_sn(100).keys({{"AuthMethod", "None"}, {"TargetPortalGroupTag", "1"}}));
    auto offer = sent();
    EXPECT_EQ(machine().state(), login_state::login_operational_negotiation);
    EXPECT_EQ(offer.pdu.csg, operational);
    EXPECT_TRUE(offer.pdu.transit);
    EXPECT_EQ(offer.pdu.nsg, full_feature);
    EXPECT_EQ(offer.pdu.exp_stat_sn, statsn{101});
    EXPECT_EQ(offer.pdu.cmd_sn, cmdsn{10}) << "§11.12.8: Login Requests do not advance CmdSN";
    EXPECT_EQ(offer.key("HeaderDigest"), "None");
    EXPECT_EQ(offer.key("MaxRecvDataSegmentLength"), "262144");
    EXPECT_FALSE(offer.has("AuthMethod"));

    feed(reply(operational, full_feature).stat_sn(101).tsih(5).window(10, 41).keys(target_answers()));
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    EXPECT_TRUE(machine().done());
    EXPECT_TRUE(sent_nothing());
    EXPECT_FALSE(machine().poll_timeout().has_value()) << "no deadline once logged in";
    auto const& s = machine().success();
    EXPECT_EQ(s.tsih_, tsih{5});
    EXPECT_EQ(s.cmd_sn, cmdsn{10});
    EXPECT_EQ(s.exp_cmd_sn, cmdsn{10});
    EXPECT_EQ(s.max_cmd_sn, cmdsn{41});
    EXPECT_EQ(s.exp_stat_sn, statsn{102});
    EXPECT_FALSE(s.authenticated);
    EXPECT_EQ(s.params.max_xmit_data_segment_length, 8192U);
    EXPECT_TRUE(s.params.initial_r2t) << "InitialR2T is OR: our No and the target's Yes give Yes";
}

TEST_F(LoginMachine, TargetPortalGroupTagInFirstResponseIsRecorded)
{
    // §13.9: the target MUST send TargetPortalGroupTag in its first response.
    pass_security_without_auth({{"TargetPortalGroupTag", "12"}, {"TargetAlias", "disk-array"}});
    feed(reply(operational, full_feature).tsih(1).keys(target_answers()));
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    EXPECT_EQ(machine().success().params.target_portal_group_tag, std::uint16_t{12});
    EXPECT_EQ(machine().success().params.target_alias, "disk-array");
}

TEST_F(LoginMachine, NegotiatedParametersComeOutInSuccess)
{
    auto p = no_auth_params();
    p.offer.header_digest = {text::digest::crc32c, text::digest::none};
    start(p);
    (void)sent();
    feed(reply(security, operational).keys({{"AuthMethod", "None"}}));
    auto offer = sent();
    EXPECT_EQ(offer.key("HeaderDigest"), "CRC32C,None") << "§6.2.1: in order of preference";

    auto answers = target_answers();
    for (auto& kv : answers) {
        if (kv.key == "HeaderDigest") kv.value = "CRC32C";
        if (kv.key == "MaxRecvDataSegmentLength") kv.value = "65536";
    }
    feed(reply(operational, full_feature).tsih(9).keys(answers));
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    auto const& params = machine().success().params;
    EXPECT_EQ(params.header_digest, text::digest::crc32c);
    EXPECT_EQ(params.data_digest, text::digest::none);
    // §13.12: MaxRecvDataSegmentLength is declared per direction.
    EXPECT_EQ(params.max_xmit_data_segment_length, 65536U) << "what the target declared";
    EXPECT_EQ(params.max_recv_data_segment_length, 262144U) << "what we declared";
    EXPECT_EQ(params.max_burst_length, 262144U);
    EXPECT_EQ(params.first_burst_length, 65536U);
}

TEST_F(LoginMachine, TargetMayAskForAnotherOperationalRound)
{
    // §6.2: a response without T lets the target offer keys of its own; we
    // answer them and keep asking to transit.
    pass_security_without_auth();
    feed(reply(operational).keys({{"MaxRecvDataSegmentLength", "16384"}, {"X-com.example.Foo", "1"}}));
    auto answer = sent();
    EXPECT_TRUE(answer.pdu.transit);
    EXPECT_EQ(answer.pdu.nsg, full_feature);
    EXPECT_EQ(answer.key("X-com.example.Foo"), "NotUnderstood");
    auto answers = target_answers();
    std::erase_if(answers, [](auto const& kv) { return kv.key == "MaxRecvDataSegmentLength"; });
    feed(reply(operational, full_feature).tsih(2).keys(answers));
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    EXPECT_EQ(machine().success().params.max_xmit_data_segment_length, 16384U);
}

TEST_F(LoginMachine, TargetStayingInSecurityStageIsAskedAgainToTransit)
{
    start();
    (void)sent();
    feed(reply(security).keys({{"AuthMethod", "None"}}));
    auto again = sent();
    EXPECT_EQ(again.pdu.csg, security);
    EXPECT_TRUE(again.pdu.transit);
    EXPECT_EQ(again.pdu.nsg, operational);
    EXPECT_TRUE(again.keys.empty());
    feed(reply(security, operational));
    EXPECT_EQ(machine().state(), login_state::login_operational_negotiation) << failure();
}

TEST_F(LoginMachine, ExistingTsihIsKeptForAReinstatement)
{
    // §6.3.5: a connection added to (or reinstating) a session carries its
    // TSIH, and the login may then finish with the target echoing it.
    auto p = no_auth_params();
    p.tsih_ = tsih{0x44};
    start(p);
    EXPECT_EQ(sent().pdu.tsih_, tsih{0x44});
    feed(reply(security, operational).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(sent().pdu.tsih_, tsih{0x44});
    feed(reply(operational, full_feature).tsih(0x44).keys(target_answers()));
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    EXPECT_EQ(machine().success().tsih_, tsih{0x44});
}

TEST_F(LoginMachine, DiscoverySessionNamesNoTarget)
{
    auto p = no_auth_params();
    p.session_type = text::session_type::discovery;
    p.target_name.clear();
    start(p);
    auto leading = sent();
    EXPECT_EQ(leading.key("SessionType"), "Discovery");
    EXPECT_FALSE(leading.has("TargetName"));
}

// ---------------------------------------------------------------- CHAP (§12.1.3)

class LoginMachineChap : public login_transcript {
protected:
    /// Leading request → AuthMethod=CHAP → CHAP_A → CHAP_A/I/C: returns the
    /// request carrying CHAP_N/CHAP_R.
    sent_login run_until_chap_response(bool mutual)
    {
        if (!target_) target_.emplace(target_config(true), target_rng_);
        start(chap_params(mutual));
        auto leading = sent();
        EXPECT_EQ(leading.key("AuthMethod"), mutual ? "CHAP" : "CHAP,None");
        EXPECT_FALSE(leading.pdu.transit) << "authentication comes first";

        feed(reply(security).keys({{"AuthMethod", "CHAP"}, {"TargetPortalGroupTag", "3"}}));
        auto algorithms = sent();
        EXPECT_EQ(algorithms.key("CHAP_A"), "5");
        EXPECT_FALSE(algorithms.pdu.transit);

        auto challenge = target_->challenge(algorithms.keys);
        EXPECT_TRUE(challenge.has_value());
        if (!challenge) return {};
        feed(reply(security).keys(*challenge));
        auto response = sent();
        EXPECT_EQ(response.key("CHAP_N"), "alice");
        EXPECT_TRUE(response.has("CHAP_R"));
        EXPECT_EQ(response.has("CHAP_C"), mutual) << "our challenge to the target";
        // §12.1.3: with the response we ask to leave the security stage.
        EXPECT_TRUE(response.pdu.transit);
        EXPECT_EQ(response.pdu.nsg, operational);
        return response;
    }

    void finish_login()
    {
        auto offer = sent();
        EXPECT_EQ(offer.pdu.csg, operational);
        feed(reply(operational, full_feature).tsih(7).keys(target_answers()));
    }

    auth::chap_target_config target_config(bool mutual)
    {
        auth::chap_target_config c;
        c.initiator = initiator_credentials();
        if (mutual) c.target = target_credentials();
        return c;
    }

    counting_random target_rng_{0x90};
    std::optional<auth::chap_target> target_;
};

TEST_F(LoginMachineChap, OneWayChapProvesTheInitiator)
{
    auto response = run_until_chap_response(false);
    auto verdict = target_->authenticate(response.keys);
    ASSERT_TRUE(verdict.has_value()) << verdict.error().message() << ": the CHAP_R on the wire is wrong";
    EXPECT_TRUE(verdict->empty()) << "no mutual challenge was asked";

    feed(reply(security, operational).keys(*verdict));
    finish_login();
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    EXPECT_TRUE(machine().success().authenticated);
    EXPECT_FALSE(machine().success().mutual);
    EXPECT_EQ(machine().success().params.target_portal_group_tag, std::uint16_t{3});
}

TEST_F(LoginMachineChap, MutualChapChecksTheTargetsProof)
{
    auto response = run_until_chap_response(true);
    auto verdict = target_->authenticate(response.keys);
    ASSERT_TRUE(verdict.has_value()) << verdict.error().message();
    EXPECT_EQ(value_of(*verdict, "CHAP_N"), target_iqn);

    feed(reply(security, operational).keys(*verdict));
    finish_login();
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    EXPECT_TRUE(machine().success().authenticated);
    EXPECT_TRUE(machine().success().mutual);
}

TEST_F(LoginMachineChap, MutualChapFailsWhenTheTargetUsesAnotherSecret)
{
    auto impostor_config = target_config(true);
    impostor_config.target->password = auth::secret{"not-the-target-secret"};
    target_.emplace(impostor_config, target_rng_);

    auto response = run_until_chap_response(true);
    auto verdict = target_->authenticate(response.keys);
    ASSERT_TRUE(verdict.has_value()) << "the impostor still accepts the initiator";
    feed(reply(security, operational).keys(*verdict));
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), auth::errc::target_auth_failed) << failure();
    EXPECT_TRUE(sent_nothing()) << "nothing goes out after a failed login";
}

TEST_F(LoginMachineChap, MutualChapWithoutTheTargetsAnswerFails)
{
    auto response = run_until_chap_response(true);
    ASSERT_TRUE(target_->authenticate(response.keys).has_value());
    feed(reply(security, operational)); // the target transits without CHAP_N/CHAP_R
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), auth::errc::missing_key) << failure();
}

TEST_F(LoginMachineChap, TargetChoosingNoneIsAcceptedForOneWayChap)
{
    // We offer "CHAP,None" without mutual CHAP, like open-iscsi: a target
    // without authentication still lets us in.
    start(chap_params(false));
    (void)sent();
    feed(reply(security).keys({{"AuthMethod", "None"}}));
    auto transit = sent();
    EXPECT_TRUE(transit.pdu.transit);
    EXPECT_FALSE(transit.has("CHAP_A"));
    feed(reply(security, operational));
    finish_login();
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    EXPECT_FALSE(machine().success().authenticated);
}

TEST_F(LoginMachineChap, TargetChoosingNoneWhenMutualChapIsRequiredIsAuthRequired)
{
    start(chap_params(true));
    (void)sent();
    feed(reply(security).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), errc::auth_required);
    EXPECT_TRUE(sent_nothing());
}

TEST_F(LoginMachineChap, TargetChoosingAMethodWeDidNotOfferFails)
{
    start(chap_params(false));
    (void)sent();
    feed(reply(security).keys({{"AuthMethod", "SRP"}}));
    EXPECT_EQ(machine().error(), errc::auth_method_rejected);
    EXPECT_NE(machine().diag().message.find("SRP"), std::string::npos);
}

TEST_F(LoginMachineChap, ChapChosenWithoutCredentialsFails)
{
    start(); // AuthMethod=None offered
    (void)sent();
    feed(reply(security).keys({{"AuthMethod", "CHAP"}}));
    EXPECT_EQ(machine().error(), errc::auth_method_rejected);
}

TEST_F(LoginMachineChap, TargetRefusingOurCredentialsEndsWithAuthenticationFailure)
{
    (void)run_until_chap_response(false);
    // §11.13.5: 0201 Authentication failure.
    feed(reply(security).status(2, 1));
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), status::authentication_failure);
}

} // namespace
} // namespace iscsi::login::test
