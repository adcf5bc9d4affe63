#include "exit_codes.hpp"

namespace iscsiadm {

std::string_view describe(exit_code c) noexcept
{
    switch (c) {
    case exit_code::success: return "";
    case exit_code::unknown: return "unknown error";
    case exit_code::session_not_found: return "session not found";
    case exit_code::no_memory: return "no available memory";
    case exit_code::transport: return "encountered connection failure";
    case exit_code::login: return "encountered iSCSI login failure";
    case exit_code::database: return "encountered iSCSI database failure";
    case exit_code::invalid: return "invalid parameter";
    case exit_code::transport_timeout: return "connection timed out";
    case exit_code::internal: return "internal error";
    case exit_code::logout: return "encountered iSCSI logout failure";
    case exit_code::pdu_timeout: return "iSCSI PDU timed out";
    case exit_code::transport_not_found:
        return "iSCSI driver not found. Please make sure it is loaded, and retry the operation";
    case exit_code::access: return "daemon access denied";
    case exit_code::transport_caps: return "iSCSI driver does not support requested capability.";
    case exit_code::session_exists: return "session exists";
    case exit_code::invalid_request: return "Unknown request";
    case exit_code::isns_unavailable: return "iSNS service not supported";
    case exit_code::iscsid_comm: return "could not communicate to iscsid";
    case exit_code::fatal_login: return "encountered non-retryable iSCSI login failure";
    case exit_code::iscsid_not_connected: return "could not connect to iscsid";
    case exit_code::no_objects_found: return "no objects found";
    case exit_code::sysfs_lookup: return "sysfs lookup failure";
    case exit_code::host_not_found: return "host not found";
    case exit_code::login_auth_failed: return "iSCSI login failed due to authorization failure";
    case exit_code::isns_query: return "iSNS query failed";
    case exit_code::isns_registration: return "iSNS registration failed";
    case exit_code::op_not_supported: return "operation not supported";
    case exit_code::busy: return "device or resource in use";
    case exit_code::again: return "operation failed but retry may succeed";
    case exit_code::unknown_discovery_type: return "unknown discovery type";
    case exit_code::child_terminated: return "child process terminated";
    case exit_code::session_not_connected: return "target likely not connected";
    case exit_code::iscsid_request_timeout: return "iscsid request timed out";
    }
    return "unknown error";
}

} // namespace iscsiadm
