// Names and paths of the on-disk layout (store.hpp), private to src/db.
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/db/records.hpp"
#include "iscsi/db/store.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace iscsi::db::paths {

inline constexpr unsigned dir_mode = 0700;
inline constexpr unsigned file_mode = 0600;

/// A name used as one path component must not escape its directory.
[[nodiscard]] bool is_safe_component(std::string_view name) noexcept;
[[nodiscard]] result<void> check_key(node_key const& k);

/// "<address>,<port>[,<tpgt>]"
[[nodiscard]] std::string portal_name(std::string_view address, int port);
[[nodiscard]] std::string portal_name(std::string_view address, int port, int tpgt);

struct parsed_portal {
    std::string address;
    int port = 0;
    int tpgt = -1; ///< -1 when the name has none
};
/// Parses a portal directory or file name; nullopt if it is not one.
[[nodiscard]] std::optional<parsed_portal> parse_portal_name(std::string_view name);

[[nodiscard]] std::filesystem::path nodes_dir(std::filesystem::path const& root);
[[nodiscard]] std::filesystem::path target_dir(std::filesystem::path const& root, std::string_view target);
/// The directory of a dir-form record (tpgt >= 0).
[[nodiscard]] std::filesystem::path portal_dir(std::filesystem::path const& root, node_key const& k);
/// The record file: <portal dir>/<iface>, or the static file for tpgt -1.
[[nodiscard]] std::filesystem::path node_file(std::filesystem::path const& root, node_key const& k);

[[nodiscard]] std::filesystem::path discovery_root(std::filesystem::path const& root, discovery_kind kind);
[[nodiscard]] std::filesystem::path discovery_dir(std::filesystem::path const& root, discovery_kind kind,
                                                  std::string_view address, int port);
[[nodiscard]] std::string_view discovery_file_name(discovery_kind kind);
/// "<target>,<address>,<port>,<tpgt>,<iface>": a discovery record's link to a node.
[[nodiscard]] std::string link_name(node_key const& k);
[[nodiscard]] std::optional<node_key> parse_link_name(std::string_view name);

[[nodiscard]] std::filesystem::path ifaces_dir(std::filesystem::path const& root);

} // namespace iscsi::db::paths
