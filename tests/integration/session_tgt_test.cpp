// The user-space session (scsi_session over session_machine, ERL 0) against
// real targets: data integrity over a 1 GiB LU at many sizes and queue
// depths, every InitialR2T/ImmediateData combination (RFC 7143 §13.10,
// §13.11), CRC32C digests (§13.1), recovery from a target crash by session
// reinstatement (§6.3.5, §7.1.1), and replacement_timeout.
#include "iscsi/session/errors.hpp"
#include "support/session_rig.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <thread>
#include <tuple>

namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
using kind = session::session_notice::kind;

constexpr char const* disk = "iqn.2026-11.org.example.test:session";
constexpr auto lun1 = tgtd_process::disk_lun;

std::string describe(std::vector<session::session_notice> const& notices)
{
    std::string out;
    for (auto const& n : notices)
        out += "\n  notice " + std::to_string(static_cast<int>(n.what)) + ": " + n.error.message() + " " + n.detail;
    return out;
}

class SessionTgt : public isolated_test {
protected:
    void SetUp() override
    {
        isolated_test::SetUp();
        ASSERT_TRUE(tgt.start());
    }

    /// Logs in to `disk` and waits for the LU; returns its size in blocks.
    std::uint64_t attach(session_rig& rig)
    {
        auto ec = rig.login();
        EXPECT_FALSE(ec) << ec.message();
        auto cap = rig.ready(lun1);
        EXPECT_TRUE(cap) << cap.error().message() << describe(rig.notices());
        return cap ? cap->last_lba + 1 : 0;
    }

    /// Writes generation `gen` over the whole LU in mixed extents at `qd`,
    /// reads it back cut differently (with `read`) and logs out.
    static void write_verify_logout(session_rig& rig, std::uint64_t blocks, std::uint32_t seed, unsigned qd,
                                    std::uint32_t gen, io_op read = io_op::read_verify, io_op write = io_op::write)
    {
        auto w = rig.run(write, lun1, mixed_extents(0, blocks, seed), qd, gen);
        EXPECT_TRUE(w.ok()) << w;
        auto r = rig.run(read, lun1, mixed_extents(0, blocks, seed + 1), qd, gen);
        EXPECT_TRUE(r.ok()) << r;
        EXPECT_FALSE(rig.logout());
    }

    tgtd_process tgt;
};

TEST_F(SessionTgt, MixedSizesAndQueueDepthsOverOneGiBReadBackIntact)
{
    ASSERT_TRUE(tgt.add_target({.iqn = disk, .size_mib = 1024}));
    session_rig rig(session_to(tgt.portal(), login_to(disk)));
    std::uint64_t const blocks = attach(rig);
    ASSERT_EQ(blocks * rig.block_size, 1ULL << 30U);

    // Each quarter written at another queue depth; 128 is tgt's default
    // command window, so the last quarter also waits on MaxCmdSN.
    unsigned const depths[] = {1, 8, 32, 128};
    std::uint64_t const quarter = blocks / 4;
    for (unsigned i = 0; i < 4; ++i) {
        auto w = rig.run(io_op::write, lun1, mixed_extents(i * quarter, quarter, 10 + i), depths[i], 1);
        EXPECT_TRUE(w.ok()) << "write at QD " << depths[i] << ": " << w;
    }
    // Read back cut differently, so no read lines up with the write that made it.
    auto r = rig.run(io_op::read_verify, lun1, mixed_extents(0, blocks, 99), 32, 1);
    EXPECT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.bytes, 1ULL << 30U);
    EXPECT_FALSE(rig.logout());
}

class SessionTgtR2T : public SessionTgt, public ::testing::WithParamInterface<std::tuple<bool, bool>> {};

TEST_P(SessionTgtR2T, WritesVerifyUnderThisInitialR2TAndImmediateData)
{
    auto const [initial_r2t, immediate] = GetParam();
    ASSERT_TRUE(tgt.add_target({.iqn = disk, .size_mib = 64}));
    auto const tid = std::to_string(*tgt.tid_of(disk));
    auto yes_no = [](bool b) { return std::string(b ? "Yes" : "No"); };
    ASSERT_TRUE(tgt.tgtadm_ok({"--op", "update", "--mode", "target", "--tid", tid, "--name", "InitialR2T", "--value", yes_no(initial_r2t)}));
    ASSERT_TRUE(tgt.tgtadm_ok({"--op", "update", "--mode", "target", "--tid", tid, "--name", "ImmediateData", "--value", yes_no(immediate)}));

    auto params = login_to(disk);
    params.offer.initial_r2t = initial_r2t;
    params.offer.immediate_data = immediate;
    session_rig rig(session_to(tgt.portal(), params));
    std::uint64_t const blocks = attach(rig);
    ASSERT_GT(blocks, 0U);

    auto negotiated = rig.params();
    ASSERT_TRUE(negotiated);
    EXPECT_EQ(negotiated->initial_r2t, initial_r2t) << "§13.10: OR of both sides";
    EXPECT_EQ(negotiated->immediate_data, immediate) << "§13.11: AND of both sides";
    EXPECT_LT(negotiated->first_burst_length, negotiated->max_burst_length)
        << "large writes must mix unsolicited data with R2T-solicited bursts";

    // Writes from caller buffers: immediate, unsolicited and solicited
    // data all borrow them.
    write_verify_logout(rig, blocks, 5, 16, 2, io_op::read_verify_into, io_op::write_from);
}

