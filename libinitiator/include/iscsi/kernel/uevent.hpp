/**
 * @file
 * The kernel's iSCSI transport class interface (scsi_transport_iscsi,
 * NETLINK_ISCSI): the messages a daemon sends to hand a logged-in connection
 * to a kernel transport such as iscsi_tcp, and the events the kernel sends
 * back. Encoding and decoding only (STYLE habit 1): bytes in, bytes out; the
 * daemon owns the socket.
 *
 * Every message is one netlink message (struct nlmsghdr, host byte order)
 * whose type is the event number and whose payload is the kernel's 56-byte
 * `struct iscsi_uevent` (include/scsi/iscsi_if.h), optionally followed by a
 * value (SET_PARAM) or a PDU (SEND_PDU, RECV_PDU). The layout is kernel ABI:
 * offsets are spelled out in uevent.cpp and pinned by tests.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace iscsi::kernel {

/// NETLINK_ISCSI, the netlink protocol number of scsi_transport_iscsi.
inline constexpr int netlink_iscsi = 8;
/// The multicast group the kernel sends connection events to.
inline constexpr std::uint32_t group_iscsid = 1;
inline constexpr std::size_t nlmsg_header_size = 16;
inline constexpr std::size_t uevent_size = 56;

/// enum iscsi_uevent_e: requests (10 + n) and kernel events (100 + n).
enum class uevent : std::uint32_t {
    create_session = 11,
    destroy_session = 12,
    create_conn = 13,
    destroy_conn = 14,
    bind_conn = 15,
    set_param = 16,
    start_conn = 17,
    stop_conn = 18,
    send_pdu = 19,
    get_stats = 20,
    get_param = 21,
    unbind_session = 27,
    recv_pdu_event = 101,
    conn_error_event = 102,
    if_error_event = 103,
    destroy_session_event = 104,
    unbind_session_event = 105,
    create_session_event = 106,
    conn_login_state_event = 109,
};

/// enum iscsi_param: the parameters SET_PARAM carries (values as text).
enum class param : std::uint32_t {
    max_recv_dlength = 0,
    max_xmit_dlength = 1,
    hdrdgst_en = 2,
    datadgst_en = 3,
    initial_r2t_en = 4,
    max_r2t = 5,
    imm_data_en = 6,
    first_burst = 7,
    max_burst = 8,
    pdu_inorder_en = 9,
    dataseq_inorder_en = 10,
    erl = 11,
    ifmarker_en = 12,
    ofmarker_en = 13,
    exp_statsn = 14,
    target_name = 15,
    tpgt = 16,
    persistent_address = 17,
    persistent_port = 18,
    sess_recovery_tmo = 19,
    conn_port = 20,
    conn_address = 21,
    username = 22,
    username_in = 23,
    password = 24,
    password_in = 25,
    fast_abort = 26,
    abort_tmo = 27,
    lu_reset_tmo = 28,
    host_reset_tmo = 29,
    ping_tmo = 30,
    recv_tmo = 31,
    iface_name = 32,
    isid = 33,
    initiator_name = 34,
    tgt_reset_tmo = 35,
    target_alias = 36,
    def_time2wait = 49,
    def_time2retain = 50,
    tsid = 55,
    def_taskmgmt_tmo = 56,
};

/// Why a connection is stopped (STOP_CONN_*).
enum class stop_flag : std::uint32_t {
    terminate = 1, ///< for good: logout or destroy follows
    suspend = 2,
    recover = 3,   ///< ERL 0 recovery: a new connection will be bound
};

/// enum iscsi_err: why the kernel reports a connection error.
enum class conn_error_code : std::uint32_t {
    datasn = 1001,
    data_offset = 1002,
    max_cmdsn = 1003,
    exp_cmdsn = 1004,
    bad_opcode = 1005,
    datalen = 1006,
    ahslen = 1007,
    proto = 1008,
    lun = 1009,
    bad_itt = 1010,
    conn_failed = 1011,
    r2tsn = 1012,
    session_failed = 1013,
    hdr_dgst = 1014,
    data_dgst = 1015,
    param_not_found = 1016,
    no_scsi_cmd = 1017,
    invalid_host = 1018,
    xmit_failed = 1019,
    tcp_conn_close = 1020,
    scsi_eh_session_rst = 1021,
    nop_timedout = 1022,
};

/// A name for logs: "TCP connection closed", "NOP-Out timed out", ...
[[nodiscard]] std::string_view describe(conn_error_code e) noexcept;

// ---- requests (daemon -> kernel) ------------------------------------------

/// Identifies a kernel session (sysfs "sessionN") and its connection.
struct conn_ref {
    std::uint32_t sid = 0;
    std::uint32_t cid = 0;
};

struct request_header {
    std::uint64_t transport_handle = 0; ///< /sys/class/iscsi_transport/NAME/handle
    std::uint32_t seq = 0;              ///< netlink sequence number
    std::uint32_t port_id = 0;          ///< our netlink port (0: the kernel fills it)
};

using message = std::vector<std::byte>;

[[nodiscard]] message create_session(request_header const& h, std::uint32_t initial_cmdsn,
                                     std::uint16_t cmds_max, std::uint16_t queue_depth);
[[nodiscard]] message destroy_session(request_header const& h, std::uint32_t sid);
/// Removes the session's SCSI target (its disks) but keeps the session.
[[nodiscard]] message unbind_session(request_header const& h, std::uint32_t sid);
[[nodiscard]] message create_conn(request_header const& h, conn_ref c);
[[nodiscard]] message destroy_conn(request_header const& h, conn_ref c);
/// Binds the connected, logged-in socket `fd` (a descriptor of the sending
/// process: the kernel looks it up while handling the message).
[[nodiscard]] message bind_conn(request_header const& h, conn_ref c, int fd, bool leading);
/// `value` is sent as text with a terminating NUL, as the kernel parses it.
[[nodiscard]] message set_param(request_header const& h, conn_ref c, param p, std::string_view value);
[[nodiscard]] message start_conn(request_header const& h, conn_ref c);
[[nodiscard]] message stop_conn(request_header const& h, conn_ref c, stop_flag why);
/// Asks for the connection's counters; the kernel answers with a
/// stats_event on the event group (no unicast reply when it works).
[[nodiscard]] message get_stats(request_header const& h, conn_ref c);

/// A PDU the kernel sends on the bound connection (it assigns the ITT and,
/// for non-immediate PDUs, the CmdSN); used for Logout.
[[nodiscard]] message send_pdu(request_header const& h, conn_ref c, std::span<std::byte const> bhs,
                               std::span<std::byte const> data);

// ---- what the kernel sends back ------------------------------------------

/// The kernel's answer to a request: the request's own uevent, with
/// `iferror` (a negative errno, 0 if fine) and the return fields filled.
struct reply {
    uevent type{};
    std::uint32_t seq = 0;
    int iferror = 0;
    /// r.retcode, or the first word of the return union.
    int retcode = 0;
    std::uint32_t ret0 = 0; ///< c_session_ret.sid / c_conn_ret.sid
    std::uint32_t ret1 = 0; ///< c_session_ret.host_no / c_conn_ret.cid
};

struct conn_error_event {
    conn_ref conn;
    conn_error_code error{};
};

struct recv_pdu_event {
    conn_ref conn;
    std::vector<std::byte> pdu; ///< BHS, then the data segment
};

struct session_event {
    uevent type{}; ///< create/destroy/unbind session
    std::uint32_t sid = 0;
    std::uint32_t host_no = 0;
};

struct conn_login_event {
    conn_ref conn;
    std::uint32_t state = 0;
};

/// struct iscsi_stats: the connection's counters (the iSCSI MIB's), then
/// the transport's own ("custom") ones.
struct stats_event {
    conn_ref conn;
    std::vector<std::pair<std::string, std::uint64_t>> counters; ///< in the kernel's order
    std::vector<std::pair<std::string, std::uint64_t>> custom;
};

/// Anything else the kernel multicasts (if_error, host events, ...).
struct other_event {
    std::uint32_t type = 0;
};

using incoming = std::variant<reply, conn_error_event, recv_pdu_event, session_event, conn_login_event,
                              stats_event, other_event>;

/// Decodes one netlink message from the start of `in` into `out`; returns
/// the bytes consumed (the aligned message length). A netlink error message
/// (NLMSG_ERROR) becomes a reply with its errno in `iferror`.
result<std::size_t> decode(std::span<std::byte const> in, incoming& out);

/// Decodes every message of one datagram.
result<std::vector<incoming>> decode_all(std::span<std::byte const> datagram);

enum class errc {
    truncated = 1, ///< shorter than its headers or than nlmsg_len says
    bad_length,    ///< nlmsg_len below the netlink header size
};
[[nodiscard]] std::error_code make_error_code(errc e) noexcept;

} // namespace iscsi::kernel

template <>
struct std::is_error_code_enum<iscsi::kernel::errc> : std::true_type {};
