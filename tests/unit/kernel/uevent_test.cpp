// The NETLINK_ISCSI messages byte by byte: the layout is kernel ABI
// (include/scsi/iscsi_if.h, struct iscsi_uevent), so each test pins offsets.
#include "iscsi/kernel/uevent.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace iscsi::kernel {
namespace {

template <class T>
T at(message const& m, std::size_t offset)
{
    T v{};
    std::memcpy(&v, m.data() + offset, sizeof v);
    return v;
}

// Offsets inside a message: the netlink header (16), then the uevent.
constexpr std::size_t ev = nlmsg_header_size;
constexpr std::size_t u = ev + 16;
constexpr std::size_t r = ev + 40;

constexpr request_header hdr{.transport_handle = 0xffff'8880'1234'5678ULL, .seq = 7, .port_id = 4242};

TEST(Uevent, CreateSessionCarriesInitialCmdSnAndQueueSizes)
{
    auto m = create_session(hdr, 1, 128, 32);
    ASSERT_EQ(m.size(), 72U);
    EXPECT_EQ(at<std::uint32_t>(m, 0), 72U);                   // nlmsg_len
    EXPECT_EQ(at<std::uint16_t>(m, 4), 11U);                   // nlmsg_type = CREATE_SESSION
    EXPECT_EQ(at<std::uint16_t>(m, 6), 1U);                    // NLM_F_REQUEST
    EXPECT_EQ(at<std::uint32_t>(m, 8), 7U);                    // seq
    EXPECT_EQ(at<std::uint32_t>(m, 12), 4242U);                // pid
    EXPECT_EQ(at<std::uint32_t>(m, ev), 11U);                  // ev->type
    EXPECT_EQ(at<std::uint32_t>(m, ev + 4), 0U);               // iferror
    EXPECT_EQ(at<std::uint64_t>(m, ev + 8), hdr.transport_handle);
    EXPECT_EQ(at<std::uint32_t>(m, u), 1U);                    // initial_cmdsn
    EXPECT_EQ(at<std::uint16_t>(m, u + 4), 128U);              // cmds_max
    EXPECT_EQ(at<std::uint16_t>(m, u + 6), 32U);               // queue_depth
}

TEST(Uevent, BindConnPassesTheSocketDescriptorAsEndpointHandle)
{
    auto m = bind_conn(hdr, {.sid = 3, .cid = 0}, 17, true);
    EXPECT_EQ(at<std::uint16_t>(m, 4), 15U);
    EXPECT_EQ(at<std::uint32_t>(m, u), 3U);
    EXPECT_EQ(at<std::uint32_t>(m, u + 4), 0U);
    EXPECT_EQ(at<std::uint64_t>(m, u + 8), 17U);               // transport_eph
    EXPECT_EQ(at<std::uint32_t>(m, u + 16), 1U);               // is_leading
}

TEST(Uevent, SetParamAppendsTheValueAsACString)
{
    auto m = set_param(hdr, {.sid = 3, .cid = 0}, param::target_name, "iqn.x:y");
    EXPECT_EQ(at<std::uint32_t>(m, 0), 16U + 56U + 8U);         // value with its NUL
    EXPECT_EQ(m.size(), 80U);                                   // padded to 4
    EXPECT_EQ(at<std::uint32_t>(m, u + 8), 15U);                // ISCSI_PARAM_TARGET_NAME
    EXPECT_EQ(at<std::uint32_t>(m, u + 12), 8U);                // len
    EXPECT_EQ(std::memcmp(m.data() + 72, "iqn.x:y\0", 8), 0);
}

TEST(Uevent, StopConnSaysWhy)
{
    auto m = stop_conn(hdr, {.sid = 5, .cid = 0}, stop_flag::recover);
    EXPECT_EQ(at<std::uint16_t>(m, 4), 18U);
    EXPECT_EQ(at<std::uint32_t>(m, u), 5U);
    EXPECT_EQ(at<std::uint64_t>(m, u + 8), 0U);                 // conn_handle (unused)
    EXPECT_EQ(at<std::uint32_t>(m, u + 16), 3U);                // STOP_CONN_RECOVER
}

TEST(Uevent, SendPduPutsHeaderThenData)
{
    std::array<std::byte, 48> bhs{};
    bhs[0] = std::byte{0x46}; // immediate Logout Request
    std::array<std::byte, 3> data{std::byte{1}, std::byte{2}, std::byte{3}};
    auto m = send_pdu(hdr, {.sid = 1, .cid = 0}, bhs, data);
    EXPECT_EQ(at<std::uint32_t>(m, 0), 16U + 56U + 51U);
    EXPECT_EQ(at<std::uint32_t>(m, u + 8), 48U);                // hdr_size
    EXPECT_EQ(at<std::uint32_t>(m, u + 12), 3U);                // data_size
    EXPECT_EQ(m[72], std::byte{0x46});
    EXPECT_EQ(m[72 + 48 + 2], std::byte{3});
}

// What the kernel sends: the request's uevent with the return union filled.
// Replies are unicast with the request's type as netlink type; events are
// multicast with netlink type 0 and the event in the uevent.
message kernel_message(std::uint32_t type, std::uint32_t seq, std::initializer_list<std::uint32_t> r_words,
                       std::int32_t iferror = 0, std::size_t extra = 0, std::uint32_t ev_type = 0)
{
    message m(16 + 56 + extra);
    auto put32 = [&](std::size_t off, std::uint32_t v) { std::memcpy(m.data() + off, &v, 4); };
    put32(0, static_cast<std::uint32_t>(m.size()));
    std::uint16_t const t16 = type >= 100 ? 0 : static_cast<std::uint16_t>(type);
    std::memcpy(m.data() + 4, &t16, 2);
    put32(8, seq);
    put32(ev, ev_type != 0 ? ev_type : type);
    put32(ev + 4, static_cast<std::uint32_t>(iferror));
    std::size_t off = r;
    for (auto w : r_words) {
        put32(off, w);
        off += 4;
    }
    return m;
}

TEST(Uevent, CreateSessionReplyGivesSidAndHost)
{
    incoming in;
    auto m = kernel_message(11, 7, {4, 2});
    auto used = decode(m, in);
    ASSERT_TRUE(used);
    EXPECT_EQ(*used, m.size());
    auto const* rep = std::get_if<reply>(&in);
    ASSERT_NE(rep, nullptr);
    EXPECT_EQ(rep->type, uevent::create_session);
    EXPECT_EQ(rep->seq, 7U);
    EXPECT_EQ(rep->iferror, 0);
    EXPECT_EQ(rep->ret0, 4U); // sid
    EXPECT_EQ(rep->ret1, 2U); // host_no
}

TEST(Uevent, FailedRequestComesBackAsIfErrorWithNegativeErrno)
{
    incoming in;
    auto m = kernel_message(16, 9, {0}, -107, 0, 103); // SET_PARAM: -ENOTCONN
    ASSERT_TRUE(decode(m, in));
    auto const& rep = std::get<reply>(in);
    EXPECT_EQ(rep.type, uevent::set_param);
    EXPECT_EQ(rep.iferror, -107);
}

TEST(Uevent, BindFailureIsInRetcode)
{
    incoming in;
    auto m = kernel_message(15, 9, {static_cast<std::uint32_t>(-17)}); // -EEXIST: no such fd
    ASSERT_TRUE(decode(m, in));
    EXPECT_EQ(std::get<reply>(in).iferror, 0);
    EXPECT_EQ(std::get<reply>(in).retcode, -17);
}

TEST(Uevent, ConnErrorEventNamesConnectionAndReason)
{
    incoming in;
    auto m = kernel_message(102, 0, {6, 0, 1020});
    ASSERT_TRUE(decode(m, in));
    auto const& e = std::get<conn_error_event>(in);
    EXPECT_EQ(e.conn.sid, 6U);
    EXPECT_EQ(e.conn.cid, 0U);
    EXPECT_EQ(e.error, conn_error_code::tcp_conn_close);
    EXPECT_EQ(describe(e.error), "TCP connection closed");
}

TEST(Uevent, RecvPduEventCarriesThePduAfterTheUevent)
{
    incoming in;
    auto m = kernel_message(101, 0, {1, 0}, 0, 48);
    m[72] = std::byte{0x26}; // Logout Response
    ASSERT_TRUE(decode(m, in));
    auto const& e = std::get<recv_pdu_event>(in);
    ASSERT_EQ(e.pdu.size(), 48U);
    EXPECT_EQ(e.pdu[0], std::byte{0x26});
}

TEST(Uevent, SessionDestroyedEventHasHostThenSid)
{
    incoming in;
    ASSERT_TRUE(decode(kernel_message(104, 0, {2, 9}), in));
    auto const& e = std::get<session_event>(in);
    EXPECT_EQ(e.host_no, 2U);
    EXPECT_EQ(e.sid, 9U);
}

TEST(Uevent, NetlinkErrorBecomesAFailedReply)
{
    // struct nlmsgerr: error, then the offending request's netlink header.
    message m(16 + 4 + 16);
    std::uint32_t len = static_cast<std::uint32_t>(m.size());
    std::uint16_t type = 2; // NLMSG_ERROR
    std::int32_t err = -1;  // -EPERM
    std::uint16_t req_type = 11;
    std::uint32_t req_seq = 5;
    std::memcpy(m.data(), &len, 4);
    std::memcpy(m.data() + 4, &type, 2);
    std::memcpy(m.data() + 16, &err, 4);
    std::memcpy(m.data() + 20 + 4, &req_type, 2);
    std::memcpy(m.data() + 20 + 8, &req_seq, 4);
    incoming in;
    ASSERT_TRUE(decode(m, in));
    auto const& rep = std::get<reply>(in);
    EXPECT_EQ(rep.iferror, -1);
    EXPECT_EQ(rep.type, uevent::create_session);
    EXPECT_EQ(rep.seq, 5U);
}

TEST(Uevent, DecodeAllSplitsADatagramAtEverySizeBoundary)
{
    auto a = kernel_message(102, 0, {1, 0, 1011});
    auto b = kernel_message(17, 3, {0});
    message both = a;
    both.insert(both.end(), b.begin(), b.end());
    auto all = decode_all(both);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2U);
    EXPECT_TRUE(std::holds_alternative<conn_error_event>((*all)[0]));
    EXPECT_EQ(std::get<reply>((*all)[1]).seq, 3U);
    // Every truncation of the datagram is reported, never read past.
    for (std::size_t n = 1; n < a.size(); ++n) {
        incoming in;
        EXPECT_FALSE(decode(std::span<std::byte const>(a.data(), n), in)) << n;
    }
}

TEST(Uevent, LengthBelowHeaderIsRejected)
{
    auto m = kernel_message(102, 0, {1, 0, 1011});
    std::uint32_t bad = 8;
    std::memcpy(m.data(), &bad, 4);
    incoming in;
    auto used = decode(m, in);
    ASSERT_FALSE(used);
    EXPECT_EQ(used.error(), make_error_code(errc::bad_length));
}

} // namespace
} // namespace iscsi::kernel

