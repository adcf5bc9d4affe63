#include "service.hpp"

#include "daemon.hpp"
#include "ipc_protocol.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <systemd/sd-bus.h>

#include <iostream>
#include <system_error>

namespace iscsid::dbus {

std::string session_path(std::uint32_t sid) { return std::string(sessions_path) + "/session" + std::to_string(sid); }

bool read_options(sd_bus_message* m, options& out, std::string& why)
{
    if (::sd_bus_message_enter_container(m, 'a', "{sv}") < 0) {
        why = "the options must be an a{sv}";
        return false;
    }
    for (;;) {
        int r = ::sd_bus_message_enter_container(m, 'e', "sv");
        if (r == 0)
            break;
        char const* key = nullptr;
        char const* value = nullptr;
        if (r < 0 || ::sd_bus_message_read(m, "s", &key) < 0) {
            why = "cannot read the options";
            return false;
        }
        if (::sd_bus_message_enter_container(m, 'v', "s") < 0) {
            why = std::string("option ") + key + " must be a string";
            return false;
        }
        if (::sd_bus_message_read(m, "s", &value) < 0 || ::sd_bus_message_exit_container(m) < 0 ||
            ::sd_bus_message_exit_container(m) < 0) {
            why = "cannot read the options";
            return false;
        }
        out[key] = value;
    }
    return ::sd_bus_message_exit_container(m) >= 0;
}

service::service(asio::io_context& io, connection& bus, iscsid::daemon& d) : io_(io), bus_(bus), daemon_(d) {}

service::~service() = default;

iscsi::db::store const& service::store() const noexcept { return daemon_.store(); }

void service::start()
{
    slot_ptr::pointer raw = nullptr;
    if (int r = ::sd_bus_add_object_manager(bus_.get(), &raw, root_path); r < 0)
        throw std::system_error(-r, std::generic_category(), "sd_bus_add_object_manager");
    slots_.emplace_back(raw);
    add_manager_object(*this, slots_);
    add_session_objects(*this, slots_);
    add_node_objects(*this, slots_);
    add_discovery_objects(*this, slots_);
    if (int r = ::sd_bus_request_name(bus_.get(), bus_name, 0); r < 0)
        throw std::system_error(-r, std::generic_category(), std::string("cannot own ") + bus_name);
    bus_.start();
    sessions_changed();
}

asio::awaitable<iscsid::ipc_message> service::ask(iscsid::ipc_message req)
{
    auto answer = daemon_.handle(req);
    co_return co_await std::move(answer);
}

void service::sessions_changed()
{
    if (syncing_) {
        sync_again_ = true;
        return;
    }
    syncing_ = true;
    asio::co_spawn(io_, sync_sessions(), asio::detached);
}

namespace {

/// The sessions of a list answer: each starts at its "sid".
std::map<std::uint32_t, session_view> parse_list(iscsid::ipc_message const& m)
{
    std::map<std::uint32_t, session_view> out;
    session_view* v = nullptr;
    for (auto const& [k, value] : m.fields()) {
        if (k == "sid") {
            auto const sid = static_cast<std::uint32_t>(std::stoul(value));
            v = &out[sid];
            v->sid = sid;
        } else if (!v) {
            continue;
        } else if (k == "target") {
            v->key.target = value;
        } else if (k == "address") {
            v->key.address = value;
        } else if (k == "port") {
            v->key.port = std::stoi(value);
        } else if (k == "tpgt") {
            v->key.tpgt = std::stoi(value);
        } else if (k == "iface") {
            v->key.iface = value;
        } else if (k == "iscsid_state") {
            v->state = value == "REOPEN" ? "RECOVERING" : "LOGGED_IN";
        } else if (k == "data_path") {
            v->data_path = value;
        } else if (k == "device") {
            v->devices.push_back(value);
        }
    }
    return out;
}

} // namespace

/// Brings the objects in line with the daemon's sessions. A change while
/// this runs makes it run once more.
asio::awaitable<void> service::sync_sessions()
{
    do {
        sync_again_ = false;
        iscsid::ipc_message req;
        req.add("op", "list");
        auto answer = co_await ask(std::move(req));
        auto now = parse_list(answer);
        for (auto const& [sid, old] : sessions_)
            if (!now.contains(sid)) // announced while the object is still found
                (void)::sd_bus_emit_object_removed(bus_.get(), session_path(sid).c_str());
        auto before = std::exchange(sessions_, std::move(now));
        for (auto const& [sid, v] : sessions_) {
            auto const path = session_path(sid);
            auto it = before.find(sid);
            if (it == before.end())
                (void)::sd_bus_emit_object_added(bus_.get(), path.c_str());
            else if (it->second.state != v.state)
                (void)::sd_bus_emit_properties_changed(bus_.get(), path.c_str(), session_interface, "State", nullptr);
        }
        bus_.wake();
    } while (sync_again_);
    syncing_ = false;
}

} // namespace iscsid::dbus