INSTANTIATE_TEST_SUITE_P(, SessionTgtR2T, ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](auto const& p) {
                             return std::string(std::get<0>(p.param) ? "InitialR2T" : "NoInitialR2T") +
                                    (std::get<1>(p.param) ? "Immediate" : "NoImmediate");
                         });

TEST_F(SessionTgt, HeaderAndDataDigestsCarryIntactData)
{
    ASSERT_TRUE(tgt.add_target({.iqn = disk, .size_mib = 64}));
    auto const tid = std::to_string(*tgt.tid_of(disk));
    for (char const* key : {"HeaderDigest", "DataDigest"}) // tgt offers None only unless told
        ASSERT_TRUE(tgt.tgtadm_ok({"--op", "update", "--mode", "target", "--tid", tid, "--name", key, "--value", "CRC32C,None"}));
    auto params = login_to(disk);
    params.offer.header_digest = {text::digest::crc32c};
    params.offer.data_digest = {text::digest::crc32c};
    session_rig rig(session_to(tgt.portal(), params));
    std::uint64_t const blocks = attach(rig);
    auto negotiated = rig.params();
    ASSERT_TRUE(negotiated);
    EXPECT_EQ(negotiated->header_digest, text::digest::crc32c);
    EXPECT_EQ(negotiated->data_digest, text::digest::crc32c);

    // Read into caller buffers: the data digest is checked over the placed
    // bytes; written from caller buffers: it is computed over the borrowed ones.
    write_verify_logout(rig, blocks, 7, 32, 3, io_op::read_verify_into, io_op::write_from);
    // A digest error costs the connection (recovery would hide it in the data).
    EXPECT_EQ(rig.count(kind::connection_failed), 0U) << "tgtd rejected a digest";
}

TEST_F(SessionTgt, TargetKilledAndRestartedDuringWritesSessionRecoversAndDataVerifies)
{
    ASSERT_TRUE(tgt.add_target({.iqn = disk, .size_mib = 512}));
    session_rig rig(session_to(tgt.portal(), login_to(disk)));
    std::uint64_t const blocks = attach(rig);
    auto extents = mixed_extents(0, blocks, 11);
    std::size_t const before = rig.progress.load();
    // From caller buffers: the retried commands borrow them again.
    auto writing = rig.start(io_op::write_from, lun1, extents, 16, 4);

    // Crash the target a tenth of the way in: in-flight commands are lost
    // with the connection and must be retried on the reinstated session.
    auto const deadline = std::chrono::steady_clock::now() + 60s;
    while (rig.progress.load() - before < extents.size() / 10 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    ASSERT_NE(writing.wait_for(0s), std::future_status::ready) << "the writes ended before the crash";
    ASSERT_TRUE(tgt.kill());
    std::this_thread::sleep_for(1s);
    EXPECT_NE(writing.wait_for(0s), std::future_status::ready) << "commands must wait for the session to come back";
    ASSERT_TRUE(tgt.restart());

    ASSERT_EQ(writing.wait_for(120s), std::future_status::ready) << "the writes never finished after the restart";
    auto w = writing.get();
    EXPECT_TRUE(w.ok()) << w;
    EXPECT_EQ(w.completed, extents.size());
    EXPECT_GE(rig.count(kind::connection_failed), 1U);
    EXPECT_GE(rig.count(kind::reinstated), 1U);

    auto r = rig.run(io_op::read_verify, lun1, mixed_extents(0, blocks, 12), 32, 4);
    EXPECT_TRUE(r.ok()) << r;
    EXPECT_FALSE(rig.logout());
}

TEST_F(SessionTgt, TargetGonePastReplacementTimeoutFailsIoWithAnError)
{
    ASSERT_TRUE(tgt.add_target({.iqn = disk, .size_mib = 64}));
    auto cfg = session_to(tgt.portal(), login_to(disk));
    cfg.replacement_timeout = 2s;
    session_rig rig(cfg);
    std::uint64_t const blocks = attach(rig);
    auto extents = mixed_extents(0, blocks, 13);
    std::size_t const before = rig.progress.load();
    auto writing = rig.start(io_op::write, lun1, extents, 8, 5);
    while (rig.progress.load() - before < 4) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(tgt.kill());

    // DefaultTime2Wait (2 s) + replacement_timeout (2 s) + slack: no hang.
    ASSERT_EQ(writing.wait_for(20s), std::future_status::ready) << "I/O hung after replacement_timeout";
    auto w = writing.get();
    EXPECT_GT(w.failed, 0U) << w;
    EXPECT_LT(w.completed, extents.size());
    ASSERT_FALSE(w.first_failures.empty());
    EXPECT_NE(w.first_failures.front().find(make_error_code(session::errc::replacement_timeout).message()), std::string::npos)
        << w;
    EXPECT_EQ(rig.count(kind::replacement_timeout), 1U);

    // Until a connection comes back, new commands fail at once (fast_io_fail).
    auto const t0 = std::chrono::steady_clock::now();
    auto r = rig.execute(lun1, scsi::test_unit_ready());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), session::errc::replacement_timeout) << r.error().message();
}

