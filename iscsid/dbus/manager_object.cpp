// Manager.ISCSI.Initiator (service.hpp): the initiator name, discovery,
// login and logout by node. One static vtable; the slow methods continue
// in manager_calls.cpp and reply from there.
#include "manager_calls.hpp"

#include "errors.hpp"
#include "service.hpp"

#include "daemon.hpp"
#include "iscsi/core/exit_status.hpp"
#include "iscsi/db/config.hpp"
#include "iscsi/ibft/firmware.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace iscsid::dbus {

namespace {

using iscsi::exit_status;
using iscsi::to_int;

int get_initiator_name(sd_bus_message* m, void* userdata, sd_bus_error*)
{
    auto const file = service_of(userdata).owner().initiator_name_file();
    auto id = iscsi::db::load_initiator_identity(file);
    if (!id)
        return reply_error(m, to_int(exit_status::no_objects_found),
                           "no initiator name in " + file.string() + " (" + id.error().message() + ")");
    return ::sd_bus_reply_method_return(m, "s", id->name.c_str());
}

/// The value after "InitiatorName=" exactly as the file has it (udisks2's
/// "raw": no trimming, no checks).
int get_initiator_name_raw(sd_bus_message* m, void* userdata, sd_bus_error*)
{
    auto const file = service_of(userdata).owner().initiator_name_file();
    std::ifstream in(file);
    constexpr std::string_view key = "InitiatorName=";
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(key))
            return ::sd_bus_reply_method_return(m, "s", line.c_str() + key.size());
    return reply_error(m, to_int(exit_status::no_objects_found), "no InitiatorName line in " + file.string());
}

/// RFC 7143 §4.2.7.1: iqn., eui. or naa. names (the type is what a target
/// checks first); blanks are refused by the store.
bool plausible_iscsi_name(std::string_view n)
{
    return n.size() > 4 && n.size() <= 223 && (n.starts_with("iqn.") || n.starts_with("eui.") || n.starts_with("naa."));
}

int set_initiator_name(sd_bus_message* m, void* userdata, sd_bus_error*)
{
    char const* name = nullptr;
    if (int r = ::sd_bus_message_read(m, "s", &name); r < 0)
        return r;
    options opts;
    std::string why;
    if (!read_options(m, opts, why))
        return reply_invalid_args(m, why);
    if (!plausible_iscsi_name(name))
        return reply_invalid_args(m, std::string("not an iSCSI name (iqn., eui. or naa.): ") + name);
    auto& s = service_of(userdata);
    s.authorize(m, [&s, n = std::string(name)](message_ptr call) {
        auto const file = s.owner().initiator_name_file();
        iscsi::db::initiator_identity id;
        if (auto old = iscsi::db::load_initiator_identity(file))
            id.alias = old->alias; // the alias stays
        id.name = n;
        iscsi::db::store target(file.parent_path());
        auto w = file == target.initiator_name_file() ? target.write_initiator_identity(id)
                                                       : iscsi::result<void>(make_error_code(std::errc::not_supported));
        if (!w)
            (void)reply_error(call.get(), to_int(exit_status::database),
                              "cannot write " + file.string() + ": " + w.error().message());
        else
            (void)::sd_bus_reply_method_return(call.get(), "");
        s.bus().wake();
    });
    return 1;
}

iscsi::ibft::firmware_options firmware_source()
{
    iscsi::ibft::firmware_options o;
    if (char const* sys = std::getenv("ISCSI_SYSFS"); sys && *sys)
        o.sys = sys;
    return o;
}

int get_firmware_initiator_name(sd_bus_message* m, void*, sd_bus_error*)
{
    auto fw = iscsi::ibft::read_firmware(firmware_source());
    if (!fw || fw->entries.empty())
        return reply_error(m, to_int(exit_status::no_objects_found),
                           "no iSCSI Boot Firmware Table (" + (fw ? std::string("no boot targets") : fw.error().message()) + ")");
    return ::sd_bus_reply_method_return(m, "s", fw->entries.front().initiator_name.c_str());
}

int discover_firmware(sd_bus_message* m, void*, sd_bus_error*)
{
    options opts;
    std::string why;
    if (!read_options(m, opts, why))
        return reply_invalid_args(m, why);
    auto fw = iscsi::ibft::read_firmware(firmware_source());
    if (!fw)
        return reply_error(m, to_int(exit_status::no_objects_found),
                           "no iSCSI Boot Firmware Table (" + fw.error().message() + ")");
    std::vector<found_node> nodes;
    for (auto const& e : fw->entries)
        nodes.push_back({e.target_name, 1, e.target_ip, e.target_port, "default"});
    return reply_nodes(m, nodes);
}

