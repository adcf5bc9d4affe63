/**
 * @file
 * Faults of the full feature phase (RFC 7143 §4, §7, §11) found by the
 * initiator, classified by the recovery they need.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <system_error>

namespace iscsi::session {

enum class errc : std::uint8_t {
    unexpected_pdu = 1,   ///< an opcode the target must not send now
    unknown_task,         ///< a response for an ITT we have no task for
    data_overrun,         ///< Data-In beyond the task's buffer or EDTL
    bad_r2t,              ///< R2T outside the write, over MaxBurstLength or for a read
    too_many_r2ts,        ///< more outstanding R2Ts than MaxOutstandingR2T
    sequence_error,       ///< DataSN/R2TSN out of order at ERL 0
    rejected,             ///< the target rejected our PDU (§11.17)
    text_too_long,        ///< a continued text response beyond our limit
    target_dropped,       ///< Async Message: the target drops the connection or session
    logout_failed,        ///< Logout Response other than "closed successfully"
    connection_closed,    ///< the connection ended with the task outstanding
    task_aborted,         ///< cancelled locally (e.g. shutdown)
    window_closed,        ///< MaxCmdSN < ExpCmdSN - 1 would stall us forever
    invalid_request,      ///< the caller's task is inconsistent (e.g. write data size != EDTL)
    nop_timeout,          ///< no answer to a NOP-Out ping within noop_out_timeout
    connect_timeout,      ///< no TCP connection within connect_timeout
    replacement_timeout,  ///< the session stayed FAILED past replacement_timeout
    session_ended,        ///< the session is logged out or could not be established
    redirect_failed,      ///< too many login redirects, or an unusable redirect address
    command_timeout,      ///< a command ran past command_timeout and was aborted
    tmf_timeout,          ///< no answer to a task management request within its timeout
    no_connection,        ///< a task management request while the session has no connection
};

[[nodiscard]] error_category const& session_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), session_category()};
}

} // namespace iscsi::session

template <>
struct std::is_error_code_enum<iscsi::session::errc> : std::true_type {};
