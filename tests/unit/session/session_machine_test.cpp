#include "iscsi/session/session_machine.hpp"

#include "iscsi/pdu/login.hpp"
#include "iscsi/pdu/logout.hpp"
#include "iscsi/pdu/nop.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/session/errors.hpp"
#include "iscsi/transport/errors.hpp"

#include "support/pdu_builders.hpp"
#include "session_transcript.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

// Transcripts of a whole ERL 0 session (RFC 7143 §6.3.5, §7.1.1, §8.3): the
// driver's part is played by hand with a manual clock, the target's with
// pdu_builders. Every timer is checked at its edge: just before, nothing;
// at the deadline, the action.
namespace iscsi::session::test {
namespace {

TEST_F(SessionMachine, LeadingLoginThenCommandCompletes)
{
    m_.start(now_);
    expect_connect();
    EXPECT_EQ(m_.connection(), conn_state::xpt_wait);
    auto leading = log_in(7);
    EXPECT_EQ(leading.isid_, our_isid);
    EXPECT_EQ(leading.tsih_, tsih{0}) << "§11.12.6: a new session";
    EXPECT_EQ(m_.state(), session_state::logged_in);
    EXPECT_EQ(m_.session_handle(), tsih{7});

    request_id const id = m_.submit(tur(), now_);
    auto cmd = sent<pdu::scsi_command>();
    EXPECT_EQ(cmd.cmd_sn, cmdsn{1});
    feed(scsi_response().itt(cmd.itt_.value()).stat_sn(102).window(2, 33));
    auto done = m_.poll_completion();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->id, id);
    EXPECT_FALSE(done->error);
    EXPECT_EQ(done->outcome.status, 0);
    EXPECT_EQ(m_.outstanding(), 0U);
}

TEST_F(SessionMachine, CommandsSubmittedBeforeLoginWaitForIt)
{
    m_.start(now_);
    expect_connect();
    request_id const id = m_.submit(tur(), now_);
    EXPECT_TRUE(idle()) << "nothing goes out before the full feature phase";
    log_in(7);
    auto cmd = sent<pdu::scsi_command>();
    feed(scsi_response().itt(cmd.itt_.value()).stat_sn(102).window(2, 33));
    auto done = m_.poll_completion();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->id, id);
}

TEST_F(SessionMachine, ConnectTimeoutOfLeadingLoginEndsTheSession)
{
    m_.start(now_);
    expect_connect();
    request_id const id = m_.submit(tur(), now_);
    EXPECT_EQ(m_.poll_timeout(), now_ + 3s);
    m_.on_timeout(now_ + 3s - 1ms);
    EXPECT_FALSE(m_.ended());
    m_.on_timeout(now_ + 3s);
    expect_disconnect();
    EXPECT_TRUE(m_.ended());
    EXPECT_EQ(m_.error(), make_error_code(errc::connect_timeout));
    auto done = m_.poll_completion();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->id, id);
    EXPECT_TRUE(done->error);
}

TEST_F(SessionMachine, LoginRefusedEndsTheSessionWithTheTargetsReason)
{
    m_.start(now_);
    expect_connect();
    m_.on_connected(now_);
    (void)sent<pdu::login_request>();
    feed(login_response().isid(our_isid).stage(security, security).status(2, 1)); // authentication failure
    expect_disconnect();
    EXPECT_TRUE(m_.ended());
    EXPECT_TRUE(m_.error());
    EXPECT_EQ(m_.state(), session_state::free);
}

TEST_F(SessionMachine, IdleConnectionIsPingedAndAnAnswerKeepsItUp)
{
    start_and_log_in();
    EXPECT_EQ(m_.poll_timeout(), now_ + 5s) << "noop_out_interval after the last PDU heard";
    m_.on_timeout(now_ + 5s);
    now_ += 5s;
    auto ping = sent<pdu::nop_out>();
    EXPECT_NE(ping.itt_, reserved_itt) << "§11.18: a ping that wants an answer";
    EXPECT_TRUE(ping.immediate);
    EXPECT_EQ(m_.poll_timeout(), now_ + 2s) << "noop_out_timeout";
    now_ += 1s;
    feed(nop_in().itt(ping.itt_.value()).ttt(0xffffffff).stat_sn(102).window(1, 32));
    EXPECT_EQ(m_.poll_timeout(), now_ + 5s) << "answered: the next ping is an interval away";
    EXPECT_EQ(m_.state(), session_state::logged_in);
}

