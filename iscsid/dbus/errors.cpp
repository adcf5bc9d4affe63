#include "errors.hpp"

#include "iscsi/core/exit_status.hpp"

#include <systemd/sd-bus.h>

#include <array>
#include <utility>

namespace iscsid::dbus {

namespace {

using iscsi::exit_status;

/// The codes a client may want to tell apart; the rest are "Failed".
constexpr std::array<std::pair<exit_status, std::string_view>, 17> names{{
    {exit_status::session_not_found, "SessionNotFound"},
    {exit_status::transport, "ConnectionFailed"},
    {exit_status::login, "LoginFailed"},
    {exit_status::database, "Database"},
    {exit_status::invalid, "InvalidArgument"},
    {exit_status::invalid_request, "InvalidArgument"},
    {exit_status::transport_timeout, "Timeout"},
    {exit_status::pdu_timeout, "Timeout"},
    {exit_status::logout, "LogoutFailed"},
    {exit_status::transport_not_found, "TransportNotFound"},
    {exit_status::access, "AccessDenied"},
    {exit_status::session_exists, "SessionExists"},
    {exit_status::fatal_login, "LoginFailed"},
    {exit_status::no_objects_found, "NotFound"},
    {exit_status::host_not_found, "HostNotFound"},
    {exit_status::login_auth_failed, "AuthorizationFailed"},
    {exit_status::busy, "Busy"},
}};

} // namespace

std::string error_name(int status)
{
    for (auto const& [code, name] : names)
        if (iscsi::to_int(code) == status)
            return std::string(error_prefix) + std::string(name);
    return std::string(error_prefix) + "Failed";
}

std::string error_message(int status, std::string_view detail)
{
    std::string m(iscsi::describe(static_cast<exit_status>(status)));
    if (status == iscsi::to_int(exit_status::login_auth_failed))
        m += " (initiator failed authorization)";
    if (!detail.empty()) {
        m += ": ";
        m += detail;
    }
    return m;
}

int reply_error(sd_bus_message* m, int status, std::string_view detail)
{
    auto const name = error_name(status);
    auto const text = error_message(status, detail);
    return ::sd_bus_reply_method_errorf(m, name.c_str(), "%s", text.c_str());
}

int reply_invalid_args(sd_bus_message* m, std::string_view detail)
{
    std::string const text(detail);
    return ::sd_bus_reply_method_errorf(m, SD_BUS_ERROR_INVALID_ARGS, "%s", text.c_str());
}

} // namespace iscsid::dbus
