#include "iscsi/session/ffp_connection.hpp"

#include "connection_transcript.hpp"

#include "iscsi/pdu/logout.hpp"
#include "iscsi/pdu/nop.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/text.hpp"

#include <gtest/gtest.h>

// Transcripts of the full feature phase besides data transfer (RFC 7143
// §4.2.2.1 command window, §11.9 - §11.19): CmdSN assignment, text with
// continuation, NOP pings both ways, logout, Reject, Async Message, faults.
namespace iscsi::session::test {
namespace {

using FfpConnection = connection_transcript;

// ---------------------------------------------------------------- CmdSN window (§4.2.2.1)

TEST_F(FfpConnection, CommandsTakeConsecutiveCmdSnsAndWaitForTheWindow)
{
    auto p = lio_params();
    p.max_cmd_sn = cmdsn{11}; // room for CmdSN 10 and 11
    open(p);
    itt const first = conn().submit(tur_request());
    itt const second = conn().submit(tur_request());
    itt const third = conn().submit(tur_request());
    auto c1 = sent<pdu::scsi_command>();
    auto c2 = sent<pdu::scsi_command>();
    EXPECT_EQ(c1.itt_, first);
    EXPECT_EQ(c1.cmd_sn, cmdsn{10});
    EXPECT_EQ(c2.itt_, second);
    EXPECT_EQ(c2.cmd_sn, cmdsn{11});
    EXPECT_NE(first, second);
    EXPECT_TRUE(sent_nothing()) << "CmdSN 12 is beyond MaxCmdSN 11";
    EXPECT_EQ(conn().outstanding(), 3U) << "the held command is still a task";

    // The response to the first command opens the window by one.
    feed(scsi_response().itt(first.value()).stat_sn(100).window(11, 12));
    auto c3 = sent<pdu::scsi_command>();
    EXPECT_EQ(c3.itt_, third);
    EXPECT_EQ(c3.cmd_sn, cmdsn{12});
    EXPECT_EQ(c3.exp_stat_sn, statsn{101}) << "ExpStatSN as of sending, not of submitting";
    EXPECT_EQ(conn().window().expected(), cmdsn{11});
    EXPECT_EQ(conn().window().max(), cmdsn{12});
}

TEST_F(FfpConnection, CmdSnWrapsAroundNearTwoToThe32)
{
    auto p = lio_params();
    p.cmd_sn = cmdsn{0xfffffffe};
    p.exp_cmd_sn = cmdsn{0xfffffffe};
    p.max_cmd_sn = cmdsn{0xffffffff};
    open(p);
    itt const first = conn().submit(tur_request());
    (void)conn().submit(tur_request());
    (void)conn().submit(tur_request());
    EXPECT_EQ(sent<pdu::scsi_command>().cmd_sn, cmdsn{0xfffffffe});
    EXPECT_EQ(sent<pdu::scsi_command>().cmd_sn, cmdsn{0xffffffff});
    EXPECT_TRUE(sent_nothing()) << "CmdSN 0 is beyond MaxCmdSN 0xffffffff in serial arithmetic";

    feed(scsi_response().itt(first.value()).stat_sn(100).window(0xffffffff, 0));
    EXPECT_EQ(sent<pdu::scsi_command>().cmd_sn, cmdsn{0}) << "RFC 1982: 0 follows 0xffffffff";
    EXPECT_EQ(conn().window().max(), cmdsn{0});
}

TEST_F(FfpConnection, WindowUpdateWithMaxCmdSnBelowExpCmdSnMinusOneIsIgnored)
{
    auto p = lio_params();
    p.max_cmd_sn = cmdsn{10}; // one slot
    open(p);
    itt const first = conn().submit(tur_request());
    (void)conn().submit(tur_request());
    (void)sent_raw();
    // §4.2.2.1: MaxCmdSN 10 < ExpCmdSN 12 - 1: both fields MUST be ignored.
    feed(scsi_response().itt(first.value()).stat_sn(100).window(12, 10));
    EXPECT_EQ(conn().window().expected(), cmdsn{10});
    EXPECT_EQ(conn().window().max(), cmdsn{10});
    EXPECT_TRUE(sent_nothing());
    EXPECT_FALSE(conn().error()) << "an ignored window is not a connection fault";
    EXPECT_EQ(conn().exp_stat_sn(), statsn{101}) << "the rest of the PDU still counts";
}

TEST_F(FfpConnection, UnsolicitedNopInOpensTheWindow)
{
    auto p = lio_params();
    p.max_cmd_sn = cmdsn{9}; // zero window: MaxCmdSN = ExpCmdSN - 1
    open(p);
    (void)conn().submit(tur_request());
    EXPECT_TRUE(sent_nothing());
    // A NOP-In with both tags reserved only updates the window (§11.19).
    feed(nop_in().stat_sn(100).window(10, 10));
    EXPECT_EQ(sent<pdu::scsi_command>().cmd_sn, cmdsn{10});
    EXPECT_TRUE(sent_nothing()) << "nothing to answer";
    EXPECT_EQ(conn().exp_stat_sn(), statsn{100}) << "an unsolicited NOP-In does not advance StatSN";
}

// ---------------------------------------------------------------- NOP (§11.18, §11.19)

TEST_F(FfpConnection, TargetPingIsAnsweredEchoingTttAndData)
{
    open();
    feed(nop_in().ttt(0xabc).lun(1).stat_sn(100).window(10, 41).data(bytes("are you there")));
    auto answer = sent_raw();
    EXPECT_TRUE(answer.immediate()) << "§11.18: the answer is immediate";
    auto nop = expect_pdu<pdu::nop_out>(answer);
    EXPECT_EQ(nop.itt_, reserved_itt) << "§11.18.2: an answer, not a ping of our own";
    EXPECT_EQ(nop.ttt_, ttt{0xabc});
    EXPECT_EQ(nop.lun_, lun::from_index(1));
    EXPECT_EQ(nop.data, bytes("are you there"));
    EXPECT_EQ(nop.cmd_sn, cmdsn{10});
    EXPECT_EQ(nop.exp_stat_sn, statsn{100});
    EXPECT_TRUE(nothing_completed());
    EXPECT_EQ(conn().window().expected(), cmdsn{10}) << "immediate: CmdSN not advanced";
}

TEST_F(FfpConnection, OurPingIsAnswered)
{
    open();
    itt const tag = conn().submit_nop(bytes("ping-42"));
    auto raw = sent_raw();
    EXPECT_TRUE(raw.immediate());
    auto ping = expect_pdu<pdu::nop_out>(raw);
    EXPECT_EQ(ping.itt_, tag);
    EXPECT_EQ(ping.ttt_, reserved_ttt) << "§11.18.3: a ping that wants an answer";
    EXPECT_EQ(ping.data, bytes("ping-42"));

    feed(nop_in().itt(tag.value()).stat_sn(100).window(10, 41).data(bytes("ping-42")));
    auto done = completed();
    EXPECT_EQ(done.tag, tag);
    EXPECT_FALSE(done.error);
    EXPECT_EQ(outcome_of<nop_outcome>(done).echoed, bytes("ping-42"));
    EXPECT_EQ(conn().exp_stat_sn(), statsn{101});
    EXPECT_TRUE(sent_nothing());
}

// ---------------------------------------------------------------- text (§11.10, §11.11)

TEST_F(FfpConnection, TextResponseContinuedOverThreePdusIsJoined)
{
    open();
    itt const tag = conn().submit_text({{"SendTargets", "All"}});
    auto req = expect_text_request(sent_raw());
    EXPECT_EQ(req.pdu.itt_, tag);
    EXPECT_TRUE(req.pdu.final);
    EXPECT_EQ(req.pdu.ttt_, reserved_ttt) << "§11.10.4: a new exchange";
    EXPECT_EQ(req.pdu.cmd_sn, cmdsn{10});
    EXPECT_EQ(req.key("SendTargets"), "All");

    auto const text = text::encode({{"TargetName", "iqn.2024-01.org.example:disk1"},
                                    {"TargetAddress", "192.0.2.1:3260,1"},
                                    {"TargetName", "iqn.2024-01.org.example:disk2"}});
    // Cut inside pairs: C=1 on the pieces that end mid-pair, F=0 until the last.
    auto const a = text.begin() + 20;
    auto const b = text.begin() + 50;
    feed(text_response().itt(tag.value()).ttt(0x500).final(false).cont().stat_sn(100).window(11, 41)
             .data({text.begin(), a}));
    auto more1 = expect_text_request(sent_raw());
    EXPECT_EQ(more1.pdu.ttt_, ttt{0x500}) << "§11.10.4: the target's TTT continues the exchange";
    EXPECT_EQ(more1.pdu.itt_, tag);
    EXPECT_TRUE(more1.pdu.data.empty());
    EXPECT_TRUE(more1.pdu.immediate) << "a closed window must not stall the sequence";
    EXPECT_EQ(more1.pdu.cmd_sn, cmdsn{11}) << "immediate: the next CmdSN, not advanced (§4.2.2.1)";
    EXPECT_EQ(more1.pdu.exp_stat_sn, statsn{101});
    EXPECT_TRUE(nothing_completed());

    // tgt closes the window while it streams a long answer
    // (MaxCmdSN = ExpCmdSN - 1); the continuation goes out regardless.
    feed(text_response().itt(tag.value()).ttt(0x500).final(false).cont().stat_sn(101).window(11, 10).data({a, b}));
    auto more2 = expect_text_request(sent_raw());
    EXPECT_EQ(more2.pdu.ttt_, ttt{0x500});
    EXPECT_TRUE(more2.pdu.immediate);
    EXPECT_EQ(more2.pdu.cmd_sn, cmdsn{11});

    feed(text_response().itt(tag.value()).stat_sn(102).window(11, 41).data({b, text.end()}));
    auto done = completed();
    ASSERT_FALSE(done.error) << done.error.message();
    auto keys = outcome_of<text_outcome>(done).keys;
    ASSERT_EQ(keys.size(), 3U);
    EXPECT_EQ(keys[0].value, "iqn.2024-01.org.example:disk1");
    EXPECT_EQ(keys[1].value, "192.0.2.1:3260,1");
    EXPECT_EQ(keys[2].value, "iqn.2024-01.org.example:disk2");
    EXPECT_TRUE(sent_nothing());
    EXPECT_EQ(conn().exp_stat_sn(), statsn{103});
}

// §11.10.2: a request longer than the target's MaxRecvDataSegmentLength goes
// out in pieces with C=1 and F=0; the target acknowledges each with an empty
// response carrying a TTT, which the next piece echoes; F=1 on the last.
TEST_F(FfpConnection, LongTextRequestIsSentInContinuedPieces)
{
    auto p = lio_params();
    p.params.max_xmit_data_segment_length = 512;
    open(p);
    text::key_values keys;
    for (int i = 0; i < 20; ++i) keys.push_back({"X-org.example.key" + std::to_string(i), std::string(40, 'v')});
    auto const whole = text::encode(keys);
    ASSERT_GT(whole.size(), 1024U);
    itt const tag = conn().submit_text(keys);

    std::vector<std::byte> joined;
    statsn stat{100};
    for (std::uint32_t piece = 0;; ++piece) {
        auto req = expect_pdu<pdu::text_request>(sent_raw());
        EXPECT_EQ(req.itt_, tag);
        EXPECT_LE(req.data.size(), 512U);
        EXPECT_EQ(req.ttt_, piece == 0 ? reserved_ttt : ttt{0x700 + piece - 1});
        joined.insert(joined.end(), req.data.begin(), req.data.end());
        if (req.final) {
            EXPECT_FALSE(req.cont);
            break;
        }
        EXPECT_TRUE(req.cont);
        ASSERT_LT(piece, 10U) << "never finished";
        feed(text_response().itt(tag.value()).ttt(0x700 + piece).final(false).stat_sn(stat.value())
                 .window(11 + piece, 41));
        ++stat;
        EXPECT_TRUE(nothing_completed());
    }
    EXPECT_EQ(joined, whole);
    feed(text_response().itt(tag.value()).stat_sn(stat.value()).window(20, 41)
             .keys({{"X-org.example.key0", "NotUnderstood"}}));
    auto done = completed();
    ASSERT_FALSE(done.error) << done.error.message();
    EXPECT_EQ(outcome_of<text_outcome>(done).keys.size(), 1U);
}

TEST_F(FfpConnection, TextResponseBeyondTheLimitIsTextTooLong)
{
    auto p = lio_params();
    p.max_text_bytes = 100;
    open(p);
    itt const tag = conn().submit_text({{"SendTargets", "All"}});
    (void)sent_raw();
    feed(text_response().itt(tag.value()).ttt(1).final(false).data(std::vector<std::byte>(60, std::byte{'a'})));
    (void)sent_raw();
    feed(text_response().itt(tag.value()).ttt(1).final(false).data(std::vector<std::byte>(60, std::byte{'a'})));
    EXPECT_EQ(conn().error(), errc::text_too_long);
}

// ---------------------------------------------------------------- logout (§11.14, §11.15)

TEST_F(FfpConnection, LogoutClosesTheSession)
{
    open();
    itt const tag = conn().submit_logout(pdu::logout_reason::close_session);
    auto raw = sent_raw();
    EXPECT_TRUE(raw.immediate());
    auto req = expect_pdu<pdu::logout_request>(raw);
    EXPECT_EQ(req.itt_, tag);
    EXPECT_EQ(req.reason, pdu::logout_reason::close_session);
    EXPECT_EQ(req.cmd_sn, cmdsn{10});
    EXPECT_EQ(req.exp_stat_sn, statsn{100});

    feed(logout_response().itt(tag.value()).stat_sn(100).window(10, 41).times(2, 20));
    auto done = completed();
    EXPECT_FALSE(done.error);
    auto out = outcome_of<logout_outcome>(done);
    EXPECT_EQ(out.response, pdu::logout_response_code::closed_successfully);
    EXPECT_EQ(out.time2wait, 2);
    EXPECT_EQ(out.time2retain, 20);
}

TEST_F(FfpConnection, LogoutRefusedIsLogoutFailed)
{
    open();
    itt const tag = conn().submit_logout(pdu::logout_reason::close_connection, cid{4});
    EXPECT_EQ(sent<pdu::logout_request>().cid_, cid{4});
    feed(logout_response().itt(tag.value()).stat_sn(100).response(pdu::logout_response_code::cid_not_found));
    auto done = completed();
    EXPECT_EQ(done.error, errc::logout_failed);
    EXPECT_EQ(outcome_of<logout_outcome>(done).response, pdu::logout_response_code::cid_not_found);
}

// ---------------------------------------------------------------- Reject, Async, faults

TEST_F(FfpConnection, RejectNamingAnIttFailsThatTask)
{
    open();
    itt const other = conn().submit(tur_request());
    itt const tag = conn().submit(read_request(1));
    (void)sent_raw();
    auto const command = sent_raw();
    feed(reject().reason(pdu::reject_reason::command_not_supported).stat_sn(100).window(11, 41).rejected(command));
    auto done = completed();
    EXPECT_EQ(done.tag, tag);
    EXPECT_EQ(done.error, errc::rejected);
    EXPECT_FALSE(conn().error()) << "a Reject fails the task, not the connection";
    EXPECT_EQ(conn().outstanding(), 1U);
    feed(scsi_response().itt(other.value()).stat_sn(101));
    EXPECT_EQ(completed().tag, other);
}

TEST_F(FfpConnection, AsyncConnectionDropFailsTheConnection)
{
    open();
    feed(async_message().event(pdu::async_event::connection_drop).stat_sn(100).parameters(0, 2, 20));
    EXPECT_EQ(conn().poll_event(), async_event::connection_drop);
    EXPECT_EQ(conn().error(), errc::target_dropped);
    EXPECT_EQ(conn().exp_stat_sn(), statsn{101});
}

TEST_F(FfpConnection, AsyncSessionDropFailsTheConnection)
{
    open();
    feed(async_message().event(pdu::async_event::session_drop).stat_sn(100).parameters(0, 2, 20));
    EXPECT_EQ(conn().poll_event(), async_event::session_drop);
    EXPECT_EQ(conn().error(), errc::target_dropped);
}

TEST_F(FfpConnection, AsyncLogoutRequestIsAnEventOnly)
{
    open();
    feed(async_message().event(pdu::async_event::logout_requested).stat_sn(100).parameters(0, 0, 5));
    EXPECT_EQ(conn().poll_event(), async_event::logout_requested);
    EXPECT_FALSE(conn().poll_event().has_value());
    EXPECT_FALSE(conn().error()) << "the owner decides when to log out";
}

TEST_F(FfpConnection, ResponseForAnUnknownIttFails)
{
    open();
    feed(scsi_response().itt(999).stat_sn(100));
    EXPECT_EQ(conn().error(), errc::unknown_task);
    EXPECT_NE(conn().diag().message.find("999"), std::string::npos);
}

// §4.2.2.2: StatSN. ExpStatSN is 100 here.
TEST_F(FfpConnection, AStatSnSomewhatAheadIsFollowed)
{
    open();
    itt const tag = conn().submit(tur_request());
    (void)sent_raw();
    feed(scsi_response().itt(tag.value()).stat_sn(105).window(11, 41));
    EXPECT_FALSE(completed().error);
    EXPECT_EQ(conn().exp_stat_sn(), statsn{106}) << "a loosely numbering target is followed";
    EXPECT_FALSE(conn().error());
}

TEST_F(FfpConnection, AStatSnJumpFailsTheConnectionAndCompletesNothing)
{
    open();
    itt const tag = conn().submit(tur_request());
    (void)sent_raw();
    feed(scsi_response().itt(tag.value()).stat_sn(100 + (1U << 20)).window(11, 41));
    EXPECT_EQ(conn().error(), errc::sequence_error);
    EXPECT_NE(conn().diag().message.find("StatSN 1048676 where 100 was expected"), std::string::npos)
        << conn().diag().message;
    EXPECT_TRUE(nothing_completed()) << "a status out of step is not believed";
    EXPECT_EQ(conn().exp_stat_sn(), statsn{100});
}

TEST_F(FfpConnection, AStatSnFarBehindFailsTheConnectionToo)
{
    open();
    itt const tag = conn().submit_nop();
    (void)sent_raw();
    feed(nop_in().itt(tag.value()).stat_sn(100 - (1U << 17)));
    EXPECT_EQ(conn().error(), errc::sequence_error);
    EXPECT_TRUE(nothing_completed());
}

TEST_F(FfpConnection, StatSnWrapsAroundAsASerialNumber)
{
    auto p = lio_params();
    p.exp_stat_sn = statsn{0xfffffffe};
    open(p);
    itt const tag = conn().submit(tur_request());
    (void)sent_raw();
    feed(scsi_response().itt(tag.value()).stat_sn(1).window(11, 41));
    EXPECT_FALSE(completed().error) << "RFC 1982: 1 is three ahead of 0xfffffffe";
    EXPECT_EQ(conn().exp_stat_sn(), statsn{2});
}

TEST_F(FfpConnection, ResponseOfTheWrongKindForATaskFails)
{
    open();
    itt const tag = conn().submit_nop();
    (void)sent_raw();
    feed(scsi_response().itt(tag.value()).stat_sn(100));
    EXPECT_EQ(conn().error(), errc::unknown_task);
}

TEST_F(FfpConnection, LoginResponseInFullFeaturePhaseIsUnexpected)
{
    open();
    feed(login_response().stat_sn(100));
    EXPECT_EQ(conn().error(), errc::unexpected_pdu);
}

TEST_F(FfpConnection, NothingIsProcessedAfterAnError)
{
    open();
    itt const tag = conn().submit_nop();
    (void)sent_raw();
    feed(scsi_response().itt(999).stat_sn(100));
    ASSERT_TRUE(conn().error());
    feed(nop_in().itt(tag.value()).stat_sn(100));
    EXPECT_TRUE(nothing_completed());
    EXPECT_EQ(conn().error(), errc::unknown_task) << "the first error is kept";
}

TEST_F(FfpConnection, HeldCommandsAreNotSentOnAFailedConnection)
{
    auto p = lio_params();
    p.max_cmd_sn = cmdsn{10};
    open(p);
    (void)conn().submit(tur_request());
    (void)conn().submit(tur_request()); // held: CmdSN 11 > MaxCmdSN 10
    (void)sent_raw();
    // A response for a task we never issued, which also opens the window.
    feed(scsi_response().itt(999).stat_sn(100).window(11, 20));
    ASSERT_EQ(conn().error(), errc::unknown_task);
    EXPECT_TRUE(sent_nothing()) << "no new CmdSN on a connection about to be dropped";
}

TEST_F(FfpConnection, FailAllCompletesEveryTaskIncludingHeldOnes)
{
    auto p = lio_params();
    p.max_cmd_sn = cmdsn{10};
    open(p);
    itt const a = conn().submit(read_request(1));
    itt const b = conn().submit(write_request(1)); // held by the window
    itt const c = conn().submit_nop();
    (void)sent_raw();
    (void)sent_raw();
    EXPECT_TRUE(sent_nothing());

    conn().fail_all(errc::connection_closed);
    std::vector<itt> failed;
    for (auto done = conn().poll_completion(); done; done = conn().poll_completion()) {
        EXPECT_EQ(done->error, errc::connection_closed);
        failed.push_back(done->tag);
    }
    EXPECT_EQ(failed.size(), 3U);
    EXPECT_NE(std::find(failed.begin(), failed.end(), a), failed.end());
    EXPECT_NE(std::find(failed.begin(), failed.end(), b), failed.end());
    EXPECT_NE(std::find(failed.begin(), failed.end(), c), failed.end());
    EXPECT_EQ(conn().outstanding(), 0U);

    feed(nop_in().stat_sn(100).window(11, 50)); // the window opens...
    EXPECT_TRUE(sent_nothing()) << "...but the held command was failed, not sent";
}

} // namespace
} // namespace iscsi::session::test