TEST_F(SessionMachine, UnansweredPingFailsTheConnectionAndRecoveryReinstatesTheSession)
{
    start_and_log_in();
    // A command in flight when the connection dies is retried afterwards.
    request_id const id = m_.submit(tur(), now_);
    auto first_try = sent<pdu::scsi_command>();
    m_.on_timeout(now_ + 5s);
    now_ += 5s;
    (void)sent<pdu::nop_out>();
    m_.on_timeout(now_ + 2s - 1ms);
    EXPECT_EQ(m_.state(), session_state::logged_in) << "not before noop_out_timeout";
    now_ += 2s;
    m_.on_timeout(now_);
    expect_disconnect();
    EXPECT_EQ(m_.state(), session_state::failed);
    EXPECT_EQ(notice(), session_notice::kind::connection_failed);
    EXPECT_EQ(m_.outstanding(), 1U) << "the command waits for the new connection";
    EXPECT_FALSE(m_.poll_completion());

    // §13.15: DefaultTime2Wait (2 s) before reconnecting.
    EXPECT_EQ(m_.poll_timeout(), now_ + 2s);
    m_.on_timeout(now_ + 2s - 1ms);
    EXPECT_TRUE(idle());
    now_ += 2s;
    m_.on_timeout(now_);
    expect_connect();
    auto leading = log_in(9, 1, 300);
    EXPECT_EQ(leading.isid_, our_isid) << "§6.3.5: reinstatement keeps the ISID";
    EXPECT_EQ(leading.tsih_, tsih{0}) << "§6.3.5: the leading login of the reinstated session";
    EXPECT_EQ(notice(), session_notice::kind::reinstated);
    EXPECT_EQ(m_.state(), session_state::logged_in);
    EXPECT_EQ(m_.session_handle(), tsih{9});

    auto retry = sent<pdu::scsi_command>();
    EXPECT_EQ(first_try.cmd_sn, cmdsn{1});
    EXPECT_EQ(retry.cmd_sn, cmdsn{1}) << "numbered afresh in the new session";
    EXPECT_EQ(retry.cdb, first_try.cdb);
    feed(scsi_response().itt(retry.itt_.value()).stat_sn(302).window(2, 33));
    auto done = m_.poll_completion();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->id, id);
    EXPECT_FALSE(done->error);
}

TEST_F(SessionMachine, RetriedCommandsKeepTheirOrderAheadOfNewOnes)
{
    start_and_log_in();
    request_id const a = m_.submit(tur(), now_);
    request_id const b = m_.submit(tur(), now_);
    (void)sent<pdu::scsi_command>();
    (void)sent<pdu::scsi_command>();
    m_.on_transport_error(transport::errc::connection_closed, now_);
    expect_disconnect();
    request_id const c = m_.submit(tur(), now_);
    now_ += 2s;
    m_.on_timeout(now_);
    expect_connect();
    log_in(8);
    std::vector<itt> tags;
    for (int i = 0; i < 3; ++i) tags.push_back(sent<pdu::scsi_command>().itt_);
    for (auto t : tags) feed(scsi_response().itt(t.value()).stat_sn(102).window(4, 33));
    std::vector<request_id> order;
    while (auto d = m_.poll_completion()) order.push_back(d->id);
    EXPECT_EQ(order, (std::vector<request_id>{a, b, c}));
}

