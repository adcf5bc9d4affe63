// Node and Discovery objects (service.hpp), what udisks2 never had: the
// database's records on the bus, read by anyone, changed with polkit's
// consent. Each is a fallback vtable with an enumerator that reads the
// database when asked, so records that iscsiadm writes show up too; there
// are no signals for them (nothing watches the files).
//   /org/iscsiinitiator/Iscsid1/node/<target,address,port,tpgt,iface escaped>
//   /org/iscsiinitiator/Iscsid1/discovery/<type,address,port escaped>
#include "manager_calls.hpp"
#include "service.hpp"

#include "errors.hpp"
#include "object_helpers.hpp"
#include "iscsi/core/exit_status.hpp"
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/schema.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

namespace iscsid::dbus {

namespace {

namespace db = iscsi::db;
using iscsi::exit_status;
using iscsi::to_int;

/// "target,address,port,tpgt,iface": a target name has no ',' (RFC 7143
/// §4.2.7.1), an address neither, so the commas split it.
std::string node_id(db::node_key const& k)
{
    return k.target + "," + k.address + "," + std::to_string(k.port) + "," + std::to_string(k.tpgt) + "," + k.iface;
}

std::optional<db::node_key> parse_node_id(std::string const& id)
{
    std::vector<std::string> part;
    for (std::size_t from = 0;;) {
        auto const comma = id.find(',', from);
        part.push_back(id.substr(from, comma - from));
        if (comma == std::string::npos)
            break;
        from = comma + 1;
    }
    if (part.size() != 5)
        return std::nullopt;
    char* end = nullptr;
    long const port = std::strtol(part[2].c_str(), &end, 10);
    if (*end || port < 1 || port > 65535)
        return std::nullopt;
    long const tpgt = std::strtol(part[3].c_str(), &end, 10);
    if (*end)
        return std::nullopt;
    return db::node_key{part[0], part[1], static_cast<int>(port), static_cast<int>(tpgt), part[4]};
}

/// The record a path names, with its key; nullopt when there is none.
std::optional<std::pair<db::node_key, db::node_record>> node_at(service& s, char const* path)
{
    auto id = decode_path(path, nodes_path);
    auto key = id ? parse_node_id(*id) : std::nullopt;
    if (!key)
        return std::nullopt;
    auto rec = s.store().read_node(*key);
    if (!rec)
        return std::nullopt;
    return std::pair{*key, std::move(*rec)};
}

// --- Node ---------------------------------------------------------------

int find_node(sd_bus*, char const* path, char const*, void* userdata, void** found, sd_bus_error*)
{
    if (!node_at(service_of(userdata), path))
        return 0;
    *found = userdata;
    return 1;
}

int enumerate_nodes(sd_bus*, char const*, void* userdata, char*** nodes, sd_bus_error*)
{
    std::vector<std::string> paths;
    if (auto keys = service_of(userdata).store().list_nodes())
        for (auto const& k : *keys)
            paths.push_back(encode_path(nodes_path, node_id(k)));
    return path_list(paths, nodes);
}

int get_node_property(sd_bus*, char const* path, char const*, char const* property, sd_bus_message* reply,
                      void* userdata, sd_bus_error* error)
{
    auto node = node_at(service_of(userdata), path);
    if (!node)
        return ::sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "no node record at %s", path);
    auto const& [key, rec] = *node;
    std::string_view const p(property);
    if (p == "target_name")
        return ::sd_bus_message_append(reply, "s", key.target.c_str());
    if (p == "address")
        return ::sd_bus_message_append(reply, "s", key.address.c_str());
    if (p == "port")
        return ::sd_bus_message_append(reply, "i", key.port);
    if (p == "tpgt")
        return ::sd_bus_message_append(reply, "i", key.tpgt);
    if (p == "Interface")
        return ::sd_bus_message_append(reply, "s", key.iface.c_str());
    auto const startup = db::get_node_value(rec, db::find_node_field("node.startup"));
    return ::sd_bus_message_append(reply, "s", startup.c_str());
}

int node_get_settings(sd_bus_message* m, void* userdata, sd_bus_error*)
{
    auto node = node_at(service_of(userdata), ::sd_bus_message_get_path(m));
    if (!node)
        return reply_error(m, to_int(exit_status::no_objects_found), "the record is gone");
    return reply_settings(m, db::format_node(node->second, db::print_style::show));
}

/// Update, Delete, Login and Logout of a node: options, then authorize.
int node_call(sd_bus_message* m, void* userdata, std::string const& what)
{
    options opts;
    std::string why;
    if (what != "Delete" && !read_options(m, opts, why))
        return reply_invalid_args(m, why);
    auto& s = service_of(userdata);
    auto node = node_at(s, ::sd_bus_message_get_path(m));
    if (!node)
        return reply_error(m, to_int(exit_status::no_objects_found), "the record is gone");
    s.authorize(m, [&s, key = node->first, opts, what](message_ptr call) {
        if (what == "Login")
            return asio::co_spawn(s.io(), run_login(s, std::move(call), key, opts), asio::detached);
        if (what == "Logout")
            return asio::co_spawn(s.io(), run_logout(s, std::move(call), key, opts), asio::detached);
        reply_record_change(s, call, key, what == "Delete" ? nullptr : &opts);
    });
    return 1;
}

int node_update(sd_bus_message* m, void* u, sd_bus_error*) { return node_call(m, u, "Update"); }
int node_delete(sd_bus_message* m, void* u, sd_bus_error*) { return node_call(m, u, "Delete"); }
int node_login(sd_bus_message* m, void* u, sd_bus_error*) { return node_call(m, u, "Login"); }
int node_logout(sd_bus_message* m, void* u, sd_bus_error*) { return node_call(m, u, "Logout"); }

constexpr sd_bus_vtable node_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("GetSettings", "", "a{ss}", node_get_settings, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Update", "a{sv}", "", node_update, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Delete", "", "", node_delete, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Login", "a{sv}", "", node_login, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Logout", "a{sv}", "", node_logout, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("target_name", "s", get_node_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("tpgt", "i", get_node_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("address", "s", get_node_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("port", "i", get_node_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Interface", "s", get_node_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Startup", "s", get_node_property, 0, 0),
    SD_BUS_VTABLE_END,
};

} // namespace

void add_node_objects(service& s, std::vector<slot_ptr>& slots)
{
    add_object_family(s.bus().get(), slots, nodes_path, node_interface, node_vtable, find_node, enumerate_nodes, &s, "node objects");
}

} // namespace iscsid::dbus
