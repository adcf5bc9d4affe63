#include "iscsi/login/login_machine.hpp"

#include "login_transcript.hpp"

#include "iscsi/pdu/errors.hpp"
#include "iscsi/pdu/nop.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

// Logins that end early (RFC 7143 §6.3, §11.13.2, §11.13.3, §11.13.5) and
// the C-bit continuation in both directions (§11.12.2, §11.13.3).
namespace iscsi::login::test {
namespace {

using LoginMachine = login_transcript;

// ---------------------------------------------------------------- status (§11.13.5)

TEST_F(LoginMachine, Status0201IsAnAuthenticationFailureWorthyOfItsMessage)
{
    start();
    (void)sent();
    feed(reply(security).status(2, 1));
    ASSERT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), status::authentication_failure);
    // open-iscsi's wording, which scripts match on.
    EXPECT_NE(machine().error().message().find("authorization failure"), std::string::npos);
    EXPECT_NE(machine().diag().message.find("02/01"), std::string::npos) << machine().diag().message;
    EXPECT_EQ(recovery_for(machine().error()), recovery::fail_session) << "retrying will not help";
    EXPECT_TRUE(sent_nothing());
    EXPECT_FALSE(machine().poll_timeout().has_value());
}

TEST_F(LoginMachine, Status0203IsTargetNotFound)
{
    start();
    (void)sent();
    feed(reply(security).status(2, 3));
    EXPECT_EQ(machine().error(), status::not_found);
    EXPECT_NE(machine().error().message().find("target not found"), std::string::npos);
}

TEST_F(LoginMachine, StatusClass3IsTransient)
{
    start();
    (void)sent();
    feed(reply(security).status(3, 1));
    EXPECT_EQ(machine().error(), status::service_unavailable);
    EXPECT_EQ(recovery_for(machine().error()), recovery::drop_connection) << "§11.13.5: may retry";
}

TEST_F(LoginMachine, StatusErrorInTheOperationalStageEndsTheLogin)
{
    pass_security_without_auth();
    // A status response's stage fields need not follow ours (§11.13.5).
    feed(login_response().isid(our_isid).stage(security, security).status(2, 7));
    EXPECT_EQ(machine().error(), status::missing_parameter);
}

TEST_F(LoginMachine, Redirect0101WithTargetAddressIsRedirected)
{
    start();
    (void)sent();
    feed(reply(security).status(1, 1).keys({{"TargetAddress", "192.0.2.7:3261,2"}}));
    ASSERT_EQ(machine().state(), login_state::redirected);
    EXPECT_TRUE(machine().done());
    EXPECT_EQ(machine().redirect().target_address, "192.0.2.7:3261,2");
    EXPECT_FALSE(machine().redirect().permanent);
    EXPECT_TRUE(sent_nothing());
    EXPECT_FALSE(machine().poll_timeout().has_value());
}

TEST_F(LoginMachine, Redirect0102IsPermanent)
{
    start();
    (void)sent();
    feed(reply(security).status(1, 2).keys({{"TargetAddress", "[2001:db8::1]:3260,1"}}));
    ASSERT_EQ(machine().state(), login_state::redirected);
    EXPECT_TRUE(machine().redirect().permanent);
    EXPECT_EQ(machine().redirect().target_address, "[2001:db8::1]:3260,1");
}

TEST_F(LoginMachine, RedirectWithoutTargetAddressIsAnError)
{
    start();
    (void)sent();
    feed(reply(security).status(1, 1).keys({{"TargetAlias", "elsewhere"}}));
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), errc::redirect_without_address);
}

// ---------------------------------------------------------------- protocol faults (§11.13.2)

TEST_F(LoginMachine, TransitAndContinueBothSetIsAProtocolError)
{
    start();
    (void)sent();
    feed(reply(security, operational).cont().data(text::encode({{"AuthMethod", "None"}})));
    EXPECT_EQ(machine().error(), errc::transit_and_continue);
    EXPECT_TRUE(sent_nothing());
}

TEST_F(LoginMachine, ResponseCsgMustMatchOurStage)
{
    start();
    (void)sent();
    feed(reply(operational, full_feature).tsih(1));
    EXPECT_EQ(machine().error(), errc::bad_stage);
}

TEST_F(LoginMachine, TransitToAStageWeDidNotAskForIsABadStage)
{
    // We asked for LoginOperationalNegotiation; skipping it is not allowed.
    start();
    (void)sent();
    feed(reply(security, full_feature).tsih(1).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().error(), errc::bad_stage);
    EXPECT_NE(machine().state(), login_state::full_feature_phase);
}

TEST_F(LoginMachine, TransitWithoutOurRequestIsRefused)
{
    start(chap_params(false)); // T=0: CHAP comes first
    (void)sent();
    feed(reply(security, operational).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().error(), errc::transit_without_request);
}

