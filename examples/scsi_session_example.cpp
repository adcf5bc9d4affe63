// The session API (docs/session-api.md) in one program: log in, find the
// LU's size, write a block, read it back under a deadline, log out.
//
//   scsi-session-example HOST PORT TARGET-IQN [LUN]
//
// Exit status: 0 when the block read back is the block written.
#include "iscsi/scsi/capacity.hpp"
#include "iscsi/scsi/cdb.hpp"
#include "iscsi/transport/scsi_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using iscsi::transport::scsi_session;
namespace session = iscsi::session;
namespace scsi = iscsi::scsi;

namespace {

constexpr auto use = asio::as_tuple(asio::use_awaitable);

asio::awaitable<int> run(session::session_config cfg, std::uint16_t lun_index)
{
    auto ex = co_await asio::this_coro::executor;
    auto s = scsi_session::create(ex, cfg);
    s->set_notice_handler([](session::session_notice const& n) {
        if (!n.detail.empty()) std::cerr << "session: " << n.detail << "\n";
    });

    // Requests and results live in named variables: GCC 12 destroys
    // temporaries of a co_await expression twice (its PR 100611 family).
    std::tuple<std::error_code> login = co_await s->async_login(use);
    if (auto ec = std::get<0>(login)) {
        std::cerr << "login failed: " << ec.message() << "\n";
        co_return 1;
    }
    iscsi::lun const lun = iscsi::lun::from_index(lun_index);

    // The LU may report a UNIT ATTENTION first; the session retries it.
    session::scsi_request capacity{lun, scsi::read_capacity16(), {}};
    auto rc = co_await s->async_execute(std::move(capacity), use);
    auto& [cap_ec, cap_out] = rc;
    auto cap = cap_ec ? iscsi::result<scsi::capacity>(cap_ec) : scsi::parse_read_capacity16(cap_out.data);
    if (!cap) {
        std::cerr << "READ CAPACITY(16): " << cap.error().message() << "\n";
        co_return 1;
    }
    std::cout << "LUN " << lun_index << ": " << cap->last_lba + 1 << " blocks of " << cap->block_size << " bytes\n";

    std::vector<std::byte> block(cap->block_size);
    std::mt19937 gen(std::random_device{}());
    for (auto& b : block) b = static_cast<std::byte>(gen());
    session::scsi_request write{lun, scsi::write16(0, 1, cap->block_size), block};
    auto wr = co_await s->async_execute(std::move(write), use);
    auto& [w_ec, w_out] = wr;
    if (w_ec || w_out.status != 0) {
        std::cerr << "WRITE(16) failed: " << (w_ec ? w_ec.message() : "status " + std::to_string(w_out.status)) << "\n";
        co_return 1;
    }

    // A deadline on one command: whichever finishes first cancels the
    // other, and a cancelled command is aborted on the target (ABORT TASK).
    asio::steady_timer deadline(ex, 5s);
    session::scsi_request read{lun, scsi::read16(0, 1, cap->block_size), {}};
    auto winner = co_await (s->async_execute(std::move(read), use) || deadline.async_wait(use));
    if (winner.index() == 1) {
        std::cerr << "READ(16) did not finish within 5 s and was aborted\n";
        co_return 1;
    }
    auto& [r_ec, r_out] = std::get<0>(winner);
    if (r_ec || r_out.status != 0 || r_out.data != block) {
        std::cerr << "READ(16) failed or returned other data\n";
        co_return 1;
    }
    std::cout << "wrote and read back 1 block at LBA 0: identical\n";

    std::tuple<std::error_code> logout = co_await s->async_logout(use);
    co_return std::get<0>(logout) ? 1 : 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 4) {
        std::cerr << "usage: scsi-session-example HOST PORT TARGET-IQN [LUN]\n";
        return 2;
    }
    session::session_config cfg;
    cfg.portal = {argv[1], static_cast<std::uint16_t>(std::stoul(argv[2])), std::nullopt};
    cfg.login.initiator_name = "iqn.2026-12.org.example:session-example";
    cfg.login.target_name = argv[3];
    // The ISID names the session (RFC 7143 §11.12.5): random, type 0x80.
    cfg.login.isid_ = iscsi::isid::random_format(std::random_device{}(), 1);
    cfg.replacement_timeout = 15s;
    auto const lun_index = static_cast<std::uint16_t>(argc > 4 ? std::stoul(argv[4]) : 1);

    asio::io_context io;
    int status = 1;
    asio::co_spawn(io, run(std::move(cfg), lun_index), [&](std::exception_ptr e, int rc) {
        if (e) {
            std::cerr << "unexpected exception\n";
            return;
        }
        status = rc;
    });
    io.run();
    return status;
}
