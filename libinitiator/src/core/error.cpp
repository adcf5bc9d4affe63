#include "iscsi/core/error.hpp"

namespace iscsi {

recovery recovery_for(std::error_code const& ec) noexcept
{
    if (auto const* cat = dynamic_cast<error_category const*>(&ec.category()))
        return cat->recovery_of(ec.value());
    return recovery::drop_connection;
}

} // namespace iscsi
