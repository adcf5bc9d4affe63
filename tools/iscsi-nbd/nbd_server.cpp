#include "nbd_server.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <span>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace iscsi::tools {

namespace {

// Handshake (proto.md "Fixed newstyle negotiation").
constexpr std::uint64_t nbd_magic = 0x4e42444d41474943ULL;  // "NBDMAGIC"
constexpr std::uint64_t opt_magic = 0x49484156454f5054ULL;  // "IHAVEOPT"
constexpr std::uint64_t rep_magic = 0x3e889045565a9ULL;
constexpr std::uint16_t flag_fixed_newstyle = 1U << 0U;
constexpr std::uint16_t flag_no_zeroes = 1U << 1U;
constexpr std::uint32_t opt_export_name = 1, opt_abort = 2, opt_list = 3, opt_info = 6, opt_go = 7;
constexpr std::uint32_t rep_ack = 1, rep_server = 2, rep_info = 3;
constexpr std::uint32_t rep_err_unsup = 0x80000001U, rep_err_invalid = 0x80000003U, rep_err_unknown = 0x80000006U;
constexpr std::uint16_t info_export = 0, info_block_size = 3;
constexpr std::uint32_t max_option_length = 64 * 1024;
// Transmission (proto.md "Transmission phase").
constexpr std::uint16_t tflag_has_flags = 1U << 0U, tflag_send_flush = 1U << 2U, tflag_send_fua = 1U << 3U,
                        tflag_send_trim = 1U << 5U, tflag_send_write_zeroes = 1U << 6U, tflag_can_multi_conn = 1U << 8U;
/// What every export offers; a flush is SYNCHRONIZE CACHE of the whole LU,
/// so it covers writes from every connection (multi-conn).
constexpr std::uint16_t transmission_flags = tflag_has_flags | tflag_send_flush | tflag_send_fua | tflag_send_trim |
                                             tflag_send_write_zeroes | tflag_can_multi_conn;
constexpr std::uint32_t request_magic = 0x25609513U, simple_reply_magic = 0x67446698U;
constexpr std::uint16_t cmd_read = 0, cmd_write = 1, cmd_disc = 2, cmd_flush = 3, cmd_trim = 4, cmd_write_zeroes = 6;
constexpr std::uint16_t cmd_flag_fua = 1U << 0U, cmd_flag_no_hole = 1U << 1U;
constexpr std::uint32_t max_request_bytes = 32U << 20U; // advertised as the maximum block size
// NBD error values are these Linux errnos.
constexpr std::uint32_t nbd_eperm = 1, nbd_eio = 5, nbd_einval = 22, nbd_enospc = 28;

class byte_writer {
public:
    byte_writer& u16(std::uint16_t v) { return put(v, 2); }
    byte_writer& u32(std::uint32_t v) { return put(v, 4); }
    byte_writer& u64(std::uint64_t v) { return put(v, 8); }
    byte_writer& bytes(std::span<char const> b)
    {
        out.insert(out.end(), b.begin(), b.end());
        return *this;
    }
    std::vector<char> out;

private:
    byte_writer& put(std::uint64_t v, int n)
    {
        for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffU));
        return *this;
    }
};

std::uint64_t be(char const* p, int n)
{
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8U) | static_cast<unsigned char>(p[i]);
    return v;
}

