/**
 * @file
 * The text format of RFC 7143 §6.1: a sequence of `key=value` strings, each
 * terminated by a NUL, carried in Login and Text PDU data segments. This is
 * the boundary where strings stop: everything above uses the typed key table
 * (keys.hpp) or a module's own typed view.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iscsi::text {

struct key_value {
    std::string key;
    std::string value;
    friend bool operator==(key_value const&, key_value const&) = default;
};

using key_values = std::vector<key_value>;

/// Limits on peer-controlled text (STYLE habit 16). Defaults follow §6.1:
/// key names up to 63 bytes; values up to 255 bytes except that binary
/// values (CHAP challenges and responses) may be longer.
struct text_limits {
    std::size_t max_key_length = 63;
    std::size_t max_value_length = 8192;
    std::size_t max_pairs = 1024;
    std::size_t max_total_bytes = 1024 * 1024;
};

/// Appends `key=value\0` to out.
void append(std::vector<std::byte>& out, std::string_view key, std::string_view value);
/// Encodes every pair, in order.
[[nodiscard]] std::vector<std::byte> encode(key_values const& kvs);

/**
 * Parses a complete text (all continuation PDUs joined). Every pair must end
 * with NUL (a trailing pair without one is an error: §6.1 says the last key
 * ends with a null too), contain '=', and respect the limits. Empty
 * strings between NULs (padding some targets emit) are skipped.
 */
[[nodiscard]] result<key_values> parse(std::span<std::byte const> text, text_limits const& limits = {},
                                       diagnostics* diag = nullptr);

/// First value for key, or nullptr.
[[nodiscard]] std::string const* find(key_values const& kvs, std::string_view key) noexcept;

} // namespace iscsi::text
