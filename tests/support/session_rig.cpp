#include "support/session_rig.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstring>
#include <random>

namespace iscsi::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27U)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31U);
}

/// Waits for a shared promise's future, bounded; nullopt on timeout.
template <class T>
std::optional<T> wait_bounded(std::shared_ptr<std::promise<T>> const& p, std::chrono::seconds limit)
{
    auto f = p->get_future();
    if (f.wait_for(limit) != std::future_status::ready) return std::nullopt;
    return f.get();
}

/// READ/WRITE(10) where they fit and the LBA is even, (16) otherwise, so both CDB forms are exercised.
scsi::command rw_command(io_op op, extent e, std::uint32_t bs)
{
    bool const ten = e.lba <= 0xffffffffU && e.blocks <= 0xffffU && e.lba % 2 == 0;
    if (op == io_op::read_verify_into) op = io_op::read_verify;
    if (op == io_op::write_from) op = io_op::write;
    if (op == io_op::write)
        return ten ? scsi::write10(static_cast<std::uint32_t>(e.lba), static_cast<std::uint16_t>(e.blocks), bs)
                   : scsi::write16(e.lba, e.blocks, bs);
    return ten ? scsi::read10(static_cast<std::uint32_t>(e.lba), static_cast<std::uint16_t>(e.blocks), bs)
               : scsi::read16(e.lba, e.blocks, bs);
}

/// Keeps `depth` commands in flight until the extents run out. Lives on the
/// session's strand: every completion handler runs there.
struct pump : std::enable_shared_from_this<pump> {
    std::shared_ptr<transport::scsi_session> s;
    io_op op{};
    std::uint64_t lun_index = 0;
    std::vector<extent> todo;
    unsigned depth = 1;
    std::uint32_t generation = 0;
    std::uint32_t bs = 512;
    std::atomic<std::size_t>* progress = nullptr;
    std::size_t next = 0;
    unsigned in_flight = 0;
    run_result_stats stats;
    std::promise<run_result_stats> done;
    bool delivered = false;

    void failure(extent e, std::string why)
    {
        ++stats.failed;
        if (stats.first_failures.size() < 5)
            stats.first_failures.push_back("LBA " + std::to_string(e.lba) + "+" + std::to_string(e.blocks) + ": " + why);
    }

    void go()
    {
        while (in_flight < depth && next < todo.size()) {
            extent const e = todo[next++];
            ++in_flight;
            session::scsi_request req{lun::from_index(static_cast<std::uint16_t>(lun_index)), rw_command(op, e, bs), {}};
            if (op == io_op::write) {
                req.data_out.resize(std::size_t{e.blocks} * bs);
                fill_pattern(req.data_out, e.lba, bs, generation);
            }
            // Caller buffers, alive until the completion handler has run.
            std::shared_ptr<std::vector<std::byte>> into;
            if (op == io_op::read_verify_into || op == io_op::write_from) {
                into = std::make_shared<std::vector<std::byte>>(std::size_t{e.blocks} * bs);
                std::span<std::byte> const all{*into};
                std::size_t const a = all.size() / 3, b = all.size() / 2 + 7 > all.size() ? all.size() : all.size() / 2 + 7;
                req.read_into = {all.first(a), all.subspan(a, b - a), all.subspan(b)};
            }
            if (op == io_op::write_from) {
                fill_pattern(*into, e.lba, bs, generation);
                for (auto piece : req.read_into) req.write_from.emplace_back(piece);
                req.read_into.clear();
            }
            bool const reading = op == io_op::read_verify_into;
            s->async_execute(std::move(req), [self = shared_from_this(), e, into, reading](std::error_code ec, session::scsi_outcome out) {
                if (reading && !ec) {
                    if (out.received != into->size()) out.status = 0xff; // reported as a failure below
                    out.data = std::move(*into);
                }
                self->finished(e, ec, out);
            });
        }
        if (in_flight == 0 && next == todo.size() && !delivered) {
            delivered = true;
            done.set_value(stats);
        }
    }

    void finished(extent e, std::error_code ec, session::scsi_outcome const& out)
    {
        --in_flight;
        progress->fetch_add(1);
        if (ec) {
            failure(e, ec.message());
        } else if (out.status != 0) {
            failure(e, "SCSI status " + std::to_string(out.status));
        } else if (op != io_op::write && op != io_op::write_from && !matches(e, out.data)) {
            // failure() already called
        } else {
            ++stats.completed;
            stats.bytes += std::uint64_t{e.blocks} * bs;
        }
        go();
    }