/// Blocking socket helpers; false when the peer went away.
bool read_all(int fd, void* buf, std::size_t n)
{
    auto* p = static_cast<char*>(buf);
    while (n > 0) {
        ssize_t const r = ::recv(fd, p, n, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}
bool write_all(int fd, void const* buf, std::size_t n)
{
    auto const* p = static_cast<char const*>(buf);
    while (n > 0) {
        ssize_t const r = ::send(fd, p, n, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

std::uint32_t nbd_error(std::error_code ec)
{
    switch (blockdev::to_errno(ec)) {
    case ENOSPC: return nbd_enospc;
    case EROFS: return nbd_eperm;
    default: return nbd_eio;
    }
}

struct request {
    std::uint16_t flags = 0;
    std::uint16_t type = 0;
    std::uint64_t handle = 0;
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
    std::vector<char> data; ///< NBD_CMD_WRITE payload
};

/// One client connection: handshake, then the transmission phase.
class connection {
public:
    connection(int fd, std::map<std::string, blockdev::lun_device*> const& exports, unsigned workers)
        : fd_(fd), exports_(exports), workers_(workers)
    {
    }
    void run();

private:
    /// The export chosen, or nullptr when the client left during the handshake.
    blockdev::lun_device* handshake();
    bool read_option(std::uint32_t& option, std::vector<char>& data);
    blockdev::lun_device* export_name(std::vector<char> const& data);
    bool list(std::vector<char> const& data);
    bool option_reply(std::uint32_t option, std::uint32_t type, std::span<char const> data = {});
    bool go_or_info(std::uint32_t option, std::vector<char> const& data, blockdev::lun_device*& chosen);
    blockdev::lun_device* find(std::string const& name) const;
    void transmission(blockdev::lun_device& dev);
    void work(blockdev::lun_device& dev);
    void reply(std::uint64_t handle, std::uint32_t error, std::span<char const> data = {});
    std::uint32_t execute(blockdev::lun_device& dev, request& r, std::vector<char>& out);

    int fd_;
    std::map<std::string, blockdev::lun_device*> const& exports_;
    unsigned workers_;
    bool no_zeroes_ = false;
    std::string why_; ///< why the connection ended, if not cleanly

    std::mutex m_;
    std::condition_variable cv_;
    std::deque<request> queue_;
    bool stopping_ = false;
    std::mutex write_m_;
    std::atomic<bool> broken_{false};
};

blockdev::lun_device* connection::find(std::string const& name) const
{
    if (name.empty()) return exports_.empty() ? nullptr : exports_.begin()->second;
    auto it = exports_.find(name);
    return it == exports_.end() ? nullptr : it->second;
}

bool connection::option_reply(std::uint32_t option, std::uint32_t type, std::span<char const> data)
{
    byte_writer w;
    w.u64(rep_magic).u32(option).u32(type).u32(static_cast<std::uint32_t>(data.size())).bytes(data);
    return write_all(fd_, w.out.data(), w.out.size());
}

/// NBD_OPT_INFO / NBD_OPT_GO: name length, name, number of info requests, requests.
bool connection::go_or_info(std::uint32_t option, std::vector<char> const& data, blockdev::lun_device*& chosen)
{
    if (data.size() < 6) return option_reply(option, rep_err_invalid);
    std::uint64_t const name_len = be(data.data(), 4);
    if (data.size() < 4 + name_len + 2) return option_reply(option, rep_err_invalid);
    std::string const name(data.data() + 4, name_len);
    std::uint64_t const n_req = be(data.data() + 4 + name_len, 2);
    if (data.size() != 4 + name_len + 2 + 2 * n_req) return option_reply(option, rep_err_invalid);
    auto* dev = find(name);
    if (!dev) {
        std::string const msg = "no export named \"" + name + "\"";
        return option_reply(option, rep_err_unknown, msg);
    }
    bool wants_block_size = false;
    for (std::uint64_t i = 0; i < n_req; ++i)
        if (be(data.data() + 4 + name_len + 2 + 2 * i, 2) == info_block_size) wants_block_size = true;
    byte_writer info;
    info.u16(info_export).u64(dev->size()).u16(transmission_flags);
    if (!option_reply(option, rep_info, info.out)) return false;
    if (wants_block_size) {
        byte_writer bs;
        bs.u16(info_block_size).u32(1).u32(std::max<std::uint32_t>(dev->geom().block_size, 4096)).u32(max_request_bytes);
        if (!option_reply(option, rep_info, bs.out)) return false;
    }
    if (!option_reply(option, rep_ack)) return false;
    if (option == opt_go) chosen = dev;
    return true;
}

/// One option request: its header (magic, option, length), then its data.
bool connection::read_option(std::uint32_t& option, std::vector<char>& data)
{
    std::array<char, 16> head{};
    if (!read_all(fd_, head.data(), head.size())) return false;
    if (be(head.data(), 8) != opt_magic) {
        why_ = "bad option magic";
        return false;
    }
    option = static_cast<std::uint32_t>(be(head.data() + 8, 4));
    auto const len = static_cast<std::uint32_t>(be(head.data() + 12, 4));
    if (len > max_option_length) {
        why_ = "option of " + std::to_string(len) + " bytes";
        return false;
    }
    data.assign(len, 0);
    return len == 0 || read_all(fd_, data.data(), len);
}

/// NBD_OPT_EXPORT_NAME: no error reply exists for it, so an unknown name
/// ends the connection.
blockdev::lun_device* connection::export_name(std::vector<char> const& data)
{
    std::string const name(data.begin(), data.end());
    auto* dev = find(name);
    if (!dev) {
        why_ = "unknown export \"" + name + "\"";
        return nullptr;
    }
    byte_writer w;
    w.u64(dev->size()).u16(transmission_flags);
    if (!no_zeroes_) w.out.resize(w.out.size() + 124, 0);
    return write_all(fd_, w.out.data(), w.out.size()) ? dev : nullptr;
}

/// NBD_OPT_LIST: one NBD_REP_SERVER per export, then the ACK.
bool connection::list(std::vector<char> const& data)
{
    if (!data.empty()) return option_reply(opt_list, rep_err_invalid);
    for (auto const& [name, dev] : exports_) {
        byte_writer w;
        w.u32(static_cast<std::uint32_t>(name.size())).bytes(name);
        if (!option_reply(opt_list, rep_server, w.out)) return false;
    }
    return option_reply(opt_list, rep_ack);
}

blockdev::lun_device* connection::handshake()
{
    byte_writer hello;
    hello.u64(nbd_magic).u64(opt_magic).u16(flag_fixed_newstyle | flag_no_zeroes);
    if (!write_all(fd_, hello.out.data(), hello.out.size())) return nullptr;
    std::array<char, 4> cflags{};
    if (!read_all(fd_, cflags.data(), 4)) return nullptr;
    auto const client = static_cast<std::uint32_t>(be(cflags.data(), 4));
    if ((client & flag_fixed_newstyle) == 0) {
        why_ = "the client does not speak fixed newstyle";
        return nullptr;
    }
    no_zeroes_ = (client & flag_no_zeroes) != 0;
    std::uint32_t option = 0;
    std::vector<char> data;
    while (read_option(option, data)) {
        blockdev::lun_device* chosen = nullptr;
        bool ok = true;
        switch (option) {
        case opt_export_name: return export_name(data);
        case opt_abort: (void)option_reply(option, rep_ack); return nullptr;
        case opt_list: ok = list(data); break;
        case opt_info:
        case opt_go: ok = go_or_info(option, data, chosen); break;
        default: ok = option_reply(option, rep_err_unsup); // structured replies, TLS, meta contexts: not offered
        }
        if (!ok) return nullptr;
        if (chosen) return chosen;
    }
    return nullptr;
}

void connection::reply(std::uint64_t handle, std::uint32_t error, std::span<char const> data)
{
    byte_writer w;
    w.u32(simple_reply_magic).u32(error).u64(handle);
    std::lock_guard g(write_m_);
    if (!write_all(fd_, w.out.data(), w.out.size()) || (!data.empty() && !write_all(fd_, data.data(), data.size())))
        broken_ = true;
}

std::uint32_t connection::execute(blockdev::lun_device& dev, request& r, std::vector<char>& out)
{
    bool const in_range = r.offset <= dev.size() && r.length <= dev.size() - r.offset;
    std::error_code ec;
    switch (r.type) {
    case cmd_read:
        if (!in_range) return nbd_einval;
        out.resize(r.length);
        ec = dev.read(r.offset, std::as_writable_bytes(std::span(out)));
        break;
    case cmd_write:
        if (!in_range) return nbd_enospc;
        ec = dev.write(r.offset, std::as_bytes(std::span(r.data)));
        break;
    case cmd_flush: ec = dev.flush(); break;
    case cmd_trim:
        if (!in_range) return nbd_einval;
        ec = dev.zero_range(r.offset, r.length, true);
        break;
    case cmd_write_zeroes:
        if (!in_range) return nbd_enospc;
        ec = dev.zero_range(r.offset, r.length, (r.flags & cmd_flag_no_hole) == 0);
        break;
    default: return nbd_einval;
    }
    if (!ec && (r.flags & cmd_flag_fua) != 0 && r.type != cmd_read && r.type != cmd_flush) ec = dev.flush();
    return ec ? nbd_error(ec) : 0;
}

void connection::work(blockdev::lun_device& dev)
{
    std::vector<char> out;
    for (;;) {
        request r;
        {
            std::unique_lock lock(m_);
            cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            r = std::move(queue_.front());
            queue_.pop_front();
        }
        out.clear();
        std::uint32_t const err = execute(dev, r, out);
        reply(r.handle, err, err == 0 && r.type == cmd_read ? std::span<char const>(out) : std::span<char const>{});
    }
}

void connection::transmission(blockdev::lun_device& dev)
{
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < workers_; ++i) pool.emplace_back([this, &dev] { work(dev); });
    for (;;) {
        std::array<char, 28> head{};
        if (!read_all(fd_, head.data(), head.size())) {
            why_ = "the client went away without NBD_CMD_DISC";
            break;
        }
        if (be(head.data(), 4) != request_magic) {
            why_ = "bad request magic";
            break;
        }
        request r;
        r.flags = static_cast<std::uint16_t>(be(head.data() + 4, 2));
        r.type = static_cast<std::uint16_t>(be(head.data() + 6, 2));
        r.handle = be(head.data() + 8, 8);
        r.offset = be(head.data() + 16, 8);
        r.length = static_cast<std::uint32_t>(be(head.data() + 24, 4));
        if (r.type == cmd_disc) break; // outstanding requests still get their replies
        if ((r.type == cmd_read || r.type == cmd_write) && r.length > max_request_bytes) {
            why_ = "request of " + std::to_string(r.length) + " bytes (the limit is " + std::to_string(max_request_bytes) + ")";
            break; // a write's payload cannot be skipped safely: end the connection
        }
        if (r.type == cmd_write) {
            r.data.resize(r.length);
            if (!read_all(fd_, r.data.data(), r.length)) {
                why_ = "the connection ended inside a write";
                break;
            }
        }
        {
            std::lock_guard g(m_);
            queue_.push_back(std::move(r));
        }
        cv_.notify_one();
        if (broken_) {
            why_ = "cannot send replies";
            break;
        }
    }
    {
        std::lock_guard g(m_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : pool) t.join();
}

void connection::run()
{
    if (auto* dev = handshake()) transmission(*dev);
    ::close(fd_);
    if (!why_.empty()) std::cerr << "iscsi-nbd: client connection ended: " << why_ << "\n";
}

} // namespace

void nbd_server::serve(int fd)
{
    connection c(fd, exports_, workers_);
    c.run();
}

} // namespace iscsi::tools
