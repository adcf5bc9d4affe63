#pragma once
// A user-space session (transport::scsi_session) on its own I/O thread, for
// integration tests and benchmarks: log in, push many commands at a chosen
// queue depth, check every block against a pattern, log out. Every wait is
// bounded, so a session that hangs fails the test instead of stalling it.
//
//   session_rig rig(session_to(tgt.portal(), login_to(iqn)));
//   ASSERT_FALSE(rig.login());
//   auto w = rig.run(io_op::write, mixed_extents(0, blocks, 1), 32, 1);
//   EXPECT_TRUE(w.ok()) << w;
#include "iscsi/transport/scsi_session.hpp"
#include "support/initiator_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace iscsi::test {

/// One contiguous run of blocks.
struct extent {
    std::uint64_t lba = 0;
    std::uint32_t blocks = 0;
};

/**
 * Covers [first, first + count) with extents of mixed sizes: single blocks,
 * 4 KiB, 64 KiB, 1 MiB, 4 MiB and random lengths in between (with 512-byte
 * blocks), shuffled so that neighbours are not written in order. The same
 * seed gives the same extents.
 */
std::vector<extent> mixed_extents(std::uint64_t first, std::uint64_t count, std::uint32_t seed);

/**
 * The pattern every test writes: each 8-byte word is a function of its
 * byte address on the LU and of `generation`, so a block written to the
 * wrong LBA, a stale block and a torn block all fail the comparison.
 */
void fill_pattern(std::span<std::byte> out, std::uint64_t lba, std::uint32_t block_size, std::uint32_t generation);

/// read_verify_into reads into caller buffers (scsi_request::read_into),
/// each split into three uneven pieces, so Data-In is placed directly;
/// write_from writes from such buffers (scsi_request::write_from), so the
/// PDUs borrow them instead of copying.
enum class io_op : std::uint8_t { write, write_from, read_verify, read_verify_into };

struct run_result_stats {
    std::size_t completed = 0;      ///< commands that finished GOOD (and, for reads, matched)
    std::size_t failed = 0;         ///< errors, bad status, mismatches
    std::vector<std::string> first_failures; ///< up to 5, for the message
    std::uint64_t bytes = 0;
    bool timed_out = false;
    [[nodiscard]] bool ok() const { return failed == 0 && !timed_out; }
};
std::ostream& operator<<(std::ostream& os, run_result_stats const& r);

/// A session_config for tests: short timeouts, tgt's pattern of LUN numbers.
session::session_config session_to(portal_address const& at, login::login_params p);

class session_rig {
public:
    explicit session_rig(session::session_config cfg);
    ~session_rig(); ///< logs out if logged in (bounded), joins the thread
    session_rig(session_rig const&) = delete;
    session_rig& operator=(session_rig const&) = delete;

    std::error_code login(std::chrono::seconds limit = std::chrono::seconds(30));
    std::error_code logout(std::chrono::seconds limit = std::chrono::seconds(30));

    /// One command, waited for.
    result<session::scsi_outcome> execute(std::uint64_t lun_index, scsi::command cmd, std::vector<std::byte> out = {},
                                          std::chrono::seconds limit = std::chrono::seconds(60));
    /// LOGICAL UNIT RESET or a target reset; the target's answer.
    result<pdu::tmf_response> task_management(pdu::tmf_function f, std::uint64_t lun_index,
                                               std::chrono::seconds limit = std::chrono::seconds(60));
    /// How `n` copies of a command ended when each was cancelled (ABORT
    /// TASK) right after it was started.
    struct cancel_tally {
        std::size_t completed = 0; ///< finished GOOD before the abort took
        std::size_t cancelled = 0; ///< std::errc::operation_canceled
        std::vector<std::string> other;
        bool timed_out = false;
    };
    cancel_tally execute_and_cancel(std::uint64_t lun_index, scsi::command cmd, unsigned n,
                                    std::chrono::seconds limit = std::chrono::seconds(60));
    /// TEST UNIT READY until GOOD; returns the block size from READ CAPACITY(16).
    result<scsi::capacity> ready(std::uint64_t lun_index);

    /// Starts `op` over `extents` with at most `depth` commands outstanding;
    /// the future is ready when all have completed.
    std::future<run_result_stats> start(io_op op, std::uint64_t lun_index, std::vector<extent> extents,
                                        unsigned depth, std::uint32_t generation);
    /// start() and wait (bounded): a run that does not end in `limit` is timed_out.
    run_result_stats run(io_op op, std::uint64_t lun_index, std::vector<extent> extents, unsigned depth,
                         std::uint32_t generation, std::chrono::seconds limit = std::chrono::seconds(300));

    /// Notices seen so far (connection failed, reinstated, ...).
    std::vector<session::session_notice> notices();
    [[nodiscard]] std::size_t count(session::session_notice::kind k);
    /// Negotiated parameters of the current connection, read on the strand.
    std::optional<text::negotiated_params> params();

    std::uint32_t block_size = 512;
    /// Commands completed by every run so far (for tests that act mid-run).
    std::atomic<std::size_t> progress{0};

private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    std::shared_ptr<transport::scsi_session> session_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<session::session_notice> notices_;
    bool logged_in_ = false;
};

} // namespace iscsi::test
