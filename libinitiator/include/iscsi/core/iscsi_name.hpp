/**
 * @file
 * iSCSI names (RFC 7143 §4.2.7, RFC 3722 stringprep profile): "iqn.",
 * "eui." and "naa." formats. We check structure and the 223-byte limit; we
 * do not run full stringprep (targets and open-iscsi do not either).
 */
#pragma once

#include <string_view>

namespace iscsi {

inline constexpr std::size_t max_iscsi_name_length = 223; // §4.2.7.1

enum class name_problem : unsigned char {
    none,
    empty,
    too_long,
    unknown_format,       ///< not iqn./eui./naa.
    bad_iqn_date,         ///< iqn. must be followed by yyyy-mm.
    bad_eui_or_naa_hex,   ///< eui. needs 16 hex digits; naa. 16 or 32
    bad_character,        ///< outside a-z 0-9 - . : (after case folding)
};

/// Checks a name; returns name_problem::none when it is acceptable.
[[nodiscard]] name_problem check_iscsi_name(std::string_view name) noexcept;

/// A sentence naming what is wrong, for error messages.
[[nodiscard]] std::string_view describe(name_problem p) noexcept;

} // namespace iscsi