TEST_F(SessionMachine, ReplacementTimeoutFailsWaitingCommandsAndLaterOnesAtOnce)
{
    start_and_log_in();
    request_id const id = m_.submit(tur(), now_);
    (void)sent<pdu::scsi_command>();
    time_point const failed_at = now_;
    m_.on_transport_error(transport::errc::connection_closed, now_);
    expect_disconnect();
    // The target stays away: every reconnection is refused.
    now_ += 2s;
    m_.on_timeout(now_);
    expect_connect();
    m_.on_transport_error(std::make_error_code(std::errc::connection_refused), now_);
    expect_disconnect();
    EXPECT_EQ(m_.poll_timeout(), now_ + 500ms) << "then every reconnect_interval";
    while (now_ + 500ms < failed_at + 30s) {
        now_ += 500ms;
        m_.on_timeout(now_);
        expect_connect();
        m_.on_transport_error(std::make_error_code(std::errc::connection_refused), now_);
        expect_disconnect();
    }
    EXPECT_FALSE(m_.poll_completion()) << "not before replacement_timeout";
    now_ = failed_at + 30s;
    m_.on_timeout(now_);
    auto done = m_.poll_completion();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->id, id);
    EXPECT_EQ(done->error, make_error_code(errc::replacement_timeout));

    request_id const late = m_.submit(tur(), now_);
    auto late_done = m_.poll_completion();
    ASSERT_TRUE(late_done) << "a FAILED session past replacement_timeout fails I/O at once";
    EXPECT_EQ(late_done->id, late);
    EXPECT_EQ(late_done->error, make_error_code(errc::replacement_timeout));
    EXPECT_FALSE(m_.ended()) << "recovery goes on until logout";

    // The attempt due at the same instant finds the target back: the
    // session works again.
    expect_connect();
    log_in(11);
    request_id const after = m_.submit(tur(), now_);
    auto cmd = sent<pdu::scsi_command>();
    feed(scsi_response().itt(cmd.itt_.value()).stat_sn(102).window(2, 33));
    auto ok = m_.poll_completion();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->id, after);
    EXPECT_FALSE(ok->error);
}

TEST_F(SessionMachine, LogoutWaitsForCommandsInFlight)
{
    start_and_log_in();
    (void)m_.submit(tur(), now_);
    auto cmd = sent<pdu::scsi_command>();
    m_.logout(now_);
    EXPECT_TRUE(idle()) << "§11.14: a session logout would abort the command";
    feed(scsi_response().itt(cmd.itt_.value()).stat_sn(102).window(2, 33));
    auto logout = sent<pdu::logout_request>();
    EXPECT_EQ(logout.reason, pdu::logout_reason::close_session);
    EXPECT_EQ(m_.connection(), conn_state::in_logout);
    request_id const late = m_.submit(tur(), now_);
    feed(logout_response().itt(logout.itt_.value()).stat_sn(103).window(2, 33));
    expect_disconnect();
    EXPECT_TRUE(m_.ended());
    EXPECT_FALSE(m_.error());
    std::vector<std::error_code> errors;
    while (auto d = m_.poll_completion()) {
        if (d->id == late) errors.push_back(d->error);
    }
    EXPECT_EQ(errors, (std::vector<std::error_code>{make_error_code(errc::session_ended)}));
}

TEST_F(SessionMachine, LogoutWithoutAnswerEndsAtTheLogoutTimeout)
{
    start_and_log_in();
    m_.logout(now_);
    (void)sent<pdu::logout_request>();
    EXPECT_EQ(m_.poll_timeout(), now_ + 4s);
    m_.on_timeout(now_ + 4s);
    expect_disconnect();
    EXPECT_TRUE(m_.ended());
    EXPECT_TRUE(m_.error());
}

TEST_F(SessionMachine, ConnectionEndingDuringLogoutEndsTheSessionWithoutRecovery)
{
    start_and_log_in();
    m_.logout(now_);
    (void)sent<pdu::logout_request>();
    m_.on_transport_error(transport::errc::connection_closed, now_);
    expect_disconnect();
    EXPECT_TRUE(m_.ended());
    EXPECT_FALSE(m_.error()) << "the target ended the session with the connection";
    EXPECT_FALSE(m_.poll_timeout()) << "no reconnect";
    EXPECT_TRUE(idle());
}

TEST_F(SessionMachine, TargetRequestedLogoutRecoversTheSession)
{
    start_and_log_in();
    feed(async_message().event(pdu::async_event::logout_requested).parameters(0, 0, 5).stat_sn(102).window(1, 32));
    expect_disconnect();
    EXPECT_EQ(notice(), session_notice::kind::async_event);
    EXPECT_EQ(notice(), session_notice::kind::connection_failed);
    EXPECT_EQ(m_.state(), session_state::failed);
    now_ += 2s;
    m_.on_timeout(now_);
    expect_connect();
}