    bool matches(extent e, std::vector<std::byte> const& data)
    {
        std::vector<std::byte> want(std::size_t{e.blocks} * bs);
        fill_pattern(want, e.lba, bs, generation);
        if (data == want) return true;
        if (data.size() != want.size()) {
            failure(e, "read " + std::to_string(data.size()) + " bytes, expected " + std::to_string(want.size()));
            return false;
        }
        auto const at = static_cast<std::size_t>(std::mismatch(data.begin(), data.end(), want.begin()).first - data.begin());
        failure(e, "data differs from the pattern at block " + std::to_string(e.lba + at / bs));
        return false;
    }
};

} // namespace

std::vector<extent> mixed_extents(std::uint64_t first, std::uint64_t count, std::uint32_t seed)
{
    static constexpr std::uint32_t fixed[] = {1, 8, 128, 2048, 8192}; // 512 B, 4 KiB, 64 KiB, 1 MiB, 4 MiB
    std::mt19937 gen(seed);
    std::vector<extent> out;
    std::uint64_t lba = first;
    std::uint64_t const end = first + count;
    while (lba < end) {
        auto const pick = gen() % 7;
        std::uint32_t n = pick < 5 ? fixed[pick] : 1 + gen() % 8192;
        n = static_cast<std::uint32_t>(std::min<std::uint64_t>(n, end - lba));
        out.push_back({lba, n});
        lba += n;
    }
    std::shuffle(out.begin(), out.end(), gen);
    return out;
}

void fill_pattern(std::span<std::byte> out, std::uint64_t lba, std::uint32_t block_size, std::uint32_t generation)
{
    std::uint64_t const base = lba * block_size / 8;
    std::uint64_t const salt = std::uint64_t{generation} << 56U;
    for (std::size_t off = 0; off + 8 <= out.size(); off += 8) {
        std::uint64_t const v = splitmix((base + off / 8) ^ salt);
        std::memcpy(out.data() + off, &v, 8);
    }
}

std::ostream& operator<<(std::ostream& os, run_result_stats const& r)
{
    os << r.completed << " completed, " << r.failed << " failed" << (r.timed_out ? ", TIMED OUT" : "");
    for (auto const& f : r.first_failures) os << "\n  " << f;
    return os;
}

session::session_config session_to(portal_address const& at, login::login_params p)
{
    session::session_config c;
    c.portal = to_portal(at);
    c.login = std::move(p);
    c.connect_timeout = 5s;
    c.noop_out_interval = 5s;
    c.noop_out_timeout = 5s;
    c.replacement_timeout = 30s;
    c.reconnect_interval = 500ms;
    c.logout_timeout = 10s;
    // Deep queues of 4 MiB commands on a slow (sanitised) build wait longer
    // than Linux's 30 s at tgtd; the tests bound their runs themselves.
    c.command_timeout = 300s;
    return c;
}

session_rig::session_rig(session::session_config cfg)
    : session_(transport::scsi_session::create(io_.get_executor(), std::move(cfg))), thread_([this] { io_.run(); })
{
    session_->set_notice_handler([this](session::session_notice const& n) {
        std::lock_guard g(mutex_);
        notices_.push_back(n);
    });
}

session_rig::~session_rig()
{
    if (logged_in_) (void)logout(10s);
    work_.reset();
    io_.stop();
    thread_.join();
}

std::error_code session_rig::login(std::chrono::seconds limit)
{
    auto p = std::make_shared<std::promise<std::error_code>>();
    session_->async_login([p](std::error_code ec) { p->set_value(ec); });
    auto ec = wait_bounded(p, limit);
    if (!ec) return make_error_code(std::errc::timed_out);
    logged_in_ = !*ec;
    return *ec;
}

std::error_code session_rig::logout(std::chrono::seconds limit)
{
    auto p = std::make_shared<std::promise<std::error_code>>();
    session_->async_logout([p](std::error_code ec) { p->set_value(ec); });
    logged_in_ = false;
    return wait_bounded(p, limit).value_or(make_error_code(std::errc::timed_out));
}

result<session::scsi_outcome> session_rig::execute(std::uint64_t lun_index, scsi::command cmd, std::vector<std::byte> out,
                                                   std::chrono::seconds limit)
{
    auto p = std::make_shared<std::promise<result<session::scsi_outcome>>>();
    session::scsi_request req{lun::from_index(static_cast<std::uint16_t>(lun_index)), cmd, std::move(out)};
    session_->async_execute(std::move(req), [p](std::error_code ec, session::scsi_outcome o) {
        if (ec)
            p->set_value(ec);
        else
            p->set_value(std::move(o));
    });
    return wait_bounded(p, limit).value_or(make_error_code(std::errc::timed_out));
}

