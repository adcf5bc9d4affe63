#include "iscsi/core/exit_status.hpp"

namespace iscsi {

std::string_view describe(exit_status c) noexcept
{
    switch (c) {
    case exit_status::success: return "";
    case exit_status::unknown: return "unknown error";
    case exit_status::session_not_found: return "session not found";
    case exit_status::no_memory: return "no available memory";
    case exit_status::transport: return "encountered connection failure";
    case exit_status::login: return "encountered iSCSI login failure";
    case exit_status::database: return "encountered iSCSI database failure";
    case exit_status::invalid: return "invalid parameter";
    case exit_status::transport_timeout: return "connection timed out";
    case exit_status::internal: return "internal error";
    case exit_status::logout: return "encountered iSCSI logout failure";
    case exit_status::pdu_timeout: return "iSCSI PDU timed out";
    case exit_status::transport_not_found:
        return "iSCSI driver not found. Please make sure it is loaded, and retry the operation";
    case exit_status::access: return "daemon access denied";
    case exit_status::transport_caps: return "iSCSI driver does not support requested capability.";
    case exit_status::session_exists: return "session exists";
    case exit_status::invalid_request: return "Unknown request";
    case exit_status::isns_unavailable: return "iSNS service not supported";
    case exit_status::iscsid_comm: return "could not communicate to iscsid";
    case exit_status::fatal_login: return "encountered non-retryable iSCSI login failure";
    case exit_status::iscsid_not_connected: return "could not connect to iscsid";
    case exit_status::no_objects_found: return "no objects found";
    case exit_status::sysfs_lookup: return "sysfs lookup failure";
    case exit_status::host_not_found: return "host not found";
    case exit_status::login_auth_failed: return "iSCSI login failed due to authorization failure";
    case exit_status::isns_query: return "iSNS query failed";
    case exit_status::isns_registration: return "iSNS registration failed";
    case exit_status::op_not_supported: return "operation not supported";
    case exit_status::busy: return "device or resource in use";
    case exit_status::again: return "operation failed but retry may succeed";
    case exit_status::unknown_discovery_type: return "unknown discovery type";
    case exit_status::child_terminated: return "child process terminated";
    case exit_status::session_not_connected: return "target likely not connected";
    case exit_status::iscsid_request_timeout: return "iscsid request timed out";
    }
    return "unknown error";
}

namespace {

class status_category final : public error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "open-iscsi"; }
    [[nodiscard]] std::string message(int v) const override { return std::string(describe(static_cast<exit_status>(v))); }
    [[nodiscard]] recovery recovery_of(int) const noexcept override { return recovery::report_to_user; }
};

} // namespace

std::error_category const& exit_status_category() noexcept
{
    static status_category const cat;
    return cat;
}

std::error_code make_error_code(exit_status c) noexcept
{
    return {static_cast<int>(c), exit_status_category()};
}

} // namespace iscsi
