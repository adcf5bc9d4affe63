#include "iscsi/transport/login_failure.hpp"

#include "iscsi/auth/errors.hpp"
#include "iscsi/login/errors.hpp"
#include "iscsi/transport/errors.hpp"

namespace iscsi::transport {

exit_status status_of_login_failure(std::error_code const& ec) noexcept
{
    if (ec.category() == exit_status_category())
        return static_cast<exit_status>(ec.value());
    if (ec == login::status::authentication_failure || ec == login::status::authorization_failure)
        return exit_status::login_auth_failed;
    if (ec.category() == auth::auth_category())
        return exit_status::fatal_login;
    if (ec.category() == login::login_status_category() || ec.category() == login::login_category())
        return exit_status::login;
    if (ec == std::errc::timed_out || ec == errc::connect_timeout)
        return exit_status::transport_timeout;
    return exit_status::transport;
}

} // namespace iscsi::transport