/// DiscoverSendTargets and DiscoverISNS: (s address, q port, a{sv} options).
int discover(sd_bus_message* m, void* userdata, bool isns)
{
    char const* address = nullptr;
    std::uint16_t port = 0;
    if (int r = ::sd_bus_message_read(m, "sq", &address, &port); r < 0)
        return r;
    options opts;
    std::string why;
    if (!read_options(m, opts, why))
        return reply_invalid_args(m, why);
    if (!*address)
        return reply_invalid_args(m, "no address to discover from");
    auto& s = service_of(userdata);
    std::uint16_t const p = port ? port : (isns ? 3205 : 3260);
    s.authorize(m, [&s, a = std::string(address), p, opts, isns](message_ptr call) {
        if (isns)
            asio::co_spawn(s.io(), run_discover_isns(s, std::move(call), a, p, opts), asio::detached);
        else
            asio::co_spawn(s.io(), run_discover_send_targets(s, std::move(call), a, p, opts), asio::detached);
    });
    return 1;
}

int discover_send_targets(sd_bus_message* m, void* userdata, sd_bus_error*) { return discover(m, userdata, false); }
int discover_isns(sd_bus_message* m, void* userdata, sd_bus_error*) { return discover(m, userdata, true); }

/// Login and Logout take the same arguments: (name, tpgt, address, port, iface, options).
int read_node_call(sd_bus_message* m, iscsi::db::node_key& key, options& opts)
{
    char const *name = nullptr, *address = nullptr, *iface = nullptr;
    std::int32_t tpgt = 0, port = 0;
    if (int r = ::sd_bus_message_read(m, "sisis", &name, &tpgt, &address, &port, &iface); r < 0)
        return r;
    std::string why;
    if (!read_options(m, opts, why))
        return reply_invalid_args(m, why);
    if (!*name || !*address)
        return reply_invalid_args(m, "a node needs a name and an address");
    if (port < 0 || port > 65535)
        return reply_invalid_args(m, "port " + std::to_string(port) + " is out of range");
    key = {name, address, port ? port : 3260, tpgt, *iface ? iface : "default"};
    return 0;
}

/// Login and Logout by node: the same arguments, then the same steps.
int node_method(sd_bus_message* m, void* userdata, bool logging_in)
{
    iscsi::db::node_key key;
    options opts;
    if (int r = read_node_call(m, key, opts); r != 0)
        return r;
    auto& s = service_of(userdata);
    s.authorize(m, [&s, key, opts, logging_in](message_ptr call) {
        if (logging_in)
            asio::co_spawn(s.io(), run_login(s, std::move(call), key, opts), asio::detached);
        else
            asio::co_spawn(s.io(), run_logout(s, std::move(call), key, opts), asio::detached);
    });
    return 1;
}

int login(sd_bus_message* m, void* userdata, sd_bus_error*) { return node_method(m, userdata, true); }
int logout(sd_bus_message* m, void* userdata, sd_bus_error*) { return node_method(m, userdata, false); }

int sessions_supported(sd_bus*, char const*, char const*, char const*, sd_bus_message* reply, void*, sd_bus_error*)
{
    return ::sd_bus_message_append(reply, "b", 1);
}

constexpr sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("GetFirmwareInitiatorName", "", "s", get_firmware_initiator_name, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetInitiatorName", "", "s", get_initiator_name, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetInitiatorNameRaw", "", "s", get_initiator_name_raw, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetInitiatorName", "sa{sv}", "", set_initiator_name, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("DiscoverSendTargets", "sqa{sv}", "a(sisis)i", discover_send_targets, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("DiscoverFirmware", "a{sv}", "a(sisis)i", discover_firmware, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("DiscoverISNS", "sqa{sv}", "a(sisis)i", discover_isns, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Login", "sisisa{sv}", "", login, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Logout", "sisisa{sv}", "", logout, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("SessionsSupported", "b", sessions_supported, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

} // namespace

void add_manager_object(service& s, std::vector<slot_ptr>& slots)
{
    slot_ptr::pointer raw = nullptr;
    if (int r = ::sd_bus_add_object_vtable(s.bus().get(), &raw, manager_path, manager_interface, manager_vtable, &s);
        r < 0)
        throw std::system_error(-r, std::generic_category(), "cannot add the Manager object");
    slots.emplace_back(raw);
}

} // namespace iscsid::dbus
