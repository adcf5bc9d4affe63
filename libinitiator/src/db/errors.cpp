#include "iscsi/db/errors.hpp"

#include <string>

namespace iscsi::db {
namespace {

class category final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.db"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::not_found: return "no records found";
        case errc::exists: return "the record already exists";
        case errc::unknown_key: return "invalid parameter name";
        case errc::read_only_key: return "the parameter locates the record and cannot be changed";
        case errc::bad_value: return "invalid value for the parameter";
        case errc::bad_name: return "the name cannot be stored in the database";
        case errc::no_initiator_name: return "no InitiatorName in the initiator name file";
        case errc::corrupt_record: return "the record file is damaged";
        }
        return "unknown database error";
    }

    recovery recovery_of(int) const noexcept override { return recovery::report_to_user; }
};

} // namespace

error_category const& db_category() noexcept
{
    static category const instance;
    return instance;
}

} // namespace iscsi::db
