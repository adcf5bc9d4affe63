/**
 * @file
 * Errors of the text module (STYLE habit 6): malformed key=value text
 * (RFC 7143 §6.1), limits on peer-controlled text (habit 16), and violations
 * of the negotiation rules of §6.2 and §13. Each code maps to a recovery
 * through iscsi::recovery_for().
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <system_error>
#include <type_traits>

namespace iscsi::text {

enum class errc : int {
    // --- §6.1 text format and limits ------------------------------------
    missing_separator = 1, ///< a key=value string has no '='
    missing_terminator,    ///< the text does not end with NUL (§6.1)
    key_too_long,          ///< key name longer than 63 bytes (§6.1)
    value_too_long,        ///< value longer than the configured limit
    too_many_pairs,        ///< more key=value pairs than the configured limit
    text_too_long,         ///< the whole text (all continuation PDUs) is too large
    bad_key_name,          ///< empty, or a character outside §6.1's key-name set
    // --- §6.2 / §13 negotiation -----------------------------------------
    duplicate_key,         ///< a key sent again in the same exchange (§6.2)
    invalid_value,         ///< a value that does not parse for its key's type
    out_of_range,          ///< a number outside the key's range (§13)
    answer_not_permitted,  ///< an answer the result function forbids (§6.2.1, §6.2.2)
    unsolicited_response,  ///< Reject/Irrelevant/NotUnderstood for a key never offered
    key_not_allowed,       ///< a key the target may not send, or not in this stage
    negotiation_failed,    ///< the target rejected a value we need
    burst_length_conflict, ///< FirstBurstLength exceeds MaxBurstLength (§13.14)
    bad_offer,             ///< our own configuration cannot be offered
};

/// The category of iscsi::text::errc; classifies recovery (see errors.cpp).
[[nodiscard]] iscsi::error_category const& text_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), text_category()};
}

} // namespace iscsi::text

template <>
struct std::is_error_code_enum<iscsi::text::errc> : std::true_type {};
