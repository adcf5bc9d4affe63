// session_perf: reads from a LUN through scsi_session at a fixed queue depth
// for a fixed time, like libiscsi's iscsi-perf, so bench/session-io can run
// the two side by side on the same LU. --write writes instead (from the
// same buffers, sent without a copy), for the write path's CPU cost.
//
//   session_perf [--random] [--write] [--qd N] [--blocks N] [--seconds S] HOST PORT IQN LUN
//
// Prints one line: "ios=N seconds=S iops=N bytes_per_second=N".
#include "iscsi/scsi/capacity.hpp"
#include "iscsi/scsi/cdb.hpp"
#include "iscsi/transport/scsi_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <string>

namespace asio = boost::asio;
namespace session = iscsi::session;
using iscsi::transport::scsi_session;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
    bool random = false;
    bool write = false; ///< WRITE(16) from the slot buffers instead of reading
    unsigned qd = 1;
    std::uint32_t blocks = 8;
    double seconds = 10;
    std::string host, iqn;
    std::uint16_t port = 3260;
    std::uint16_t lun = 1;
};

/// Keeps `qd` READ(16)s (or WRITE(16)s) in flight until the deadline.
struct reader {
    std::shared_ptr<scsi_session> s;
    options o;
    std::uint64_t lu_blocks = 0;
    std::uint32_t block_size = 512;
    std::uint64_t next_lba = 0;
    std::mt19937_64 gen{42};
    clock_type::time_point start, stop_at;
    std::uint64_t done = 0;
    unsigned in_flight = 0;
    /// One read buffer per queue slot: data is placed straight into it.
    std::vector<std::vector<std::byte>> buffers;
    std::vector<std::size_t> free_slots;
    bool failed = false;
    bool finished = false; ///< no more reads in flight after the deadline (or an error)

    void issue()
    {
        std::uint64_t const span = lu_blocks - o.blocks;
        std::uint64_t lba = 0;
        if (o.random) {
            lba = (gen() % (span / o.blocks + 1)) * o.blocks;
        } else {
            lba = next_lba;
            next_lba = next_lba + o.blocks > span ? 0 : next_lba + o.blocks;
        }
        ++in_flight;
        std::size_t const slot = free_slots.back();
        free_slots.pop_back();
        session::scsi_request req{iscsi::lun::from_index(o.lun),
                                  o.write ? iscsi::scsi::write16(lba, o.blocks, block_size)
                                          : iscsi::scsi::read16(lba, o.blocks, block_size),
                                  {}};
        if (o.write)
            req.write_from = {buffers[slot]};
        else
            req.read_into = {buffers[slot]};
        s->async_execute(std::move(req),
                         [this, slot](std::error_code ec, session::scsi_outcome const& out) {
                             --in_flight;
                             free_slots.push_back(slot);
                             if (ec || out.status != 0) {
                                 if (!failed) std::cerr << "session_perf: I/O failed: " << (ec ? ec.message() : "SCSI status") << "\n";
                                 failed = true;
                             } else {
                                 ++done;
                                 if (clock_type::now() < stop_at) return issue();
                             }
                             if (in_flight == 0) finished = true;
                         });
    }
};

bool parse(int argc, char** argv, options& o)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        std::string const a = argv[i];
        auto value = [&]() -> char const* { return i + 1 < argc ? argv[++i] : "0"; };
        if (a == "--random") o.random = true;
        else if (a == "--write") o.write = true;
        else if (a == "--qd") o.qd = static_cast<unsigned>(std::stoul(value()));
        else if (a == "--blocks") o.blocks = static_cast<std::uint32_t>(std::stoul(value()));
        else if (a == "--seconds") o.seconds = std::stod(value());
        else return false;
    }
    if (argc - i != 4 || o.qd == 0 || o.blocks == 0) return false;
    o.host = argv[i];
    o.port = static_cast<std::uint16_t>(std::stoul(argv[i + 1]));
    o.iqn = argv[i + 2];
    o.lun = static_cast<std::uint16_t>(std::stoul(argv[i + 3]));
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    options o;
    if (!parse(argc, argv, o)) {
        std::cerr << "usage: session_perf [--random] [--write] [--qd N] [--blocks N] [--seconds S] HOST PORT IQN LUN\n";
        return 2;
    }
    session::session_config cfg;
    cfg.portal = {o.host, o.port, std::nullopt};
    cfg.login.initiator_name = "iqn.2026-12.org.example:session-perf";
    cfg.login.target_name = o.iqn;
    cfg.login.isid_ = iscsi::isid::random_format(std::random_device{}(), 7);
    cfg.noop_out_interval = std::chrono::seconds(0);

    asio::io_context io(1);
    reader r;
    r.s = scsi_session::create(io.get_executor(), cfg);
    r.o = o;
    int rc = 1;
    r.s->async_login([&](std::error_code ec) {
        if (ec) {
            std::cerr << "session_perf: login: " << ec.message() << "\n";
            r.finished = true;
            return;
        }
        r.s->async_execute({iscsi::lun::from_index(o.lun), iscsi::scsi::read_capacity16(), {}},
                           [&](std::error_code ec2, session::scsi_outcome const& out) {
                               auto cap = ec2 ? iscsi::result<iscsi::scsi::capacity>(ec2) : iscsi::scsi::parse_read_capacity16(out.data);
                               if (!cap) {
                                   std::cerr << "session_perf: READ CAPACITY: " << cap.error().message() << "\n";
                                   r.finished = true;
                                   return;
                               }
                               r.lu_blocks = cap->last_lba + 1;
                               r.block_size = cap->block_size;
                               r.buffers.assign(o.qd, std::vector<std::byte>(std::size_t{o.blocks} * cap->block_size));
                               for (std::size_t i = 0; i < o.qd; ++i) r.free_slots.push_back(i);
                               r.start = clock_type::now();
                               r.stop_at = r.start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.seconds));
                               for (unsigned i = 0; i < o.qd; ++i) r.issue();
                               rc = 0;
                           });
    });
    // Run until the reads have drained, then log out.
    while (!r.finished && io.run_one()) {
    }
    double const secs = std::chrono::duration<double>(clock_type::now() - r.start).count();
    r.s->async_logout([](std::error_code) {});
    io.run_for(std::chrono::seconds(5));
    if (rc != 0 || r.failed) return 1;
    double const iops = static_cast<double>(r.done) / secs;
    std::printf("ios=%llu seconds=%.3f iops=%.0f bytes_per_second=%.0f\n", static_cast<unsigned long long>(r.done), secs,
                iops, iops * o.blocks * r.block_size);
    return 0;
}