result<pdu::tmf_response> session_rig::task_management(pdu::tmf_function f, std::uint64_t lun_index,
                                                        std::chrono::seconds limit)
{
    auto p = std::make_shared<std::promise<result<pdu::tmf_response>>>();
    session_->async_task_management(f, lun::from_index(static_cast<std::uint16_t>(lun_index)),
                                    [p](std::error_code ec, pdu::tmf_response r) {
                                        if (ec)
                                            p->set_value(ec);
                                        else
                                            p->set_value(r);
                                    });
    return wait_bounded(p, limit).value_or(make_error_code(std::errc::timed_out));
}

session_rig::cancel_tally session_rig::execute_and_cancel(std::uint64_t lun_index, scsi::command cmd, unsigned n,
                                                          std::chrono::seconds limit)
{
    struct state {
        std::vector<asio::cancellation_signal> signals;
        cancel_tally tally;
        unsigned left = 0;
        std::promise<cancel_tally> done;
    };
    auto st = std::make_shared<state>();
    st->signals = std::vector<asio::cancellation_signal>(n);
    st->left = n;
    auto f = st->done.get_future();
    // Everything on the I/O thread: the signals are emitted where the
    // handlers (bound to the session's strand) clear their slots.
    asio::post(io_, [this, st, lun_index, cmd, n] {
        for (unsigned i = 0; i < n; ++i) {
            session::scsi_request req{lun::from_index(static_cast<std::uint16_t>(lun_index)), cmd, {}};
            session_->async_execute(std::move(req), asio::bind_cancellation_slot(st->signals[i].slot(),
                                                                                 [st](std::error_code ec, session::scsi_outcome const& out) {
                auto& t = st->tally;
                if (!ec && out.status == 0)
                    ++t.completed;
                else if (ec == std::errc::operation_canceled)
                    ++t.cancelled;
                else
                    t.other.push_back(ec ? ec.message() : "SCSI status " + std::to_string(out.status));
                if (--st->left == 0) st->done.set_value(t);
            }));
        }
        for (auto& s : st->signals) s.emit(asio::cancellation_type::terminal);
    });
    if (f.wait_for(limit) != std::future_status::ready) {
        cancel_tally t;
        t.timed_out = true;
        return t;
    }
    return f.get();
}

result<scsi::capacity> session_rig::ready(std::uint64_t lun_index)
{
    for (int i = 0; i < 5; ++i) {
        auto r = execute(lun_index, scsi::test_unit_ready());
        if (!r) return r.error();
        if (r->status == 0) break;
    }
    auto r = execute(lun_index, scsi::read_capacity16());
    if (!r) return r.error();
    auto cap = scsi::parse_read_capacity16(r->data);
    if (cap) block_size = cap->block_size;
    return cap;
}

std::future<run_result_stats> session_rig::start(io_op op, std::uint64_t lun_index, std::vector<extent> extents,
                                                 unsigned depth, std::uint32_t generation)
{
    auto p = std::make_shared<pump>();
    p->s = session_;
    p->op = op;
    p->lun_index = lun_index;
    p->todo = std::move(extents);
    p->depth = std::max(depth, 1U);
    p->generation = generation;
    p->bs = block_size;
    p->progress = &progress;
    auto f = p->done.get_future();
    asio::dispatch(session_->get_executor(), [p] { p->go(); });
    return f;
}

run_result_stats session_rig::run(io_op op, std::uint64_t lun_index, std::vector<extent> extents, unsigned depth,
                                  std::uint32_t generation, std::chrono::seconds limit)
{
    auto f = start(op, lun_index, std::move(extents), depth, generation);
    if (f.wait_for(limit) != std::future_status::ready) {
        run_result_stats r;
        r.timed_out = true;
        return r;
    }
    return f.get();
}

std::vector<session::session_notice> session_rig::notices()
{
    std::lock_guard g(mutex_);
    return notices_;
}

std::size_t session_rig::count(session::session_notice::kind k)
{
    std::lock_guard g(mutex_);
    return static_cast<std::size_t>(std::count_if(notices_.begin(), notices_.end(), [k](auto const& n) { return n.what == k; }));
}

std::optional<text::negotiated_params> session_rig::params()
{
    auto p = std::make_shared<std::promise<std::optional<text::negotiated_params>>>();
    asio::dispatch(session_->get_executor(), [p, s = session_] {
        auto const* np = s->machine().params();
        p->set_value(np ? std::optional{*np} : std::nullopt);
    });
    return wait_bounded(p, 10s).value_or(std::nullopt);
}

} // namespace iscsi::test
