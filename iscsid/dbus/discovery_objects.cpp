// Discovery objects (service.hpp): the database's discovery records
// (SendTargets portals and iSNS servers that have one), read by anyone;
// Discover runs them again and Delete removes them with what they found,
// as iscsiadm -m discoverydb does, with polkit's consent.
//   /org/iscsiinitiator/Iscsid1/discovery/<type,address,port escaped>
#include "manager_calls.hpp"
#include "service.hpp"

#include "errors.hpp"
#include "object_helpers.hpp"
#include "iscsi/core/exit_status.hpp"
#include "iscsi/db/record_format.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <optional>

namespace iscsid::dbus {

namespace {

namespace db = iscsi::db;
using iscsi::exit_status;
using iscsi::to_int;

/// The kinds with records on the bus, and their names in paths and Type.
constexpr std::pair<db::discovery_kind, char const*> kinds[] = {{db::discovery_kind::sendtargets, "sendtargets"},
                                                                  {db::discovery_kind::isns, "isns"}};

/// "type,address,port": an address has no ','.
std::optional<db::discovery_record> discovery_at(service& s, char const* path)
{
    auto id = decode_path(path, discoveries_path);
    if (!id)
        return std::nullopt;
    auto const c1 = id->find(','), c2 = id->rfind(',');
    if (c1 == std::string::npos || c1 == c2)
        return std::nullopt;
    std::string const type = id->substr(0, c1);
    char* end = nullptr;
    long const port = std::strtol(id->c_str() + c2 + 1, &end, 10);
    if (*end || port < 1 || port > 65535)
        return std::nullopt;
    for (auto const& [kind, name] : kinds)
        if (type == name)
            if (auto r = s.store().read_discovery(kind, id->substr(c1 + 1, c2 - c1 - 1), static_cast<int>(port)))
                return *r;
    return std::nullopt;
}

char const* kind_name(db::discovery_kind k)
{
    for (auto const& [kind, name] : kinds)
        if (kind == k)
            return name;
    return "";
}

int find_discovery(sd_bus*, char const* path, char const*, void* userdata, void** found, sd_bus_error*)
{
    if (!discovery_at(service_of(userdata), path))
        return 0;
    *found = userdata;
    return 1;
}

int enumerate_discoveries(sd_bus*, char const*, void* userdata, char*** nodes, sd_bus_error*)
{
    std::vector<std::string> paths;
    for (auto const& [kind, name] : kinds)
        if (auto records = service_of(userdata).store().list_discovery(kind))
            for (auto const& r : *records)
                paths.push_back(encode_path(discoveries_path, std::string(name) + "," + r.address + "," +
                                                                  std::to_string(r.port)));
    return path_list(paths, nodes);
}

int get_property(sd_bus*, char const* path, char const*, char const* property, sd_bus_message* reply, void* userdata,
                 sd_bus_error* error)
{
    auto r = discovery_at(service_of(userdata), path);
    if (!r)
        return ::sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "no discovery record at %s", path);
    std::string_view const p(property);
    if (p == "Type")
        return ::sd_bus_message_append(reply, "s", kind_name(r->type));
    if (p == "address")
        return ::sd_bus_message_append(reply, "s", r->address.c_str());
    return ::sd_bus_message_append(reply, "i", r->port);
}

int get_settings(sd_bus_message* m, void* userdata, sd_bus_error*)
{
    auto r = discovery_at(service_of(userdata), ::sd_bus_message_get_path(m));
    if (!r)
        return reply_error(m, to_int(exit_status::no_objects_found), "the record is gone");
    return reply_settings(m, db::format_discovery(*r, db::print_style::show));
}

int discover_again(sd_bus_message* m, void* userdata, sd_bus_error*)
{
    options opts;
    std::string why;
    if (!read_options(m, opts, why))
        return reply_invalid_args(m, why);
    auto& s = service_of(userdata);
    auto r = discovery_at(s, ::sd_bus_message_get_path(m));
    if (!r)
        return reply_error(m, to_int(exit_status::no_objects_found), "the record is gone");
    s.authorize(m, [&s, r = *r, opts](message_ptr call) {
        auto const port = static_cast<std::uint16_t>(r.port);
        if (r.type == db::discovery_kind::isns)
            asio::co_spawn(s.io(), run_discover_isns(s, std::move(call), r.address, port, opts), asio::detached);
        else
            asio::co_spawn(s.io(), run_discover_send_targets(s, std::move(call), r.address, port, opts),
                           asio::detached);
    });
    return 1;
}

int delete_discovery(sd_bus_message* m, void* userdata, sd_bus_error*)
{
    auto& s = service_of(userdata);
    auto r = discovery_at(s, ::sd_bus_message_get_path(m));
    if (!r)
        return reply_error(m, to_int(exit_status::no_objects_found), "the record is gone");
    s.authorize(m, [&s, r = *r](message_ptr call) {
        db::store store(s.store().root());
        if (auto d = store.delete_discovery(r.type, r.address, r.port); !d)
            (void)reply_error(call.get(), to_int(exit_status::database), "cannot delete: " + d.error().message());
        else
            (void)::sd_bus_reply_method_return(call.get(), "");
        s.bus().wake();
    });
    return 1;
}

constexpr sd_bus_vtable discovery_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("GetSettings", "", "a{ss}", get_settings, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Discover", "a{sv}", "a(sisis)i", discover_again, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Delete", "", "", delete_discovery, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("Type", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("address", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("port", "i", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

} // namespace

void add_discovery_objects(service& s, std::vector<slot_ptr>& slots)
{
    add_object_family(s.bus().get(), slots, discoveries_path, discovery_interface, discovery_vtable, find_discovery, enumerate_discoveries, &s, "discovery objects");
}

} // namespace iscsid::dbus
