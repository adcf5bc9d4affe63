#include "iscsi/session/errors.hpp"

#include <string>

namespace iscsi::session {
namespace {

class category_impl final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.session"; }

    std::string message(int v) const override
    {
        switch (static_cast<errc>(v)) {
        case errc::unexpected_pdu: return "the target sent a PDU that is not valid in the full feature phase";
        case errc::unknown_task: return "the target answered a task that does not exist";
        case errc::data_overrun: return "the target sent more data than the command asked for";
        case errc::bad_r2t: return "the target asked for data outside the command's transfer";
        case errc::too_many_r2ts: return "the target exceeded MaxOutstandingR2T";
        case errc::sequence_error: return "the target's data or R2T sequence numbers are out of order";
        case errc::rejected: return "the target rejected a PDU";
        case errc::text_too_long: return "the target's text response is longer than allowed";
        case errc::target_dropped: return "the target asked to drop the connection";
        case errc::logout_failed: return "the target did not complete the logout";
        case errc::connection_closed: return "the connection closed while the task was outstanding";
        case errc::task_aborted: return "the task was aborted";
        case errc::window_closed: return "the target closed the command window";
        case errc::invalid_request: return "invalid SCSI request: the write data does not match its transfer length";
        case errc::nop_timeout: return "the target did not answer a NOP-Out ping in time";
        case errc::connect_timeout: return "timed out connecting to the target";
        case errc::replacement_timeout: return "the session was not re-established within replacement_timeout";
        case errc::session_ended: return "the session has ended";
        case errc::redirect_failed: return "the target's login redirects led nowhere usable";
        case errc::command_timeout: return "the command did not complete within command_timeout and was aborted";
        case errc::tmf_timeout: return "the target did not answer a task management request in time";
        case errc::no_connection: return "the session has no connection to carry a task management request";
        }
        return "unknown session error";
    }

    recovery recovery_of(int v) const noexcept override
    {
        switch (static_cast<errc>(v)) {
        case errc::rejected:
        case errc::logout_failed:
        case errc::task_aborted:
        case errc::invalid_request:
        case errc::command_timeout:
        case errc::no_connection:
        case errc::replacement_timeout:
        case errc::session_ended: return recovery::report_to_user;
        default: return recovery::drop_connection;
        }
    }
};

} // namespace

error_category const& session_category() noexcept
{
    static category_impl const c;
    return c;
}

} // namespace iscsi::session
