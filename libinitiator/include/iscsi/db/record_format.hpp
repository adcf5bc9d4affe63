/**
 * @file
 * The text form of records, as open-iscsi writes its files and prints
 * `iscsiadm -m node -T -p`:
 *
 *     # BEGIN RECORD 2.1.8
 *     node.name = iqn.2001-04.com.example:disk
 *     ...
 *     # END RECORD
 *
 * Files leave out empty values; the shown form prints them as "<empty>" and
 * masks secrets as "********" unless asked for secrets. Parsing follows
 * open-iscsi's reader (one "key = value" per line, '#' comments, blanks
 * ignored) and is shared with iscsid.conf.
 */
#pragma once

#include "iscsi/db/records.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace iscsi::db {

/// The version open-iscsi puts in "# BEGIN RECORD <ver>"; we write the same
/// so that either tool reads the other's files without a diff.
inline constexpr std::string_view record_version = "2.1.8";

enum class print_style : std::uint8_t {
    file,         ///< what goes on disk: empty values left out, secrets in clear
    show,         ///< iscsiadm output: "<empty>", secrets masked
    show_secrets, ///< iscsiadm -S: "<empty>", secrets in clear
};

[[nodiscard]] std::string format_node(node_record const& r, print_style style);
[[nodiscard]] std::string format_iface(iface_record const& r, print_style style);
[[nodiscard]] std::string format_discovery(discovery_record const& r, print_style style);

/// One "key = value" setting and its 1-based line number.
struct setting {
    std::string_view key, value;
    std::size_t line = 0;
};

/// What parsing a file found besides the values it applied.
struct parse_report {
    /// "line 12: unknown value 'bogus' for node.startup" and the like.
    std::vector<std::string> warnings;
};

/**
 * Splits `text` into settings with open-iscsi's rules: leading and trailing
 * blanks stripped, '#' lines and blank lines skipped, the key ends at the
 * first blank or '=', the value is the rest after '=' with blanks trimmed.
 * Lines without a value are reported as warnings and skipped.
 */
void for_each_setting(std::string_view text, std::function<void(setting const&)> const& fn,
                      parse_report* report = nullptr);

/// Applies the settings in `text` over `r`. Keys no table knows are kept in
/// r.extra (node keys) or r.iface.extra is never used for node files.
void parse_node(std::string_view text, node_record& r, parse_report* report = nullptr);
void parse_iface(std::string_view text, iface_record& r, parse_report* report = nullptr);
void parse_discovery(std::string_view text, discovery_record& r, parse_report* report = nullptr);

} // namespace iscsi::db
