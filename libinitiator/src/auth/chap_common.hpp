// Private helpers shared by chap_initiator and chap_target (one copy of the
// parsing rules for both sides; see STYLE "code duplication between
// initiator and test target").
#pragma once

#include "iscsi/auth/chap.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iscsi::auth::detail {

inline constexpr std::string_view key_a = "CHAP_A";
inline constexpr std::string_view key_i = "CHAP_I";
inline constexpr std::string_view key_c = "CHAP_C";
inline constexpr std::string_view key_n = "CHAP_N";
inline constexpr std::string_view key_r = "CHAP_R";

/// Sets the diagnostics (if any) and returns the code.
std::error_code fail(errc e, diagnostics* diag, std::string message);

/// The value of `key` if it occurs exactly once; nullptr if absent and not
/// required; missing_key / duplicate_key otherwise.
result<std::string const*> find_once(text::key_values const& kvs, std::string_view key, bool required,
                                     diagnostics* diag);

/// A §6.1 numerical value: decimal, or hex with a 0x/0X prefix.
std::optional<std::uint64_t> parse_number(std::string_view s) noexcept;

/// CHAP_I: a number in 0..255.
result<std::uint8_t> parse_identifier(std::string_view s, diagnostics* diag);

/// CHAP_C: a binary value of min_challenge_length..max_challenge_length bytes.
result<std::vector<std::byte>> parse_challenge(std::string_view s, diagnostics* diag);

/// CHAP_R: a binary value of exactly `expected` bytes, else `wrong_length`.
result<std::vector<std::byte>> parse_response(std::string_view s, std::size_t expected, errc wrong_length,
                                              diagnostics* diag);

/// Constant-time equality of two byte strings (no early exit on a difference).
bool same_bytes(std::span<std::byte const> a, std::span<std::byte const> b) noexcept;

} // namespace iscsi::auth::detail
