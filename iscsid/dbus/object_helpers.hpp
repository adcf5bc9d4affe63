/**
 * @file
 * Small pieces the object files share: escaped object paths for ids that
 * are not path-safe (target names have ':' and '.'), the enumerator's path
 * list, and a{ss} replies of a record's settings.
 */
#pragma once

#include "bus.hpp"

#include <systemd/sd-bus.h>

#include <optional>
#include <string>
#include <vector>

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

/// Serves `vtable` on every object under `prefix` that `find` knows, listed
/// by `enumerate`: one fallback vtable and one node enumerator (systemd
/// machined's pattern). Throws std::system_error naming `what`.
void add_object_family(sd_bus* bus, std::vector<slot_ptr>& slots, char const* prefix, char const* interface,
                       sd_bus_vtable const* vtable, sd_bus_object_find_t find, sd_bus_node_enumerator_t enumerate,
                       void* userdata, char const* what);

} // namespace iscsid::dbus
