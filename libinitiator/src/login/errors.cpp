#include "iscsi/login/errors.hpp"

#include <string>

namespace iscsi::login {
namespace {

class status_category_impl final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.login_status"; }

    // Wording follows RFC 7143 §11.13.5 and, where scripts and tools match on
    // it, open-iscsi's (e.g. "authorization failure", "target not found").
    std::string message(int v) const override
    {
        switch (static_cast<status>(v)) {
        case status::success: return "login succeeded";
        case status::target_moved_temporarily: return "target moved temporarily (redirect)";
        case status::target_moved_permanently: return "target moved permanently (redirect)";
        case status::initiator_error: return "initiator error: the target refused the login request";
        case status::authentication_failure:
            return "authorization failure: the target did not accept the initiator's credentials";
        case status::authorization_failure:
            return "authorization failure: the initiator is not allowed to access this target";
        case status::not_found: return "target not found: the target name is not known at this portal";
        case status::target_removed: return "target removed: the target is no longer available";
        case status::unsupported_version: return "unsupported iSCSI version";
        case status::too_many_connections: return "too many connections in the session";
        case status::missing_parameter: return "the target says a required login parameter is missing";
        case status::cant_include_in_session: return "the target cannot include this connection in the session";
        case status::session_type_not_supported: return "session type not supported by the target";
        case status::session_does_not_exist: return "the session to add a connection to does not exist";
        case status::invalid_during_login: return "the target received a request invalid during login";
        case status::target_error: return "target error: the target failed the login";
        case status::service_unavailable: return "target service unavailable, try again later";
        case status::out_of_resources: return "target out of resources, try again later";
        }
        switch (v >> 8) {
        case 1: return "target redirect with an unknown status detail " + std::to_string(v & 0xff);
        case 2: return "initiator error with an unknown status detail " + std::to_string(v & 0xff);
        case 3: return "target error with an unknown status detail " + std::to_string(v & 0xff);
        default: return "unknown login status class " + std::to_string(v >> 8);
        }
    }

    recovery recovery_of(int v) const noexcept override
    {
        // Class 3 is transient by definition (§11.13.5: "the initiator may
        // retry"); a redirect is followed by dropping this connection; class 2
        // will not change by retrying, so the user must act.
        switch (v >> 8) {
        case 1:
        case 3: return recovery::drop_connection;
        default: return recovery::fail_session;
        }
    }
};

class login_category_impl final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.login"; }

    std::string message(int v) const override
    {
        switch (static_cast<errc>(v)) {
        case errc::unexpected_pdu: return "the target sent a PDU other than a Login Response during login";
        case errc::itt_mismatch: return "Login Response for a different Initiator Task Tag";
        case errc::isid_mismatch: return "Login Response for a different ISID";
        case errc::unsupported_version: return "the target's iSCSI version is not one we support";
        case errc::bad_stage: return "the target's login stage does not follow ours";
        case errc::transit_without_request: return "the target changed login stage without being asked";
        case errc::transit_and_continue: return "Login Response has both the Transit and Continue bits set";
        case errc::auth_method_rejected: return "the target chose an authentication method we did not offer";
        case errc::auth_required:
            return "the target did not authenticate, but mutual CHAP is configured for it";
        case errc::redirect_without_address: return "redirect without a usable TargetAddress";
        case errc::too_many_exchanges: return "the login exchange went on for too many round trips";
        case errc::text_too_long: return "the login text is longer than allowed";
        case errc::missing_tsih: return "the target finished a new session's login without a TSIH";
        case errc::timeout: return "login timed out";
        case errc::bad_parameters: return "invalid login parameters";
        }
        return "unknown login error";
    }

    recovery recovery_of(int v) const noexcept override
    {
        switch (static_cast<errc>(v)) {
        case errc::auth_required:
        case errc::auth_method_rejected:
        case errc::unsupported_version: return recovery::fail_session;
        case errc::bad_parameters: return recovery::report_to_user;
        default: return recovery::drop_connection;
        }
    }
};

} // namespace

error_category const& login_status_category() noexcept
{
    static status_category_impl const c;
    return c;
}

error_category const& login_category() noexcept
{
    static login_category_impl const c;
    return c;
}

std::error_code make_status_error(std::uint8_t status_class, std::uint8_t detail) noexcept
{
    return {(status_class << 8) | detail, login_status_category()};
}

} // namespace iscsi::login