TEST_F(LoginMachine, ResponseForAnotherIttIsRefused)
{
    start();
    (void)sent();
    feed(reply(security, operational).itt(7).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().error(), errc::itt_mismatch);
}

// iscsid recovering a kernel session logs in through SEND_PDU, and Linux's
// libiscsi writes its own ITT over ours: the login task's index with the
// session's age (one more after each recovery) in bits 28-31.
class LoginThroughTheKernel : public login_transcript {
protected:
    /// A login whose security step's response carries ITT 0x20000003 and
    /// whose operational step's carries `final_itt`.
    void login_answered_with(std::uint32_t final_itt)
    {
        auto p = no_auth_params();
        p.itt_assigned_by_transport = true;
        start(p);
        (void)sent();
        feed(reply(security, operational).itt(0x20000003).keys({{"AuthMethod", "None"}, {"TargetPortalGroupTag", "1"}}));
        (void)sent();
        feed(reply(operational, full_feature).itt(final_itt).tsih(5).window(10, 41).keys(target_answers()));
    }
};

TEST_F(LoginThroughTheKernel, TheTransportsIttIsFollowed)
{
    login_answered_with(0x20000003);
    EXPECT_EQ(machine().state(), login_state::full_feature_phase) << failure();
}

TEST_F(LoginThroughTheKernel, TheTransportsIttMayNotChangeWithinTheLogin)
{
    login_answered_with(0x30000003);
    EXPECT_EQ(machine().error(), errc::itt_mismatch);
}

TEST_F(LoginMachine, ResponseForAnotherIsidIsRefused)
{
    start();
    (void)sent();
    feed(reply(security, operational).isid(isid::from_u48(0x800000000001)).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().error(), errc::isid_mismatch);
}

TEST_F(LoginMachine, VersionActiveOtherThanZeroIsUnsupported)
{
    start();
    (void)sent();
    feed(reply(security, operational).version_active(1).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().error(), errc::unsupported_version);
}

TEST_F(LoginMachine, NewSessionFinishingWithTsihZeroIsMissingTsih)
{
    pass_security_without_auth();
    feed(reply(operational, full_feature).tsih(0).keys(target_answers()));
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), errc::missing_tsih);
}

TEST_F(LoginMachine, NonLoginResponseDuringLoginFails)
{
    start();
    (void)sent();
    feed(nop_in().stat_sn(1).build());
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), errc::unexpected_pdu);
}

TEST_F(LoginMachine, MalformedLoginResponseFails)
{
    start();
    (void)sent();
    auto raw = reply(security, operational).keys({{"AuthMethod", "None"}}).build();
    raw.bhs[1] = std::byte{0x88}; // T=1, CSG=2: a reserved stage (§11.13.3)
    feed(raw);
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), pdu::errc::malformed);
    EXPECT_TRUE(sent_nothing());
}

TEST_F(LoginMachine, BadOperationalAnswerFailsTheNegotiation)
{
    pass_security_without_auth();
    auto answers = target_answers();
    answers.front().value = "MD5"; // HeaderDigest: not in our list
    feed(reply(operational, full_feature).tsih(1).keys(answers));
    EXPECT_EQ(machine().state(), login_state::failed) << "§6.2: MUST result in a negotiation failure";
    EXPECT_NE(machine().diag().message.find("HeaderDigest"), std::string::npos) << machine().diag().message;
}

TEST_F(LoginMachine, TooManyRoundTripsAreCutOff)
{
    auto p = no_auth_params();
    p.max_round_trips = 3;
    start(p);
    (void)sent();
    feed(reply(security, operational).keys({{"AuthMethod", "None"}})); // 1
    (void)sent();
    feed(reply(operational)); // 2: the target does not transit...
    (void)sent();
    feed(reply(operational)); // 3: ...and again
    ASSERT_EQ(machine().state(), login_state::login_operational_negotiation) << failure();
    (void)sent();
    feed(reply(operational)); // 4: one too many
    EXPECT_EQ(machine().error(), errc::too_many_exchanges);
    EXPECT_TRUE(sent_nothing());
}

TEST_F(LoginMachine, ConfigurationWithoutInitiatorNameIsRefusedAtStart)
{
    auto p = no_auth_params();
    p.initiator_name.clear();
    start(p);
    EXPECT_EQ(machine().error(), errc::bad_parameters);
    EXPECT_EQ(recovery_for(machine().error()), recovery::report_to_user);
    EXPECT_TRUE(sent_nothing());
}

// ---------------------------------------------------------------- timeout

