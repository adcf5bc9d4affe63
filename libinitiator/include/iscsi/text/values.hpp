/**
 * @file
 * Value types of RFC 7143 §6.1 and the reserved answers of §6.2: numbers
 * (decimal or 0x hex), booleans (Yes/No), comma-separated lists, and the
 * constants Reject, Irrelevant and NotUnderstood.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iscsi::text {

/// §6.2: the answer of a responder that does not accept any offered value.
inline constexpr std::string_view reject_value = "Reject";
/// §6.2: the answer when the key does not matter in this session (e.g. Discovery).
inline constexpr std::string_view irrelevant_value = "Irrelevant";
/// §6.2: the answer to a key the responder does not know.
inline constexpr std::string_view not_understood_value = "NotUnderstood";
/// §6.1: the constant that names a missing function in lists ("None").
inline constexpr std::string_view none_value = "None";

/// The three answers that only a responder sends (never an offer).
[[nodiscard]] constexpr bool is_reserved_answer(std::string_view v) noexcept
{
    return v == reject_value || v == irrelevant_value || v == not_understood_value;
}

/**
 * §6.1 numerical-value: a decimal-constant or a hex-constant ("0x"/"0X"
 * followed by hex digits), below 2^64. Returns nothing for an empty string,
 * signs, spaces, other characters or overflow.
 */
[[nodiscard]] std::optional<std::uint64_t> parse_number(std::string_view v) noexcept;

/// §6.1 boolean-value: exactly "Yes" or "No".
[[nodiscard]] std::optional<bool> parse_boolean(std::string_view v) noexcept;

[[nodiscard]] std::string_view format_boolean(bool b) noexcept;
[[nodiscard]] std::string format_number(std::uint64_t n);

/// Splits a §6.1 list-of-values at commas; an empty string gives one empty item.
[[nodiscard]] std::vector<std::string_view> split_list(std::string_view v);

/// §13.22 and §13.26: private ("X-") and public ("X#") extension keys.
[[nodiscard]] constexpr bool is_extension_key(std::string_view key) noexcept
{
    return key.size() > 2 && key[0] == 'X' && (key[1] == '-' || key[1] == '#');
}

} // namespace iscsi::text
