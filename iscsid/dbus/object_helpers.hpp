/**
 * @file
 * Small pieces the object files share: escaped object paths for ids that
 * are not path-safe (target names have ':' and '.'), the enumerator's path
 * list, and a{ss} replies of a record's settings.
 */
#pragma once

#include <optional>
#include <string>
#include <vector>

struct sd_bus_message;

namespace iscsid::dbus {

/// prefix + "/" + id escaped (sd_bus_path_encode); "" when it cannot be.
[[nodiscard]] std::string encode_path(char const* prefix, std::string const& id);
/// The id of a path under `prefix`; nullopt for another path.
[[nodiscard]] std::optional<std::string> decode_path(char const* path, char const* prefix);

/// An enumerator's answer: a NULL-terminated malloc'd list sd-bus frees.
int path_list(std::vector<std::string> const& paths, char*** nodes);

/// Replies a{ss} of the "key = value" lines of `text` (a record as -m node
/// -T -p prints it, secrets masked).
int reply_settings(sd_bus_message* m, std::string const& text);

} // namespace iscsid::dbus