TEST_F(SessionTgt, LunResetDuringWritesLeavesTheSessionUsable)
{
    ASSERT_TRUE(tgt.add_target({.iqn = disk, .size_mib = 256}));
    session_rig rig(session_to(tgt.portal(), login_to(disk)));
    std::uint64_t const blocks = attach(rig);
    auto extents = mixed_extents(0, blocks, 31);
    std::size_t const before = rig.progress.load();
    auto writing = rig.start(io_op::write, lun1, extents, 32, 7);
    while (rig.progress.load() - before < 8) std::this_thread::sleep_for(1ms);

    auto reset = rig.task_management(pdu::tmf_function::logical_unit_reset, lun1);
    ASSERT_TRUE(reset) << reset.error().message();
    EXPECT_EQ(*reset, pdu::tmf_response::function_complete);
    ASSERT_EQ(writing.wait_for(60s), std::future_status::ready) << "commands hung after the LUN RESET";
    auto w = writing.get();
    // Commands the reset ended fail with task_aborted; nothing else may fail.
    std::string const aborted = make_error_code(session::errc::task_aborted).message();
    for (auto const& f : w.first_failures) EXPECT_NE(f.find(aborted), std::string::npos) << f;
    EXPECT_EQ(w.completed + w.failed, extents.size());
    std::cout << "[ measured ] LUN RESET during " << extents.size() << " writes at QD 32: " << w.failed
              << " ended by it\n";

    // The LU reports the reset as a UNIT ATTENTION (29/03), retried for us.
    write_verify_logout(rig, blocks, 32, 32, 8);
}

TEST_F(SessionTgt, CancelledCommandsAreAbortedOrCompleteAndTheSessionGoesOn)
{
    ASSERT_TRUE(tgt.add_target({.iqn = disk, .size_mib = 64}));
    session_rig rig(session_to(tgt.portal(), login_to(disk)));
    ASSERT_GT(attach(rig), 0U);
    auto t = rig.execute_and_cancel(lun1, scsi::read16(0, 8192, rig.block_size), 256);
    ASSERT_FALSE(t.timed_out) << "a cancelled command never completed";
    EXPECT_TRUE(t.other.empty()) << t.other.front();
    EXPECT_EQ(t.completed + t.cancelled, 256U);
    // tgt finishes a read it has started before it answers ABORT TASK;
    // commands the CmdSN window still held here end without the target.
    std::cout << "[ measured ] 256 cancelled 4 MiB reads: " << t.cancelled << " aborted, " << t.completed
              << " completed first\n";
    auto w = rig.run(io_op::write, lun1, mixed_extents(0, 8192, 34), 8, 9);
    EXPECT_TRUE(w.ok()) << w;
    EXPECT_FALSE(rig.logout());
}

#ifdef ISCSI_SESSION_EXAMPLE
TEST_F(SessionTgt, TheDocumentedExampleProgramWorks)
{
    ASSERT_TRUE(tgt.add_target({.iqn = disk, .size_mib = 16}));
    auto r = run_program({ISCSI_SESSION_EXAMPLE, tgt.portal().host, std::to_string(tgt.portal().port), disk, "1"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("32768 blocks of 512 bytes"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("identical"), std::string::npos) << r.out;
}
#endif

TEST(SessionIstgt, MixedSizesWriteAndReadBackIntact)
{
    ASSERT_TRUE(check_isolation());
    istgt_options o;
    o.targets.push_back({.iqn = "iqn.2026-11.org.example.test:istgt-session", .size_mib = 128});
    istgt_process target(std::move(o));
    ASSERT_TRUE(target.start());
    session_rig rig(session_to(target.portal(), login_to("iqn.2026-11.org.example.test:istgt-session")));
    ASSERT_FALSE(rig.login());
    auto cap = rig.ready(istgt_process::disk_lun);
    ASSERT_TRUE(cap) << cap.error().message();
    std::uint64_t const blocks = cap->last_lba + 1;
    auto w = rig.run(io_op::write, istgt_process::disk_lun, mixed_extents(0, blocks, 21), 32, 6);
    EXPECT_TRUE(w.ok()) << w;
    auto r = rig.run(io_op::read_verify, istgt_process::disk_lun, mixed_extents(0, blocks, 22), 32, 6);
    EXPECT_TRUE(r.ok()) << r;
    EXPECT_FALSE(rig.logout());
}

} // namespace
} // namespace iscsi::test
