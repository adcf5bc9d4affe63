#include "iscsi/transport/errors.hpp"

#include <string>

namespace iscsi::transport {
namespace {

class category_impl final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.transport"; }

    std::string message(int v) const override
    {
        switch (static_cast<errc>(v)) {
        case errc::connect_timeout: return "connection timed out";
        case errc::operation_timeout: return "the operation timed out";
        case errc::too_many_redirects: return "too many login redirects (a redirect loop?)";
        case errc::bad_redirect_address: return "the target redirected to an address that is not a portal";
        case errc::connection_closed: return "the target closed the connection";
        case errc::not_logged_in: return "the session is not logged in";
        case errc::unread_bytes_left: return "the target sent data before the connection was handed over";
        }
        return "unknown transport error";
    }

    recovery recovery_of(int v) const noexcept override
    {
        switch (static_cast<errc>(v)) {
        case errc::too_many_redirects:
        case errc::bad_redirect_address: return recovery::fail_session;
        case errc::not_logged_in: return recovery::report_to_user;
        default: return recovery::drop_connection;
        }
    }
};

} // namespace

error_category const& transport_category() noexcept
{
    static category_impl const c;
    return c;
}

} // namespace iscsi::transport
