/**
 * @file
 * The imperative shell (STYLE habit 2): a TCP connection that carries PDUs,
 * and drive(), the one loop that runs any sans-I/O machine over it. This is
 * the only place in the library that touches sockets and timers.
 */
#pragma once

#include "iscsi/core/clock.hpp"
#include "iscsi/core/error.hpp"
#include "iscsi/pdu/reader.hpp"
#include "iscsi/pdu/writer.hpp"
#include "iscsi/transport/errors.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace iscsi::transport {

namespace asio = boost::asio;

class pdu_stream {
public:
    explicit pdu_stream(asio::any_io_executor ex);

    /// Resolves `host` and connects to the first address that answers
    /// (IPv4 and IPv6), within `timeout` in all.
    asio::awaitable<std::error_code> connect(std::string const& host, std::uint16_t port, duration timeout);

    asio::awaitable<std::error_code> write(pdu::raw_pdu const& p);
    /**
     * Several PDUs in one gather write (fewer system calls under load).
     * Headers, trailers and small segments are copied into one buffer;
     * large segments, and borrowed ones (raw_pdu::data_ref), are sent from
     * where they are. The PDUs must stay alive until it completes.
     */
    asio::awaitable<std::error_code> write(std::span<pdu::raw_pdu const> pdus);
    /// Next complete PDU; framing errors come back as pdu::errc values.
    asio::awaitable<result<pdu::raw_pdu>> read(diagnostics* diag = nullptr);

    /// Digests and receive limits take effect from the next PDU (after login).
    void set_digests(pdu::digest_options d) noexcept;
    void set_limits(pdu::reader_limits l) noexcept { reader_.set_limits(l); }
    /// Direct data placement for incoming PDUs (pdu::reader::set_placement).
    void set_placement(pdu::reader::placement_fn f) { reader_.set_placement(std::move(f)); }

    void close() noexcept;
    /**
     * Gives up the connected socket: the caller owns the returned descriptor
     * (it is handed to the kernel's iscsi_tcp after login). Fails with
     * errc::unread_bytes_left, closing the socket, when bytes the peer sent
     * were already read into our buffer: they would be lost.
     */
    result<int> release();
    [[nodiscard]] bool is_open() const noexcept { return socket_.is_open(); }
    [[nodiscard]] asio::any_io_executor get_executor() { return socket_.get_executor(); }
    [[nodiscard]] std::string peer() const;

private:
    asio::ip::tcp::socket socket_;
    pdu::reader reader_;
    pdu::digest_options digests_{};
    std::vector<std::byte> in_;
    std::size_t in_begin_ = 0;
    std::size_t in_end_ = 0;
    bool large_segments_ = false; ///< the last PDU's data segment was read in place
    /// A piece of a gather write: `length` bytes at `offset` in out_ when
    /// `at` is null, else at `at`.
    struct out_piece {
        std::byte const* at;
        std::size_t offset;
        std::size_t length;
    };
    void gather(std::span<pdu::raw_pdu const> pdus);
    std::vector<std::byte> out_;
    std::vector<out_piece> pieces_;
    std::vector<asio::const_buffer> gathered_;
};

/**
 * Runs a sans-I/O machine until `done()` or an error: sends everything it
 * polls out, then waits for the next PDU or the machine's own deadline
 * (poll_timeout()) or `deadline`, whichever is first. Machines without
 * timers pass through `deadline` only.
 */
struct drive_hooks {
    std::function<std::optional<pdu::raw_pdu>()> poll_transmit;
    std::function<void(pdu::raw_pdu const&)> handle_pdu;
    std::function<std::optional<time_point>()> poll_timeout; ///< may be empty
    std::function<void(time_point)> handle_timeout;          ///< with poll_timeout
    std::function<bool()> done;
    /// After each PDU is written (may be empty): see ffp_connection::on_written.
    std::function<void(pdu::raw_pdu const&)> written;
};

asio::awaitable<std::error_code> drive(pdu_stream& s, drive_hooks const& m,
                                       std::optional<time_point> deadline, diagnostics* diag);

} // namespace iscsi::transport
