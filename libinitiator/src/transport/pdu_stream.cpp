// The imperative shell: sockets, timers and the one driver loop.
#include "iscsi/transport/pdu_stream.hpp"
#include "tcp_connect.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>

namespace iscsi::transport {

using namespace asio::experimental::awaitable_operators;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_chunk = 256 * 1024;
/// Data still to come in a segment from which reading it in place pays
/// (smaller pieces are cheaper through the buffer: fewer system calls).
constexpr std::size_t direct_read_threshold = 16 * 1024;
/// What a refill takes while large segments flow: a BHS, digests, an AHS.
constexpr std::size_t header_chunk = 4096;
/// Outgoing data segments from this size on are sent from where they are.
constexpr std::size_t gather_threshold = 2048;
} // namespace

pdu_stream::pdu_stream(asio::any_io_executor ex) : socket_(std::move(ex)), in_(read_chunk) {}

void pdu_stream::set_digests(pdu::digest_options d) noexcept
{
    digests_ = d;
    reader_.set_digests(d);
}

std::string pdu_stream::peer() const
{
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (ec) return "(not connected)";
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

void pdu_stream::close() noexcept
{
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

result<int> pdu_stream::release()
{
    if (in_end_ != in_begin_) {
        close();
        return errc::unread_bytes_left;
    }
    boost::system::error_code ec;
    int fd = socket_.release(ec);
    if (ec) {
        close();
        return std::error_code(ec);
    }
    return fd;
}

asio::awaitable<std::error_code> pdu_stream::connect(std::string const& host, std::uint16_t port,
                                                     duration timeout)
{
    asio::steady_timer timer(socket_.get_executor());
    timer.expires_after(timeout);
    auto connecting = detail::tcp_connect(socket_, host, port, timer);
    auto ec = co_await std::move(connecting);
    if (ec == errc::connect_timeout)
        close();
    if (ec)
        co_return ec;
    socket_.set_option(asio::ip::tcp::no_delay(true));
    co_return std::error_code{};
}

asio::awaitable<std::error_code> pdu_stream::write(pdu::raw_pdu const& p)
{
    co_return co_await write(std::span{&p, 1});
}

void pdu_stream::gather(std::span<pdu::raw_pdu const> pdus)
{
    out_.clear();
    pieces_.clear();
    std::size_t run = 0; // where the bytes not yet in pieces_ start in out_
    auto refer = [&](std::span<std::byte const> bytes) {
        if (out_.size() > run) pieces_.push_back({nullptr, run, out_.size() - run});
        run = out_.size();
        if (!bytes.empty()) pieces_.push_back({bytes.data(), 0, bytes.size()});
    };
    for (auto const& p : pdus) {
        pdu::serialize_header(p, digests_, out_);
        if (!p.data_ref.empty()) {
            for (auto piece : p.data_ref) refer(piece);
            auto const t = pdu::make_trailer(p.data_ref, digests_);
            out_.insert(out_.end(), t.bytes().begin(), t.bytes().end());
            continue;
        }
        // Copying a small segment costs less than another iovec.
        if (p.data.size() >= gather_threshold)
            refer(p.data);
        else
            out_.insert(out_.end(), p.data.begin(), p.data.end());
        auto const t = pdu::make_trailer(p.data, digests_);
        out_.insert(out_.end(), t.bytes().begin(), t.bytes().end());
    }
    refer({});
    // out_ no longer grows: its pieces can be addressed now.
    gathered_.clear();
    for (auto const& piece : pieces_)
        gathered_.emplace_back(piece.at ? piece.at : out_.data() + piece.offset, piece.length);
}

asio::awaitable<std::error_code> pdu_stream::write(std::span<pdu::raw_pdu const> pdus)
{
    gather(pdus);
    auto [ec, n] = co_await asio::async_write(socket_, gathered_, use_tuple);
    co_return std::error_code(ec);
}

asio::awaitable<result<pdu::raw_pdu>> pdu_stream::read(diagnostics* diag)
{
    for (;;) {
        if (in_begin_ < in_end_) {
            std::error_code ec;
            auto const avail = std::span{in_}.subspan(in_begin_, in_end_ - in_begin_);
            in_begin_ += reader_.put(avail, ec, diag);
            if (ec) co_return ec;
        }
        if (reader_.has_pdu()) {
            pdu::raw_pdu p = reader_.take();
            large_segments_ = p.data_segment_length() >= direct_read_threshold;
            co_return p;
        }
        // Everything buffered was consumed. The rest of a large data segment
        // goes straight into the PDU; anything else refills the buffer.
        in_begin_ = in_end_ = 0;
        if (reader_.data_remaining() >= direct_read_threshold) {
            auto const room = reader_.data_space();
            auto [ec, n] = co_await socket_.async_read_some(asio::buffer(room.data(), room.size()), use_tuple);
            if (ec == asio::error::eof) co_return make_error_code(errc::connection_closed);
            if (ec) co_return std::error_code(ec);
            reader_.data_filled(n);
            continue;
        }
        // While large segments flow (1 MiB reads), take little more than a
        // header into the buffer, so the segment itself is read in place.
        std::size_t const want = large_segments_ && reader_.idle() ? header_chunk : in_.size();
        auto [ec, n] = co_await socket_.async_read_some(asio::buffer(in_.data(), want), use_tuple);
        if (ec == asio::error::eof) co_return make_error_code(errc::connection_closed);
        if (ec) co_return std::error_code(ec);
        in_end_ = n;
    }
}

asio::awaitable<std::error_code> drive(pdu_stream& s, drive_hooks const& m, std::optional<time_point> deadline,
                                       diagnostics* diag)
{
    asio::steady_timer timer(s.get_executor());
    for (;;) {
        while (auto p = m.poll_transmit()) {
            if (auto ec = co_await s.write(*p)) co_return ec;
            if (m.written) m.written(*p);
        }
        if (m.done()) co_return std::error_code{};

        std::optional<time_point> const own = m.poll_timeout ? m.poll_timeout() : std::nullopt;
        std::optional<time_point> wake = deadline;
        if (own && (!wake || *own < *wake)) wake = own;
        if (!wake) {
            auto r = co_await s.read(diag);
            if (!r) co_return r.error();
            m.handle_pdu(*r);
            continue;
        }
        timer.expires_at(*wake);
        auto v = co_await (s.read(diag) || timer.async_wait(use_tuple));
        if (v.index() == 1) {
            if (own && wake == own) {
                m.handle_timeout(clock::now());
                continue; // the machine decides; it may now be done()
            }
            co_return errc::operation_timeout;
        }
        auto& r = std::get<0>(v);
        if (!r) co_return r.error();
        m.handle_pdu(*r);
    }
}

} // namespace iscsi::transport
