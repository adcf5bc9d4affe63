/**
 * @file
 * Errors of the database module (STYLE habit 6). All are the user's or the
 * administrator's to fix (report_to_user); OS errors from the file system
 * come through as std::system_category codes.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <system_error>
#include <type_traits>

namespace iscsi::db {

enum class errc : int {
    /// No record matches (iscsiadm exit 21, "No records found").
    not_found = 1,
    /// A record with this key already exists.
    exists,
    /// The key is not a key of this kind of record.
    unknown_key,
    /// The key locates the record and cannot change.
    read_only_key,
    /// The value does not parse for this key.
    bad_value,
    /// A target name, portal or iface name cannot be a database path
    /// (contains '/', is "." or "..", is empty or too long).
    bad_name,
    /// initiatorname.iscsi has no InitiatorName= line.
    no_initiator_name,
    /// A file that should be a record is not one (no "key = value" lines).
    corrupt_record,
};

[[nodiscard]] error_category const& db_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), db_category()};
}

} // namespace iscsi::db

template <>
struct std::is_error_code_enum<iscsi::db::errc> : std::true_type {};