TEST_F(SessionMachine, RenegotiationRequestIsAnsweredWithATextRequest)
{
    start_and_log_in();
    feed(async_message().event(pdu::async_event::negotiation_requested).parameters(0, 0, 0).stat_sn(102).window(1, 32));
    auto text = sent<pdu::text_request>();
    EXPECT_TRUE(text.final);
    EXPECT_TRUE(text.data.empty()) << "§11.9.1: an empty Text Request is enough";
    EXPECT_EQ(notice(), session_notice::kind::async_event);
    feed(text_response().itt(text.itt_.value()).ttt(0xffffffff).final().stat_sn(103).window(1, 32));
    EXPECT_EQ(m_.state(), session_state::logged_in);
    EXPECT_TRUE(idle());
    EXPECT_FALSE(m_.poll_completion()) << "the exchange is the machine's own";
}

TEST_F(SessionMachine, LoginFailuresDuringRecoveryAreRetried)
{
    start_and_log_in();
    m_.on_transport_error(transport::errc::connection_closed, now_);
    expect_disconnect();
    now_ += 2s;
    m_.on_timeout(now_);
    expect_connect();
    m_.on_connected(now_);
    (void)sent<pdu::login_request>();
    // A restarted target that does not know the target name yet (§11.13.5 0x0203).
    feed(login_response().isid(our_isid).stage(security, security).status(2, 3));
    expect_disconnect();
    EXPECT_FALSE(m_.ended());
    EXPECT_EQ(notice(), session_notice::kind::connection_failed);
    EXPECT_EQ(notice(), session_notice::kind::login_failed);
    now_ += 500ms;
    m_.on_timeout(now_);
    expect_connect();
}


/// Fixed-format sense data: UNIT ATTENTION, POWER ON, RESET, OR BUS DEVICE RESET OCCURRED (29/00).
std::vector<std::byte> power_on_sense()
{
    std::vector<std::byte> s(18);
    s[0] = std::byte{0x70};
    s[2] = std::byte{0x06};
    s[7] = std::byte{10};
    s[12] = std::byte{0x29};
    return s;
}

TEST_F(SessionMachine, CommandMetByUnitAttentionIsIssuedAgain)
{
    start_and_log_in();
    request_id const id = m_.submit(tur(), now_);
    auto first = sent<pdu::scsi_command>();
    feed(scsi_response().itt(first.itt_.value()).status(0x02).sense(power_on_sense()).stat_sn(102).window(2, 33));
    EXPECT_FALSE(m_.poll_completion()) << "SAM-5 §5.14: the LU did not run it; the caller need not see the UA";
    auto n = m_.poll_notice();
    ASSERT_TRUE(n);
    EXPECT_EQ(n->what, session_notice::kind::unit_attention);
    EXPECT_NE(n->detail.find("29/00"), std::string::npos) << n->detail;

    auto again = sent<pdu::scsi_command>();
    EXPECT_EQ(again.cmd_sn, cmdsn{2}) << "a new command: next CmdSN";
    EXPECT_NE(again.itt_, first.itt_);
    feed(scsi_response().itt(again.itt_.value()).stat_sn(103).window(3, 34));
    auto done = m_.poll_completion();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->id, id);
    EXPECT_EQ(done->outcome.status, 0);
}

TEST_F(SessionMachine, UnitAttentionsBeyondTheRetryLimitReachTheCaller)
{
    start_and_log_in();
    request_id const id = m_.submit(tur(), now_);
    std::uint32_t stat_sn = 102;
    for (unsigned i = 0; i <= config().unit_attention_retries; ++i) {
        auto cmd = sent<pdu::scsi_command>();
        EXPECT_FALSE(m_.poll_completion()) << "attempt " << i;
        feed(scsi_response().itt(cmd.itt_.value()).status(0x02).sense(power_on_sense()).stat_sn(stat_sn).window(stat_sn, stat_sn + 31));
        ++stat_sn;
    }
    auto done = m_.poll_completion();
    ASSERT_TRUE(done);
    EXPECT_EQ(done->id, id);
    EXPECT_EQ(done->outcome.status, 0x02);
    EXPECT_EQ(done->outcome.sense, power_on_sense());
    EXPECT_TRUE(idle());
}

} // namespace
} // namespace iscsi::session::test
