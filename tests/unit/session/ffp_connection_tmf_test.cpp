// Task management (RFC 7143 §11.5, §11.6) and R2TSN checks on one
// full-feature connection, as transcripts.
#include "iscsi/session/ffp_connection.hpp"

#include "connection_transcript.hpp"

#include "iscsi/pdu/r2t.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/tmf.hpp"

#include <gtest/gtest.h>

namespace iscsi::session::test {
namespace {

using FfpConnection = connection_transcript;
using pdu::tmf_function;
using answer = pdu::tmf_response;

TEST_F(FfpConnection, AbortTaskNamesTheTaskAndItsCmdSnAndEndsIt)
{
    open();
    itt const victim = conn().submit(read_request(8));
    auto cmd = sent<pdu::scsi_command>();
    itt const abort = conn().submit_tmf(tmf_function::abort_task, lun{}, victim);

    auto req = sent<pdu::task_mgmt_request>();
    EXPECT_TRUE(req.immediate) << "§11.5: TMF requests go immediate";
    EXPECT_EQ(req.function, tmf_function::abort_task);
    EXPECT_EQ(req.itt_, abort);
    EXPECT_EQ(req.referenced_task_tag, victim);
    EXPECT_EQ(req.ref_cmd_sn, cmd.cmd_sn) << "§11.5.5: RefCmdSN is the aborted command's CmdSN";
    EXPECT_EQ(req.cmd_sn, cmdsn{11}) << "the next CmdSN, not advanced";
    EXPECT_EQ(req.lun_, lun::from_index(1)) << "the aborted task's LUN";

    feed(tmf_response().itt(abort.value()).response(answer::function_complete).stat_sn(100).window(11, 41));
    auto first = completed();
    EXPECT_EQ(first.tag, victim);
    EXPECT_EQ(first.error, errc::task_aborted);
    auto second = completed();
    EXPECT_EQ(second.tag, abort);
    EXPECT_FALSE(second.error);
    EXPECT_EQ(outcome_of<tmf_outcome>(second).response, answer::function_complete);
    EXPECT_EQ(conn().outstanding(), 0U);
    EXPECT_EQ(conn().exp_stat_sn(), statsn{101});
}

TEST_F(FfpConnection, AbortOfACommandTheWindowHeldNeverReachesTheTarget)
{
    auto p = lio_params();
    p.max_cmd_sn = cmdsn{10}; // room for one command
    open(p);
    (void)conn().submit(tur_request());
    itt const held = conn().submit(tur_request());
    (void)sent<pdu::scsi_command>();
    ASSERT_TRUE(sent_nothing());
    itt const abort = conn().submit_tmf(tmf_function::abort_task, lun{}, held);
    EXPECT_TRUE(sent_nothing()) << "nothing to ask the target";
    auto first = completed();
    EXPECT_EQ(first.tag, held);
    EXPECT_EQ(first.error, errc::task_aborted);
    auto second = completed();
    EXPECT_EQ(second.tag, abort);
    EXPECT_EQ(outcome_of<tmf_outcome>(second).response, answer::function_complete);
    feed(scsi_response().itt(1).stat_sn(100).window(11, 42));
    EXPECT_TRUE(sent_nothing()) << "the aborted command stays unsent when the window opens";
}

TEST_F(FfpConnection, AbortOfAFinishedTaskAnswersTaskDoesNotExist)
{
    open();
    itt const done = conn().submit(tur_request());
    (void)sent_raw();
    feed(scsi_response().itt(done.value()).stat_sn(100).window(11, 41));
    (void)completed();
    itt const abort = conn().submit_tmf(tmf_function::abort_task, lun{}, done);
    EXPECT_TRUE(sent_nothing());
    auto c = completed();
    EXPECT_EQ(c.tag, abort);
    EXPECT_EQ(outcome_of<tmf_outcome>(c).response, answer::task_does_not_exist);
}

TEST_F(FfpConnection, LunResetEndsTheTasksOfThatLunOnly)
{
    open();
    itt const on_lun1 = conn().submit(read_request(1));
    itt const on_lun2 = conn().submit({lun::from_index(2), scsi::test_unit_ready(), {}});
    (void)sent_raw();
    (void)sent_raw();
    itt const reset = conn().submit_tmf(tmf_function::logical_unit_reset, lun::from_index(1));
    auto req = sent<pdu::task_mgmt_request>();
    EXPECT_EQ(req.function, tmf_function::logical_unit_reset);
    EXPECT_EQ(req.lun_, lun::from_index(1));
    EXPECT_EQ(req.referenced_task_tag, reserved_itt);

    feed(tmf_response().itt(reset.value()).response(answer::function_complete).stat_sn(100).window(12, 41));
    auto aborted = completed();
    EXPECT_EQ(aborted.tag, on_lun1);
    EXPECT_EQ(aborted.error, errc::task_aborted);
    EXPECT_EQ(completed().tag, reset);
    EXPECT_TRUE(nothing_completed()) << "LUN 2's command is untouched";
    feed(scsi_response().itt(on_lun2.value()).stat_sn(101).window(12, 41));
    EXPECT_EQ(completed().tag, on_lun2);
}

TEST_F(FfpConnection, TargetResetRefusedLeavesTheTasksRunning)
{
    open();
    itt const cmd = conn().submit(tur_request());
    (void)sent_raw();
    itt const reset = conn().submit_tmf(tmf_function::target_warm_reset, lun{});
    EXPECT_EQ(sent<pdu::task_mgmt_request>().function, tmf_function::target_warm_reset);
    feed(tmf_response().itt(reset.value()).response(answer::function_authorization_failed).stat_sn(100).window(11, 41));
    auto c = completed();
    EXPECT_EQ(c.tag, reset);
    EXPECT_FALSE(c.error) << "the answer is the outcome, not a connection fault";
    EXPECT_EQ(outcome_of<tmf_outcome>(c).response, answer::function_authorization_failed);
    EXPECT_TRUE(nothing_completed());
    EXPECT_EQ(conn().outstanding(), 1U);
    feed(scsi_response().itt(cmd.value()).stat_sn(101).window(11, 41));
    EXPECT_EQ(completed().tag, cmd);
}

TEST_F(FfpConnection, R2tSnGapIsASequenceErrorAtErl0)
{
    auto p = lio_params();
    p.params.immediate_data = false;
    open(p);
    itt const tag = conn().submit(write_request(32)); // 16384 bytes
    (void)sent_raw();
    feed(r2t().itt(tag.value()).ttt(1).r2t_sn(0).range(0, 8192));
    while (transmit()) {
    }
    feed(r2t().itt(tag.value()).ttt(2).r2t_sn(2).range(8192, 8192));
    EXPECT_EQ(conn().error(), errc::sequence_error) << "§11.8.3: R2TSN 1 is missing";
    EXPECT_TRUE(sent_nothing());
}

} // namespace
} // namespace iscsi::session::test