namespace iscsi::kernel {
namespace {

// GET_STATS is answered on the event group: netlink type 0, the uevent's
// type GET_STATS with sid/cid in the request union, then struct iscsi_stats.
TEST(Uevent, StatsEventCarriesTheMibCountersAndTheTransportsOwn)
{
    std::size_t const stats_size = 96 + 2 * 72;
    message m(16 + 56 + stats_size);
    auto put32 = [&](std::size_t off, std::uint32_t v) { std::memcpy(m.data() + off, &v, 4); };
    auto put64 = [&](std::size_t off, std::uint64_t v) { std::memcpy(m.data() + off, &v, 8); };
    put32(0, static_cast<std::uint32_t>(m.size()));
    put32(ev, 20);      // ev->type = GET_STATS
    put32(u, 3);        // u.get_stats.sid
    put32(u + 4, 0);    // u.get_stats.cid
    std::size_t const st = 16 + 56;
    put64(st, 1408);    // txdata_octets
    put64(st + 8, 13960);
    put32(st + 16 + 4 * 1, 19);  // scsicmd_pdus
    put32(st + 16 + 4 * 18, 2);  // timeout_err
    put32(st + 92, 2);           // custom_length
    std::memcpy(m.data() + st + 96, "tx_sendpage_failures", 20);
    put64(st + 96 + 64, 7);
    std::memcpy(m.data() + st + 96 + 72, "eh_abort_cnt", 12);
    put64(st + 96 + 72 + 64, 1);
    incoming in;
    ASSERT_TRUE(decode(m, in));
    auto const& e = std::get<stats_event>(in);
    EXPECT_EQ(e.conn.sid, 3U);
    ASSERT_EQ(e.counters.size(), 21U);
    EXPECT_EQ(e.counters[0], (std::pair<std::string, std::uint64_t>{"txdata_octets", 1408}));
    EXPECT_EQ(e.counters[1].second, 13960U);
    EXPECT_EQ(e.counters[3], (std::pair<std::string, std::uint64_t>{"scsicmd_pdus", 19}));
    EXPECT_EQ(e.counters[20], (std::pair<std::string, std::uint64_t>{"timeout_err", 2}));
    ASSERT_EQ(e.custom.size(), 2U);
    EXPECT_EQ(e.custom[0], (std::pair<std::string, std::uint64_t>{"tx_sendpage_failures", 7}));
    EXPECT_EQ(e.custom[1], (std::pair<std::string, std::uint64_t>{"eh_abort_cnt", 1}));
}

TEST(Uevent, GetStatsRequestNamesTheConnection)
{
    auto m = get_stats(hdr, {.sid = 9, .cid = 0});
    EXPECT_EQ(at<std::uint16_t>(m, 4), 20U);
    EXPECT_EQ(at<std::uint32_t>(m, u), 9U);
}

} // namespace
} // namespace iscsi::kernel
