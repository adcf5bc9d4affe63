#include "iscsi/discovery/errors.hpp"

#include <string>

namespace iscsi::discovery {
namespace {

class category final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.discovery"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::bad_portal_address: return "invalid portal address";
        case errc::bad_port: return "invalid portal port (must be 1-65535)";
        case errc::bad_tpgt: return "invalid portal group tag (must be 0-65535)";
        case errc::bad_target_name: return "SendTargets response contains an invalid target name";
        case errc::bad_target_address: return "SendTargets response contains an invalid TargetAddress";
        case errc::address_before_name: return "SendTargets response has a TargetAddress before any TargetName";
        case errc::too_many_targets: return "SendTargets response lists too many targets";
        case errc::too_many_portals: return "SendTargets response lists too many portals for one target";
        }
        return "unknown discovery error";
    }

    recovery recovery_of(int value) const noexcept override
    {
        switch (static_cast<errc>(value)) {
        case errc::bad_portal_address:
        case errc::bad_port:
        case errc::bad_tpgt: return recovery::report_to_user;
        default: return recovery::fail_session;
        }
    }
};

} // namespace

error_category const& discovery_category() noexcept
{
    static category const instance;
    return instance;
}

} // namespace iscsi::discovery
