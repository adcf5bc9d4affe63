#include "object_helpers.hpp"

#include "bus.hpp"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace iscsid::dbus {

/// The part after the prefix, sd_bus_path_decode'd; nullopt for another path.
std::optional<std::string> decode_path(char const* path, char const* prefix)
{
    char* id = nullptr;
    if (::sd_bus_path_decode(path, prefix, &id) <= 0)
        return std::nullopt;
    std::string out(id);
    std::free(id);
    return out;
}

std::string encode_path(char const* prefix, std::string const& id)
{
    char* path = nullptr;
    if (::sd_bus_path_encode(prefix, id.c_str(), &path) < 0)
        return {};
    std::string out(path);
    std::free(path);
    return out;
}

/// A NULL-terminated, malloc'd list of paths (sd-bus frees it).
int path_list(std::vector<std::string> const& paths, char*** nodes)
{
    auto** list = static_cast<char**>(std::calloc(paths.size() + 1, sizeof(char*)));
    if (!list)
        return -ENOMEM;
    for (std::size_t i = 0; i < paths.size(); ++i)
        list[i] = ::strdup(paths[i].c_str());
    *nodes = list;
    return 0;
}

int reply_settings(sd_bus_message* m, std::string const& text)
{
    sd_bus_message* raw = nullptr;
    int r = ::sd_bus_message_new_method_return(m, &raw);
    if (r < 0)
        return r;
    message_ptr reply(raw);
    r = ::sd_bus_message_open_container(reply.get(), 'a', "{ss}");
    for (std::size_t at = 0; r >= 0 && at < text.size();) {
        auto const eol = text.find('\n', at);
        std::string const line = text.substr(at, eol - at);
        at = eol == std::string::npos ? text.size() : eol + 1;
        auto const eq = line.find(" = ");
        if (eq != std::string::npos && !line.starts_with('#'))
            r = ::sd_bus_message_append(reply.get(), "{ss}", line.substr(0, eq).c_str(), line.c_str() + eq + 3);
    }
    if (r >= 0)
        r = ::sd_bus_message_close_container(reply.get());
    return r < 0 ? r : ::sd_bus_send(nullptr, reply.get(), nullptr);
}

void add_object_family(sd_bus* bus, std::vector<slot_ptr>& slots, char const* prefix, char const* interface,
                       sd_bus_vtable const* vtable, sd_bus_object_find_t find, sd_bus_node_enumerator_t enumerate,
                       void* userdata, char const* what)
{
    slot_ptr::pointer raw = nullptr;
    if (int r = ::sd_bus_add_fallback_vtable(bus, &raw, prefix, interface, vtable, find, userdata); r < 0)
        throw std::system_error(-r, std::generic_category(), std::string("cannot add the ") + what);
    slots.emplace_back(raw);
    raw = nullptr;
    if (int r = ::sd_bus_add_node_enumerator(bus, &raw, prefix, enumerate, userdata); r < 0)
        throw std::system_error(-r, std::generic_category(), std::string("cannot enumerate the ") + what);
    slots.emplace_back(raw);
}

} // namespace iscsid::dbus
