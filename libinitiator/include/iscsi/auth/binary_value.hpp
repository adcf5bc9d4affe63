/**
 * @file
 * Binary values of RFC 7143 §6.1 as used by CHAP_C and CHAP_R: a hex
 * constant ("0x" or "0X" then hex digits, either case) or a base64 constant
 * ("0b" or "0B" then RFC 4648 base64 with padding). We send hex; we accept
 * both, because targets answer in either.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iscsi::auth {

/// §12.1.3: the binary length of C and R "MUST NOT exceed 1024 bytes".
inline constexpr std::size_t max_binary_value_length = 1024;

/**
 * Decodes a hex or base64 binary value. An odd number of hex digits is read
 * as if a leading 0 were present (the value is a number). Fails with
 * errc::bad_encoding on a missing prefix, an empty value, a bad digit, bad
 * base64 padding or a decoded length above `max_length`.
 */
[[nodiscard]] result<std::vector<std::byte>> decode_binary_value(std::string_view text,
                                                                 diagnostics* diag = nullptr,
                                                                 std::size_t max_length = max_binary_value_length);

/// "0x" followed by two lower-case hex digits per byte.
[[nodiscard]] std::string encode_hex(std::span<std::byte const> bytes);

/// "0b" followed by padded RFC 4648 base64 (used by the test target).
[[nodiscard]] std::string encode_base64(std::span<std::byte const> bytes);

} // namespace iscsi::auth
