/**
 * @file
 * -n KEY -v VALUE pairs (`-o update`) checked against the key tables before
 * anything is written, with open-iscsi's messages plus what to do about it;
 * and the JSON form of a shown record.
 */
#pragma once

#include "cli.hpp"
#include "exit_codes.hpp"

#include "iscsi/core/error.hpp"
#include "iscsi/db/records.hpp"

#include <string>
#include <variant>
#include <vector>

namespace iscsiadm {

struct change {
    std::string key, value;
};

/// Pairs each -n with its -v; an unpaired one is a usage error.
[[nodiscard]] std::variant<std::vector<change>, exit_code> parse_changes(options const& o);

/// Every key must exist, be modifiable, and its value must parse.
[[nodiscard]] exit_code validate_node_changes(std::vector<change> const& changes);
[[nodiscard]] exit_code validate_iface_changes(std::vector<change> const& changes);
[[nodiscard]] exit_code validate_discovery_changes(iscsi::db::discovery_kind kind,
                                                   std::vector<change> const& changes);

/// Applies validated changes (cannot fail on a validated list).
[[nodiscard]] iscsi::result<void> apply_node_changes(iscsi::db::node_record& r, std::vector<change> const& c);
[[nodiscard]] iscsi::result<void> apply_iface_changes(iscsi::db::iface_record& r, std::vector<change> const& c);
[[nodiscard]] iscsi::result<void> apply_discovery_changes(iscsi::db::discovery_record& r,
                                                          std::vector<change> const& c);

/// {"key": "value", ...} from a record's shown text ("<empty>" becomes null).
[[nodiscard]] std::string record_json(std::string const& shown_record);

} // namespace iscsiadm
