#include "iscsi/kernel/uevent.hpp"

#include <array>
#include <cstring>
#include <string>

namespace iscsi::kernel {
namespace {

// struct iscsi_uevent (include/scsi/iscsi_if.h), 8-byte aligned, 56 bytes:
//   0 type u32 | 4 iferror u32 | 8 transport_handle u64
//   16 union u (requests, 24 bytes) | 40 union r (returns and events, 16 bytes)
constexpr std::size_t off_type = 0;
constexpr std::size_t off_iferror = 4;
constexpr std::size_t off_handle = 8;
constexpr std::size_t off_u = 16;
constexpr std::size_t off_r = 40;
static_assert(off_r + 16 == uevent_size);

// struct nlmsghdr: len u32, type u16, flags u16, seq u32, pid u32.
constexpr std::uint16_t nlmsg_error = 2;
constexpr std::uint16_t nlm_f_request = 1;

// Netlink is host byte order: copy native integers.
template <class T>
void put(std::span<std::byte> out, std::size_t at, T v) noexcept
{
    std::memcpy(out.data() + at, &v, sizeof v);
}

template <class T>
T get(std::span<std::byte const> in, std::size_t at) noexcept
{
    T v{};
    std::memcpy(&v, in.data() + at, sizeof v);
    return v;
}

constexpr std::size_t align4(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }

/// A netlink message holding a uevent of `type` plus `extra` bytes after it;
/// the caller fills the request union and the extra bytes.
message start(request_header const& h, uevent type, std::size_t extra = 0)
{
    std::size_t const len = nlmsg_header_size + uevent_size + extra;
    message m(align4(len));
    auto out = std::span<std::byte>(m);
    put<std::uint32_t>(out, 0, static_cast<std::uint32_t>(len));
    put<std::uint16_t>(out, 4, static_cast<std::uint16_t>(type));
    put<std::uint16_t>(out, 6, nlm_f_request);
    put<std::uint32_t>(out, 8, h.seq);
    put<std::uint32_t>(out, 12, h.port_id);
    auto ev = out.subspan(nlmsg_header_size);
    put<std::uint32_t>(ev, off_type, static_cast<std::uint32_t>(type));
    put<std::uint64_t>(ev, off_handle, h.transport_handle);
    return m;
}

std::span<std::byte> request_union(message& m)
{
    return std::span<std::byte>(m).subspan(nlmsg_header_size + off_u, 24);
}

message sid_cid(request_header const& h, uevent type, conn_ref c)
{
    message m = start(h, type);
    auto u = request_union(m);
    put<std::uint32_t>(u, 0, c.sid);
    put<std::uint32_t>(u, 4, c.cid);
    return m;
}

} // namespace

message create_session(request_header const& h, std::uint32_t initial_cmdsn, std::uint16_t cmds_max,
                       std::uint16_t queue_depth)
{
    message m = start(h, uevent::create_session);
    auto u = request_union(m);
    put<std::uint32_t>(u, 0, initial_cmdsn);
    put<std::uint16_t>(u, 4, cmds_max);
    put<std::uint16_t>(u, 6, queue_depth);
    return m;
}

message destroy_session(request_header const& h, std::uint32_t sid)
{
    message m = start(h, uevent::destroy_session);
    put<std::uint32_t>(request_union(m), 0, sid);
    return m;
}

message unbind_session(request_header const& h, std::uint32_t sid)
{
    message m = start(h, uevent::unbind_session);
    put<std::uint32_t>(request_union(m), 0, sid);
    return m;
}

message create_conn(request_header const& h, conn_ref c) { return sid_cid(h, uevent::create_conn, c); }
message destroy_conn(request_header const& h, conn_ref c) { return sid_cid(h, uevent::destroy_conn, c); }
message start_conn(request_header const& h, conn_ref c) { return sid_cid(h, uevent::start_conn, c); }
message get_stats(request_header const& h, conn_ref c) { return sid_cid(h, uevent::get_stats, c); }

message bind_conn(request_header const& h, conn_ref c, int fd, bool leading)
{
    message m = sid_cid(h, uevent::bind_conn, c);
    auto u = request_union(m);
    put<std::uint64_t>(u, 8, static_cast<std::uint64_t>(fd));
    put<std::uint32_t>(u, 16, leading ? 1U : 0U);
    return m;
}

message set_param(request_header const& h, conn_ref c, param p, std::string_view value)
{
    std::size_t const len = value.size() + 1; // the kernel parses a C string
    message m = start(h, uevent::set_param, len);
    auto u = request_union(m);
    put<std::uint32_t>(u, 0, c.sid);
    put<std::uint32_t>(u, 4, c.cid);
    put<std::uint32_t>(u, 8, static_cast<std::uint32_t>(p));
    put<std::uint32_t>(u, 12, static_cast<std::uint32_t>(len));
    std::memcpy(m.data() + nlmsg_header_size + uevent_size, value.data(), value.size());
    return m;
}

message stop_conn(request_header const& h, conn_ref c, stop_flag why)
{
    message m = sid_cid(h, uevent::stop_conn, c);
    put<std::uint32_t>(request_union(m), 16, static_cast<std::uint32_t>(why));
    return m;
}

message send_pdu(request_header const& h, conn_ref c, std::span<std::byte const> bhs,
                 std::span<std::byte const> data)
{
    message m = start(h, uevent::send_pdu, bhs.size() + data.size());
    auto u = request_union(m);
    put<std::uint32_t>(u, 0, c.sid);
    put<std::uint32_t>(u, 4, c.cid);
    put<std::uint32_t>(u, 8, static_cast<std::uint32_t>(bhs.size()));
    put<std::uint32_t>(u, 12, static_cast<std::uint32_t>(data.size()));
    std::byte* at = m.data() + nlmsg_header_size + uevent_size;
    if (!bhs.empty())
        std::memcpy(at, bhs.data(), bhs.size());
    if (!data.empty())
        std::memcpy(at + bhs.size(), data.data(), data.size());
    return m;
}

namespace {

/// A unicast answer to one of our requests: netlink type = the request's
/// type. A failed request comes back as ISCSI_KEVENT_IF_ERROR with a
/// negative errno in iferror; BIND/START/SEND_PDU put theirs in retcode.
reply decode_reply(std::uint16_t nl_type, std::uint32_t seq, std::span<std::byte const> ev)
{
    auto const r = ev.subspan(off_r, 16);
    reply rep;
    rep.type = static_cast<uevent>(nl_type);
    rep.seq = seq;
    rep.iferror = get<std::int32_t>(ev, off_iferror);
    rep.retcode = get<std::int32_t>(r, 0);
    rep.ret0 = get<std::uint32_t>(r, 0);
    rep.ret1 = get<std::uint32_t>(r, 4);
    return rep;
}

/// struct iscsi_stats after the uevent: two u64 octet counts, 19 u32 PDU
/// and error counts, u32 custom_length, then custom_length entries of
/// {char desc[64]; u64 value} at 8-byte alignment (offset 96).
stats_event decode_stats(conn_ref conn, std::span<std::byte const> st)
{
    static constexpr std::array<char const*, 19> names{
        "noptx_pdus",  "scsicmd_pdus", "tmfcmd_pdus", "login_pdus",     "text_pdus", "dataout_pdus", "logout_pdus",
        "snack_pdus",  "noprx_pdus",   "scsirsp_pdus", "tmfrsp_pdus",   "textrsp_pdus", "datain_pdus",
        "logoutrsp_pdus", "r2t_pdus",  "async_pdus",  "rjt_pdus",       "digest_err", "timeout_err"};
    stats_event e;
    e.conn = conn;
    if (st.size() < 96)
        return e;
    e.counters.emplace_back("txdata_octets", get<std::uint64_t>(st, 0));
    e.counters.emplace_back("rxdata_octets", get<std::uint64_t>(st, 8));
    for (std::size_t i = 0; i < names.size(); ++i)
        e.counters.emplace_back(names[i], get<std::uint32_t>(st, 16 + 4 * i));
    auto const n = get<std::uint32_t>(st, 92);
    for (std::size_t i = 0; i < n && 96 + (i + 1) * 72 <= st.size(); ++i) {
        auto const at = 96 + i * 72;
        std::string desc(reinterpret_cast<char const*>(st.data() + at), 64);
        desc.resize(desc.find('\0') == std::string::npos ? desc.size() : desc.find('\0'));
        e.custom.emplace_back(std::move(desc), get<std::uint64_t>(st, at + 64));
    }
    return e;
}

/// An event the kernel multicast to the iscsid group (netlink type 0).
incoming decode_event(std::span<std::byte const> ev, std::span<std::byte const> extra)
{
    auto const type = get<std::uint32_t>(ev, off_type);
    auto const r = ev.subspan(off_r, 16);
    conn_ref const conn{get<std::uint32_t>(r, 0), get<std::uint32_t>(r, 4)};
    switch (static_cast<uevent>(type)) {
    case uevent::conn_error_event:
        return conn_error_event{conn, static_cast<conn_error_code>(get<std::uint32_t>(r, 8))};
    case uevent::recv_pdu_event:
        return recv_pdu_event{conn, std::vector<std::byte>(extra.begin(), extra.end())};
    case uevent::conn_login_state_event:
        return conn_login_event{conn, get<std::uint32_t>(r, 8)};
    case uevent::get_stats: { // the answer to GET_STATS: sid/cid in the request union
        auto const u = ev.subspan(off_u, 8);
        return decode_stats({get<std::uint32_t>(u, 0), get<std::uint32_t>(u, 4)}, extra);
    }
    case uevent::destroy_session_event: // msg_session_destroyed: host_no, sid
        return session_event{uevent::destroy_session_event, get<std::uint32_t>(r, 4),
                             get<std::uint32_t>(r, 0)};
    case uevent::create_session_event: // msg_create_session_ret: sid, host_no
    case uevent::unbind_session_event: // msg_unbind_session: sid, host_no
        return session_event{static_cast<uevent>(type), get<std::uint32_t>(r, 0), get<std::uint32_t>(r, 4)};
    default:
        return other_event{type};
    }
}

} // namespace

result<std::size_t> decode(std::span<std::byte const> in, incoming& out)
{
    if (in.size() < nlmsg_header_size)
        return make_error_code(errc::truncated);
    auto const len = get<std::uint32_t>(in, 0);
    auto const nl_type = get<std::uint16_t>(in, 4);
    auto const seq = get<std::uint32_t>(in, 8);
    if (len < nlmsg_header_size)
        return make_error_code(errc::bad_length);
    if (len > in.size())
        return make_error_code(errc::truncated);
    auto const body = in.subspan(nlmsg_header_size, len - nlmsg_header_size);
    if (nl_type == nlmsg_error) {
        // struct nlmsgerr: int error, then the offending request's header.
        if (body.size() < 4 + nlmsg_header_size)
            return make_error_code(errc::truncated);
        reply rep;
        rep.iferror = get<std::int32_t>(body, 0);
        rep.type = static_cast<uevent>(get<std::uint16_t>(body, 4 + 4));
        rep.seq = get<std::uint32_t>(body, 4 + 8);
        out = rep;
    } else {
        if (body.size() < uevent_size)
            return make_error_code(errc::truncated);
        auto const ev = body.first(uevent_size);
        if (nl_type != 0 && nl_type < 100)
            out = decode_reply(nl_type, seq, ev);
        else
            out = decode_event(ev, body.subspan(uevent_size));
    }
    return std::min<std::size_t>(align4(len), in.size());
}

result<std::vector<incoming>> decode_all(std::span<std::byte const> datagram)
{
    std::vector<incoming> all;
    while (datagram.size() >= nlmsg_header_size) {
        incoming one;
        auto used = decode(datagram, one);
        if (!used)
            return used.error();
        all.push_back(std::move(one));
        datagram = datagram.subspan(*used);
    }
    return all;
}

std::string_view describe(conn_error_code e) noexcept
{
    switch (e) {
    case conn_error_code::datasn: return "bad DataSN";
    case conn_error_code::data_offset: return "bad buffer offset";
    case conn_error_code::max_cmdsn: return "bad MaxCmdSN";
    case conn_error_code::exp_cmdsn: return "bad ExpCmdSN";
    case conn_error_code::bad_opcode: return "bad opcode";
    case conn_error_code::datalen: return "bad data segment length";
    case conn_error_code::ahslen: return "bad AHS length";
    case conn_error_code::proto: return "protocol error";
    case conn_error_code::lun: return "bad LUN";
    case conn_error_code::bad_itt: return "bad ITT";
    case conn_error_code::conn_failed: return "connection failed";
    case conn_error_code::r2tsn: return "bad R2TSN";
    case conn_error_code::session_failed: return "session failed";
    case conn_error_code::hdr_dgst: return "header digest error";
    case conn_error_code::data_dgst: return "data digest error";
    case conn_error_code::param_not_found: return "parameter not found";
    case conn_error_code::no_scsi_cmd: return "no SCSI command";
    case conn_error_code::invalid_host: return "invalid host";
    case conn_error_code::xmit_failed: return "transmit failed";
    case conn_error_code::tcp_conn_close: return "TCP connection closed";
    case conn_error_code::scsi_eh_session_rst: return "session reset by SCSI error handling";
    case conn_error_code::nop_timedout: return "NOP-Out timed out";
    }
    return "unknown connection error";
}

namespace {

class category final : public error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "iscsi.kernel"; }
    [[nodiscard]] std::string message(int v) const override
    {
        switch (static_cast<errc>(v)) {
        case errc::truncated: return "netlink message truncated";
        case errc::bad_length: return "netlink message length below its header";
        }
        return "unknown kernel interface error";
    }
    [[nodiscard]] recovery recovery_of(int) const noexcept override { return recovery::fail_session; }
};

} // namespace

std::error_code make_error_code(errc e) noexcept
{
    static category const cat;
    return {static_cast<int>(e), cat};
}

} // namespace iscsi::kernel
