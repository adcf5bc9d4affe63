/**
 * @file
 * A session whose data path is the kernel's iscsi_tcp: we log in from user
 * space, then hand the connected socket to the kernel (create session,
 * create connection, bind, SET_PARAM, start) and scan for its LUNs; the
 * reverse at logout (unbind the SCSI target, Logout PDU through the kernel,
 * stop, destroy). The sequence is scsi_transport_iscsi's; see
 * docs/architecture.md "Kernel hand-off".
 */
#pragma once

#include "kernel_link.hpp"

#include "iscsi/kernel/session_params.hpp"
#include "iscsi/transport/client_session.hpp"

#include <chrono>
#include <cstdint>

namespace iscsid {

struct kernel_session {
    std::uint32_t sid = 0;     ///< sysfs session<sid>
    std::uint32_t host_no = 0; ///< SCSI host<host_no>
    /// Our descriptor of the bound socket; the kernel holds its own reference.
    unique_fd socket;
    std::chrono::milliseconds scan_time{}; ///< how long the LUN scan took at login
};

struct hand_off_options {
    std::uint16_t cmds_max = 128;
    std::uint16_t queue_depth = 32;
    bool scan = true; ///< node.session.scan = auto
};

/// Hands `conn` to the kernel. On failure everything created is destroyed
/// again and `diag` says which step failed.
asio::awaitable<iscsi::result<kernel_session>>
hand_off(kernel_link& link, iscsi::transport::logged_in_connection conn, iscsi::kernel::session_settings const& s,
         hand_off_options const& o, iscsi::diagnostics& diag);

/// What a reconnection needs: where, who, and how long to wait first.
struct reconnect_plan {
    iscsi::discovery::portal portal;
    iscsi::login::login_params login;       ///< TSIH 0: session reinstatement (§6.3.5)
    iscsi::kernel::session_settings settings;
    std::chrono::milliseconds time2wait{2000}; ///< DefaultTime2Wait (§13.15)
    std::chrono::milliseconds connect_timeout{10000};
};

/**
 * ERL 0 recovery of a kernel session whose connection failed (RFC 7143
 * §7.1.1, §6.3.5): stop the failed connection, wait Time2Wait, connect
 * again, bind the new socket, log in THROUGH THE KERNEL (SEND_PDU/RECV_PDU,
 * so that the kernel stamps the CmdSN it will continue with), set the
 * negotiated parameters, start. The kernel queues the disks' I/O meanwhile
 * and fails it after the session's recovery timeout. One attempt; the
 * caller repeats it.
 */
/// `cancelled` is looked at after every wait: a logout that starts during
/// recovery makes it stop touching the session.
asio::awaitable<std::error_code> reconnect(kernel_link& link, kernel_session& s, reconnect_plan const& plan,
                                           bool const& cancelled, iscsi::diagnostics& diag);

/// Logs the session out: removes its disks first (they flush while the
/// connection still works), sends a Logout (close session, §11.14) through
/// the kernel and waits up to `timeout` for the response, then stops and
/// destroys the kernel's session. Tears down even when the target does
/// not answer; the error says so.
asio::awaitable<std::error_code> log_out(kernel_link& link, kernel_session& s, std::chrono::milliseconds timeout,
                                         iscsi::diagnostics& diag);

} // namespace iscsid
