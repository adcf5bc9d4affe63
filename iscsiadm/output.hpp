/**
 * @file
 * Where iscsiadm's words go. Like open-iscsi: results on stdout, every
 * error and warning on stderr prefixed "iscsiadm: ". Secrets never reach
 * either unless the user asked with -S.
 */
#pragma once

#include <string>
#include <string_view>

namespace iscsiadm {

/// The open-iscsi release whose interface we reproduce.
inline constexpr std::string_view compat_version = "2.1.8";

void error(std::string_view message);
void warning(std::string_view message);
/// Writes text to stdout as is.
void print(std::string_view text);

/// A JSON string literal (quotes and escapes included).
[[nodiscard]] std::string json_string(std::string_view s);

} // namespace iscsiadm
