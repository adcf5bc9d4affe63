// Transcripts of task management and command timeouts in the ERL 0 session
// (RFC 7143 §11.5, §11.6): the caller's ABORT TASK and resets, and the
// error handling a timed-out command gets: ABORT TASK, LOGICAL UNIT RESET,
// session recovery, each bounded by its own timeout on the manual clock.
#include "session_transcript.hpp"

namespace iscsi::session::test {
namespace {

using pdu::tmf_function;
using answer = pdu::tmf_response;

class SessionTasks : public SessionMachine {
protected:
    SessionTasks()
    {
        auto c = config();
        c.noop_out_interval = 0s; // no pings among the TMFs
        m_ = session_machine(c, rng_);
    }

    request_done finished()
    {
        auto d = m_.poll_completion();
        if (!d) {
            ADD_FAILURE() << "nothing completed";
            return {};
        }
        return std::move(*d);
    }
    void at(time_point t)
    {
        now_ = t;
        m_.on_timeout(now_);
    }
    /// Skips notices until one of kind `k`; false if there is none.
    bool noticed(session_notice::kind k)
    {
        while (auto n = m_.poll_notice())
            if (n->what == k) return true;
        return false;
    }
    void answer_tmf(pdu::task_mgmt_request const& r, answer a, std::uint32_t stat_sn)
    {
        feed(tmf_response().itt(r.itt_.value()).response(a).stat_sn(stat_sn).window(2, 33));
    }
};

TEST_F(SessionTasks, CallerAbortsACommandInFlight)
{
    start_and_log_in();
    request_id const cmd_id = m_.submit(tur(), now_);
    auto cmd = sent<pdu::scsi_command>();
    request_id const abort_id = m_.task_management({.function = tmf_function::abort_task, .task = cmd_id}, now_);
    auto req = sent<pdu::task_mgmt_request>();
    EXPECT_EQ(req.function, tmf_function::abort_task);
    EXPECT_EQ(req.referenced_task_tag, cmd.itt_);
    EXPECT_EQ(req.ref_cmd_sn, cmd.cmd_sn);

    answer_tmf(req, answer::function_complete, 102);
    auto aborted = finished();
    EXPECT_EQ(aborted.id, cmd_id);
    EXPECT_EQ(aborted.error, errc::task_aborted);
    auto done = finished();
    EXPECT_EQ(done.id, abort_id);
    EXPECT_FALSE(done.error);
    EXPECT_EQ(done.tmf, answer::function_complete);
    EXPECT_EQ(m_.outstanding(), 0U);
}

TEST_F(SessionTasks, AbortOfACommandQueuedBeforeLoginNeedsNoTarget)
{
    m_.start(now_);
    expect_connect();
    request_id const cmd_id = m_.submit(tur(), now_);
    request_id const abort_id = m_.task_management({.function = tmf_function::abort_task, .task = cmd_id}, now_);
    EXPECT_EQ(finished().error, errc::task_aborted);
    auto done = finished();
    EXPECT_EQ(done.id, abort_id);
    EXPECT_EQ(done.tmf, answer::function_complete);
    log_in(7);
    EXPECT_TRUE(idle()) << "the aborted command never goes out";
}

TEST_F(SessionTasks, ResetWithoutAConnectionFailsAtOnce)
{
    m_.start(now_);
    expect_connect();
    (void)m_.task_management({.function = tmf_function::logical_unit_reset, .lun_ = lun::from_index(1)}, now_);
    auto done = finished();
    EXPECT_EQ(done.error, errc::no_connection);
    EXPECT_FALSE(done.tmf);
}

TEST_F(SessionTasks, TimedOutCommandIsAbortedAndFailsWithCommandTimeout)
{
    start_and_log_in();
    time_point const issued = now_;
    request_id const id = m_.submit(tur(), now_);
    auto cmd = sent<pdu::scsi_command>();
    at(issued + 20s - 1ms);
    EXPECT_TRUE(idle());
    EXPECT_EQ(m_.poll_timeout(), issued + 20s) << "command_timeout";
    at(issued + 20s);
    auto req = sent<pdu::task_mgmt_request>();
    EXPECT_EQ(req.function, tmf_function::abort_task);
    EXPECT_EQ(req.referenced_task_tag, cmd.itt_);
    EXPECT_TRUE(noticed(session_notice::kind::command_timeout));
    EXPECT_FALSE(m_.poll_completion()) << "not before the target has let go of it";

    answer_tmf(req, answer::function_complete, 102);
    auto done = finished();
    EXPECT_EQ(done.id, id);
    EXPECT_EQ(done.error, errc::command_timeout);
    EXPECT_EQ(m_.state(), session_state::logged_in) << "the abort was enough";
}

TEST_F(SessionTasks, ARetriedCommandGetsAFreshDeadline)
{
    start_and_log_in();
    time_point const issued = now_;
    (void)m_.submit(tur(), now_);
    (void)sent<pdu::scsi_command>();
    now_ += 5s;
    m_.on_transport_error(make_error_code(std::errc::connection_reset), now_);
    expect_disconnect();
    at(now_ + 2s); // DefaultTime2Wait
    expect_connect();
    log_in(8);
    time_point const reissued = now_;
    (void)sent<pdu::scsi_command>();
    at(issued + 20s);
    EXPECT_TRUE(idle()) << "the first deadline left with the first connection";
    EXPECT_EQ(m_.poll_timeout(), reissued + 20s);
    at(reissued + 20s);
    EXPECT_EQ(sent<pdu::task_mgmt_request>().function, tmf_function::abort_task);
}

TEST_F(SessionTasks, UnansweredAbortEscalatesToLunResetAndInnocentCommandsRunAgain)
{
    start_and_log_in();
    time_point const issued = now_;
    request_id const stuck = m_.submit(tur(), now_);
    (void)sent<pdu::scsi_command>();
    now_ += 10s; // its own deadline comes after the escalation below
    request_id const innocent = m_.submit(tur(), now_);
    auto second = sent<pdu::scsi_command>();

    at(issued + 20s);
    (void)sent<pdu::task_mgmt_request>();
    at(issued + 20s + 3s - 1ms);
    EXPECT_TRUE(idle());
    at(issued + 20s + 3s); // abort_timeout
    auto reset = sent<pdu::task_mgmt_request>();
    EXPECT_EQ(reset.function, tmf_function::logical_unit_reset);
    EXPECT_EQ(reset.lun_, lun::from_index(1));

    answer_tmf(reset, answer::function_complete, 102);
    auto done = finished();
    EXPECT_EQ(done.id, stuck);
    EXPECT_EQ(done.error, errc::command_timeout);
    EXPECT_FALSE(m_.poll_completion()) << "the other command is retried, not failed";
    auto again = sent<pdu::scsi_command>();
    EXPECT_NE(again.itt_, second.itt_);
    feed(scsi_response().itt(again.itt_.value()).stat_sn(103).window(3, 34));
    auto ok = finished();
    EXPECT_EQ(ok.id, innocent);
    EXPECT_FALSE(ok.error);
    EXPECT_EQ(ok.outcome.status, 0);
}

TEST_F(SessionTasks, RefusedLunResetEndsInSessionRecoveryWithoutRetryingTheCulprit)
{
    start_and_log_in();
    time_point const issued = now_;
    request_id const stuck = m_.submit(tur(), now_);
    (void)sent<pdu::scsi_command>();
    at(issued + 20s);
    answer_tmf(sent<pdu::task_mgmt_request>(), answer::function_rejected, 102);
    auto reset = sent<pdu::task_mgmt_request>();
    ASSERT_EQ(reset.function, tmf_function::logical_unit_reset);
    answer_tmf(reset, answer::function_not_supported, 103);

    expect_disconnect();
    EXPECT_EQ(m_.state(), session_state::failed);
    EXPECT_TRUE(noticed(session_notice::kind::connection_failed));
    auto done = finished();
    EXPECT_EQ(done.id, stuck);
    EXPECT_EQ(done.error, errc::command_timeout);
    EXPECT_EQ(m_.outstanding(), 0U) << "nothing left to retry on the new connection";
}

TEST_F(SessionTasks, CallersResetWithoutAnswerFailsTheConnection)
{
    start_and_log_in();
    request_id const id = m_.task_management({.function = tmf_function::target_warm_reset}, now_);
    EXPECT_EQ(sent<pdu::task_mgmt_request>().function, tmf_function::target_warm_reset);
    at(now_ + 5s - 1ms);
    EXPECT_TRUE(idle());
    at(now_ + 1ms); // tgt_reset_timeout
    auto done = finished();
    EXPECT_EQ(done.id, id);
    EXPECT_EQ(done.error, errc::tmf_timeout);
    expect_disconnect();
    EXPECT_EQ(m_.state(), session_state::failed);
}

TEST_F(SessionTasks, LogoutWaitsForTaskManagementToFinish)
{
    start_and_log_in();
    request_id const id = m_.task_management({.function = tmf_function::logical_unit_reset, .lun_ = lun::from_index(1)}, now_);
    auto reset = sent<pdu::task_mgmt_request>();
    m_.logout(now_);
    EXPECT_TRUE(idle()) << "no Logout while a TMF is outstanding";
    answer_tmf(reset, answer::function_complete, 102);
    EXPECT_EQ(finished().id, id);
    (void)sent<pdu::logout_request>();
}

} // namespace
} // namespace iscsi::session::test
