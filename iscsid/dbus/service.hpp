/**
 * @file
 * iscsid on D-Bus (docs/dbus-api.md): the names, and the service that
 * owns the bus objects. The interfaces mirror udisks2's iSCSI module, so a
 * client ports by renaming org.freedesktop.UDisks2 to
 * org.iscsiinitiator.Iscsid1 (and /org/freedesktop/UDisks2 to
 * /org/iscsiinitiator/Iscsid1):
 *   - Manager.ISCSI.Initiator on /org/iscsiinitiator/Iscsid1/Manager
 *     (manager_object.cpp);
 *   - ISCSI.Session on /org/iscsiinitiator/Iscsid1/iscsi/session<sid>, one
 *     object per session (session_objects.cpp), announced through
 *     org.freedesktop.DBus.ObjectManager on /org/iscsiinitiator/Iscsid1;
 *   - beyond udisks2, Node and Discovery objects for the database's
 *     records (record_objects.cpp, discovery_objects.cpp).
 * Handlers are thin: they read their arguments, ask the daemon (the same
 * requests iscsiadm sends, daemon::handle) or the database, and reply;
 * the slow ones reply later from a coroutine.
 */
#pragma once

#include "bus.hpp"

#include "iscsi/db/records.hpp"
#include "iscsi/db/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace iscsid {
class daemon;
class ipc_message;
} // namespace iscsid

namespace iscsid::dbus {

inline constexpr char const* bus_name = "org.iscsiinitiator.Iscsid1";
inline constexpr char const* root_path = "/org/iscsiinitiator/Iscsid1";
inline constexpr char const* manager_path = "/org/iscsiinitiator/Iscsid1/Manager";
inline constexpr char const* manager_interface = "org.iscsiinitiator.Iscsid1.Manager.ISCSI.Initiator";
inline constexpr char const* sessions_path = "/org/iscsiinitiator/Iscsid1/iscsi";
inline constexpr char const* session_interface = "org.iscsiinitiator.Iscsid1.ISCSI.Session";
inline constexpr char const* nodes_path = "/org/iscsiinitiator/Iscsid1/node";
inline constexpr char const* node_interface = "org.iscsiinitiator.Iscsid1.Node";
inline constexpr char const* discoveries_path = "/org/iscsiinitiator/Iscsid1/discovery";
inline constexpr char const* discovery_interface = "org.iscsiinitiator.Iscsid1.Discovery";
/// The polkit action of every method that changes something.
inline constexpr char const* manage_action = "org.iscsiinitiator.Iscsid1.manage-iscsi";

/// A session as the daemon lists it.
struct session_view {
    std::uint32_t sid = 0;
    iscsi::db::node_key key;
    std::string state;     ///< "LOGGED_IN" or "RECOVERING"
    std::string data_path; ///< "kernel" or "user"
    std::vector<std::string> devices;
    friend bool operator==(session_view const&, session_view const&) = default;
};

/// String options of a method (a{sv} whose values are strings).
using options = std::map<std::string, std::string>;

class service {
public:
    service(asio::io_context& io, connection& bus, iscsid::daemon& d);
    ~service();
    service(service const&) = delete;
    service& operator=(service const&) = delete;

    /// Registers the objects and takes the bus name. Throws std::system_error.
    void start();
    /// The daemon's sessions changed: objects are added and removed, and
    /// PropertiesChanged is sent for a state that moved.
    void sessions_changed();

    // --- for the handlers (manager_object.cpp, session_objects.cpp) ---
    [[nodiscard]] asio::io_context& io() noexcept { return io_; }
    [[nodiscard]] connection& bus() noexcept { return bus_; }
    [[nodiscard]] iscsid::daemon& owner() noexcept { return daemon_; }
    [[nodiscard]] iscsi::db::store const& store() const noexcept;
    [[nodiscard]] std::map<std::uint32_t, session_view> const& sessions() const noexcept { return sessions_; }
    /// Runs `then` once the sender of `m` may change things: root always,
    /// anyone else when polkit grants manage_action. Otherwise replies
    /// org.freedesktop.DBus.Error.AccessDenied itself.
    void authorize(sd_bus_message* m, std::function<void(message_ptr)> then);
    /// Asks the daemon; the answer's status is 0 on success.
    asio::awaitable<iscsid::ipc_message> ask(iscsid::ipc_message req);

private:
    asio::awaitable<void> sync_sessions();

    asio::io_context& io_;
    connection& bus_;
    iscsid::daemon& daemon_;
    std::vector<slot_ptr> slots_;
    std::map<std::uint32_t, session_view> sessions_;
    bool syncing_ = false, sync_again_ = false;
};

/// The service a vtable callback gets as its userdata.
inline service& service_of(void* userdata) { return *static_cast<service*>(userdata); }

/// The bus connection and the service on it, as main() keeps them.
struct api {
    api(asio::io_context& io, iscsid::daemon& d) : conn(io), svc(io, conn, d) {}
    connection conn;
    service svc;
};

/// The object path of session `sid`.
[[nodiscard]] std::string session_path(std::uint32_t sid);

/// Reads an a{sv} of string values; false (and `why`) for another value type.
[[nodiscard]] bool read_options(sd_bus_message* m, options& out, std::string& why);

/// The objects' vtables (one per interface), in their files.
void add_manager_object(service& s, std::vector<slot_ptr>& slots);
void add_session_objects(service& s, std::vector<slot_ptr>& slots);
void add_node_objects(service& s, std::vector<slot_ptr>& slots);
void add_discovery_objects(service& s, std::vector<slot_ptr>& slots);

} // namespace iscsid::dbus