TEST_F(LoginMachine, TimesOutAtTheDeadlineButNotBefore)
{
    auto p = no_auth_params();
    p.login_timeout = std::chrono::seconds(15);
    start(p);
    (void)sent();
    ASSERT_EQ(machine().poll_timeout(), t0 + std::chrono::seconds(15));
    machine().handle_timeout(t0 + std::chrono::seconds(15) - std::chrono::nanoseconds(1));
    EXPECT_EQ(machine().state(), login_state::security_negotiation) << "not yet";
    EXPECT_FALSE(machine().error());

    // A response does not push the whole-login deadline back.
    feed(reply(security, operational).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().poll_timeout(), t0 + std::chrono::seconds(15));

    machine().handle_timeout(t0 + std::chrono::seconds(15));
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), errc::timeout);
    EXPECT_FALSE(machine().poll_timeout().has_value());
}

// ---------------------------------------------------------------- C bit (§11.12.2, §11.13.3)

TEST_F(LoginMachine, TargetContinuationIsAcknowledgedAndTheTextJoined)
{
    start();
    (void)sent();
    // The target splits "AuthMethod=None" across two PDUs.
    auto const text = text::encode({{"AuthMethod", "None"}, {"TargetPortalGroupTag", "7"}});
    auto const cut = text.begin() + 13; // "AuthMethod=No" | "ne\0..."
    feed(reply(security).cont().stat_sn(20).data({text.begin(), cut}));
    auto ack = sent();
    // §11.13.3: an empty Login Request acknowledges the piece.
    EXPECT_TRUE(ack.pdu.data.empty());
    EXPECT_FALSE(ack.pdu.transit);
    EXPECT_FALSE(ack.pdu.cont);
    EXPECT_EQ(ack.pdu.csg, security);
    EXPECT_EQ(ack.pdu.exp_stat_sn, statsn{21});
    EXPECT_EQ(machine().state(), login_state::security_negotiation);

    // The last piece may carry the transition our leading request asked for.
    feed(reply(security, operational).stat_sn(21).data({cut, text.end()}));
    auto offer = sent();
    ASSERT_EQ(machine().state(), login_state::login_operational_negotiation) << failure();
    EXPECT_EQ(offer.pdu.csg, operational);
    feed(reply(operational, full_feature).tsih(3).keys(target_answers()));
    ASSERT_EQ(machine().state(), login_state::full_feature_phase) << failure();
    EXPECT_EQ(machine().success().params.target_portal_group_tag, std::uint16_t{7}) << "the joined text was used";
}

TEST_F(LoginMachine, TargetContinuationBeyondTheLimitIsTextTooLong)
{
    auto p = no_auth_params();
    p.max_text_bytes = 100;
    start(p);
    (void)sent();
    feed(reply(security).cont().data(std::vector<std::byte>(60, std::byte{'a'})));
    (void)sent();
    feed(reply(security).cont().data(std::vector<std::byte>(60, std::byte{'a'})));
    EXPECT_EQ(machine().error(), errc::text_too_long);
}

TEST_F(LoginMachine, OwnLongTextGoesOutInContinuedChunks)
{
    auto p = no_auth_params();
    p.initiator_alias = std::string(9000, 'x');
    start(p);

    auto first = sent_piece();
    EXPECT_TRUE(first.cont) << "more text follows";
    EXPECT_FALSE(first.transit) << "§11.12.2: T must be 0 while C is 1";
    EXPECT_EQ(first.data.size(), 8192U) << "the default MaxRecvDataSegmentLength during login";
    EXPECT_TRUE(sent_nothing()) << "one chunk per target response";

    // The target acknowledges the partial text with an empty response.
    feed(reply(security));
    auto second = sent_piece();
    EXPECT_FALSE(second.cont);
    EXPECT_TRUE(second.transit) << "the last chunk carries our T";
    EXPECT_EQ(second.nsg, operational);
    EXPECT_EQ(second.csg, security);

    std::vector<std::byte> whole = first.data;
    whole.insert(whole.end(), second.data.begin(), second.data.end());
    auto keys = text::parse(whole, {.max_value_length = 16384});
    ASSERT_TRUE(keys.has_value());
    EXPECT_EQ(value_of(*keys, "InitiatorAlias"), p.initiator_alias);
    EXPECT_EQ(value_of(*keys, "InitiatorName"), initiator_iqn);
    EXPECT_EQ(value_of(*keys, "AuthMethod"), "None");

    feed(reply(security, operational).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().state(), login_state::login_operational_negotiation) << failure();
}

TEST_F(LoginMachine, TargetAnsweringAPartialTextWithKeysFails)
{
    auto p = no_auth_params();
    p.initiator_alias = std::string(9000, 'x');
    start(p);
    (void)sent();
    feed(reply(security).keys({{"AuthMethod", "None"}}));
    EXPECT_EQ(machine().state(), login_state::failed);
    EXPECT_EQ(machine().error(), errc::bad_stage);
}

} // namespace
} // namespace iscsi::login::test
