// ISCSI.Session (service.hpp): one object per session of the daemon, served
// by one fallback vtable under /org/iscsiinitiator/Iscsid1/iscsi with an
// enumerator (systemd machined's pattern), so objects come and go with the
// daemon's sessions without a registration each.
#include "manager_calls.hpp"
#include "service.hpp"

#include "errors.hpp"
#include "object_helpers.hpp"
#include "iscsi/core/exit_status.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>

namespace iscsid::dbus {

namespace {

/// The session an object path names: ".../iscsi/session<sid>".
session_view const* session_at(service& s, char const* path)
{
    std::string const prefix = std::string(sessions_path) + "/session";
    std::string_view p(path);
    if (!p.starts_with(prefix) || p.size() == prefix.size())
        return nullptr;
    char* end = nullptr;
    unsigned long const sid = std::strtoul(path + prefix.size(), &end, 10);
    if (*end != '\0')
        return nullptr;
    auto it = s.sessions().find(static_cast<std::uint32_t>(sid));
    return it == s.sessions().end() ? nullptr : &it->second;
}

/// The object's userdata stays the service: getters look the session up
/// again, so a session that just went is never read through a stale pointer.
int find_session(sd_bus*, char const* path, char const*, void* userdata, void** found, sd_bus_error*)
{
    if (!session_at(service_of(userdata), path))
        return 0;
    *found = userdata;
    return 1;
}

int enumerate_sessions(sd_bus*, char const*, void* userdata, char*** nodes, sd_bus_error*)
{
    std::vector<std::string> paths;
    for (auto const& [sid, v] : service_of(userdata).sessions())
        paths.push_back(session_path(sid));
    return path_list(paths, nodes);
}

/// The timeouts udisks2 shows, from the node record (0 when it is gone).
int record_timeout(service& s, session_view const& v, char const* property)
{
    auto rec = s.store().read_node(v.key);
    if (!rec)
        return 0;
    std::string_view const p(property);
    if (p == "abort_timeout")
        return rec->session.abort_timeout;
    if (p == "lu_reset_timeout")
        return rec->session.lu_reset_timeout;
    if (p == "tgt_reset_timeout")
        return rec->session.tgt_reset_timeout;
    return rec->session.replacement_timeout; // recovery_timeout
}

int get_property(sd_bus*, char const* path, char const*, char const* property, sd_bus_message* reply, void* userdata,
                 sd_bus_error* error)
{
    auto& s = service_of(userdata);
    auto const* v = session_at(s, path);
    if (!v)
        return ::sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "no session at %s", path);
    std::string_view const p(property);
    // persistent_*: where the record points; a redirect is not followed
    // by the record, so they equal address and port.
    if (p == "target_name")
        return ::sd_bus_message_append(reply, "s", v->key.target.c_str());
    if (p == "address" || p == "persistent_address")
        return ::sd_bus_message_append(reply, "s", v->key.address.c_str());
    if (p == "port" || p == "persistent_port")
        return ::sd_bus_message_append(reply, "i", v->key.port);
    if (p == "tpgt")
        return ::sd_bus_message_append(reply, "i", v->key.tpgt);
    if (p == "State")
        return ::sd_bus_message_append(reply, "s", v->state.c_str());
    if (p == "DataPath")
        return ::sd_bus_message_append(reply, "s", v->data_path.c_str());
    if (p == "Interface")
        return ::sd_bus_message_append(reply, "s", v->key.iface.c_str());
    if (p == "Id")
        return ::sd_bus_message_append(reply, "u", v->sid);
    return ::sd_bus_message_append(reply, "i", record_timeout(s, *v, property));
}

int logout_call(sd_bus_message* m, void* userdata, bool with_iface)
{
    if (with_iface) {
        char const* iface = nullptr; // udisks2 takes it; the session knows its iface
        if (int r = ::sd_bus_message_read(m, "s", &iface); r < 0)
            return r;
    }
    options opts;
    std::string why;
    if (!read_options(m, opts, why))
        return reply_invalid_args(m, why);
    auto& s = service_of(userdata);
    auto const* v = session_at(s, ::sd_bus_message_get_path(m));
    if (!v)
        return reply_error(m, iscsi::to_int(iscsi::exit_status::session_not_found), "the session is gone");
    s.authorize(m, [&s, key = v->key, opts](message_ptr call) {
        asio::co_spawn(s.io(), run_logout(s, std::move(call), key, opts), asio::detached);
    });
    return 1;
}

int logout(sd_bus_message* m, void* userdata, sd_bus_error*) { return logout_call(m, userdata, false); }
int logout_interface(sd_bus_message* m, void* userdata, sd_bus_error*) { return logout_call(m, userdata, true); }

constexpr sd_bus_vtable session_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Logout", "a{sv}", "", logout, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("LogoutInterface", "sa{sv}", "", logout_interface, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("target_name", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("tpgt", "i", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("address", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("port", "i", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("persistent_address", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("persistent_port", "i", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("abort_timeout", "i", get_property, 0, 0),
    SD_BUS_PROPERTY("lu_reset_timeout", "i", get_property, 0, 0),
    SD_BUS_PROPERTY("recovery_timeout", "i", get_property, 0, 0),
    SD_BUS_PROPERTY("tgt_reset_timeout", "i", get_property, 0, 0),
    SD_BUS_PROPERTY("Id", "u", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Interface", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("DataPath", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("State", "s", get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_VTABLE_END,
};

} // namespace

void add_session_objects(service& s, std::vector<slot_ptr>& slots)
{
    add_object_family(s.bus().get(), slots, sessions_path, session_interface, session_vtable, find_session, enumerate_sessions, &s, "session objects");
}

} // namespace iscsid::dbus
