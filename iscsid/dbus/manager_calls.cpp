#include "manager_calls.hpp"

#include "discovery_login.hpp"
#include "errors.hpp"
#include "ipc_protocol.hpp"
#include "node_requests.hpp"

#include "daemon.hpp"
#include "iscsi/core/exit_status.hpp"
#include "iscsi/db/config.hpp"
#include "iscsi/db/schema.hpp"
#include "iscsi/transport/client_session.hpp"
#include "iscsi/transport/login_failure.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <systemd/sd-bus.h>

#include <algorithm>

namespace iscsid::dbus {

namespace db = iscsi::db;
using iscsi::exit_status;
using iscsi::to_int;

int reply_nodes(sd_bus_message* m, std::vector<found_node> const& nodes)
{
    sd_bus_message* raw = nullptr;
    int r = ::sd_bus_message_new_method_return(m, &raw);
    if (r < 0)
        return r;
    message_ptr reply(raw);
    r = ::sd_bus_message_open_container(reply.get(), 'a', "(sisis)");
    for (auto const& n : nodes) {
        if (r < 0)
            break;
        r = ::sd_bus_message_append(reply.get(), "(sisis)", n.name.c_str(), n.tpgt, n.address.c_str(), n.port,
                                    n.iface.c_str());
    }
    if (r >= 0)
        r = ::sd_bus_message_close_container(reply.get());
    if (r >= 0)
        r = ::sd_bus_message_append(reply.get(), "i", static_cast<std::int32_t>(nodes.size()));
    if (r < 0)
        return r;
    return ::sd_bus_send(nullptr, reply.get(), nullptr) < 0 ? -EIO : 1;
}

namespace {

/// udisks2's CHAP option names, and where they go.
void apply_chap_options(db::chap_settings& auth, options const& opts)
{
    if (auto it = opts.find("username"); it != opts.end()) {
        auth.authmethod = db::auth_method::chap;
        auth.username = it->second;
    }
    if (auto it = opts.find("password"); it != opts.end())
        auth.password = it->second;
    if (auto it = opts.find("reverse-username"); it != opts.end())
        auth.username_in = it->second;
    if (auto it = opts.find("reverse-password"); it != opts.end())
        auth.password_in = it->second;
}

bool is_chap_option(std::string const& k)
{
    return k == "username" || k == "password" || k == "reverse-username" || k == "reverse-password";
}

/// The address to connect to and to name records by, as iscsiadm does.
asio::awaitable<std::string> resolve(service& s, std::string const& host, std::string& why)
{
    asio::ip::tcp::resolver resolver(s.io());
    auto [ec, results] = co_await resolver.async_resolve(host, "", asio::as_tuple(asio::use_awaitable));
    if (ec || results.empty()) {
        why = "cannot resolve host name " + host + ": " + (ec ? ec.message() : "no address");
        co_return std::string();
    }
    co_return results.begin()->endpoint().address().to_string();
}

void fail(service& s, message_ptr const& call, exit_status code, std::string const& why)
{
    (void)reply_error(call.get(), to_int(code), why);
    s.bus().wake();
}

} // namespace

bool apply_options(db::node_record& r, options const& opts, std::string& why)
{
    apply_chap_options(r.session.auth, opts);
    for (auto const& [k, v] : opts) {
        if (is_chap_option(k))
            continue;
        auto const ref = db::find_node_field(k);
        if (!ref || !ref.modifiable()) {
            why = "option " + k + " is not a node setting that can be changed";
            return false;
        }
        if (db::set_node_value(r, ref, v) != db::parse_status::ok) {
            why = "option " + k + ": value '" + v + "' is not valid";
            return false;
        }
    }
    return true;
}

asio::awaitable<void> run_discover_send_targets(service& s, message_ptr call, std::string host, std::uint16_t port,
                                                options opts)
{
    std::string why;
    auto resolving = resolve(s, host, why);
    auto const address = co_await std::move(resolving);
    if (address.empty())
        co_return fail(s, call, exit_status::host_not_found, why);
    db::store store(s.store().root());
    auto conf = db::load_config(store.config_file());
    auto const defaults = conf ? *conf : db::default_config();
    auto disc = store.read_discovery(db::discovery_kind::sendtargets, address, port);
    if (!disc)
        disc = db::make_discovery_record(defaults, db::discovery_kind::sendtargets, address, port);
    apply_chap_options(disc->auth, opts);
    auto id = db::load_initiator_identity(s.owner().initiator_name_file());
    if (!id)
        co_return fail(s, call, exit_status::database,
                       "no initiator name in " + s.owner().initiator_name_file().string());
    iscsi::transport::connect_options copts;
    copts.connect_timeout = std::chrono::seconds(std::max(1, disc->login_timeout));
    iscsi::diagnostics diag;
    auto discovering = iscsi::transport::discover_sendtargets(
        s.io().get_executor(), {address, port, std::nullopt}, discovery_login_params(*disc, id->name), copts, &diag);
    auto targets = co_await std::move(discovering);
    if (!targets)
        co_return fail(s, call, iscsi::transport::status_of_login_failure(targets.error()),
                       "SendTargets discovery from " + address + "," + std::to_string(port) + ": " +
                           (diag.message.empty() ? targets.error().message() : diag.message));
    auto iface = store.read_iface("default");
    std::vector<db::node_record> nodes;
    std::vector<found_node> found;
    for (auto const& t : *targets)
        for (auto const& tp : t.portals) {
            int const tpgt = tp.tpgt ? int{*tp.tpgt} : 1;
            nodes.push_back(db::make_discovered_record(defaults, *disc, t.name, tp.address, tp.port, tpgt,
                                                       iface ? *iface : db::iface_record{}));
            found.push_back({t.name, tpgt, tp.address, int{tp.port}, "default"});
        }
    if (auto saved = store.save_discovered(*disc, nodes, {}); !saved)
        co_return fail(s, call, exit_status::database, "cannot store the records: " + saved.error().message());
    (void)reply_nodes(call.get(), found);
    s.bus().wake();
}

asio::awaitable<void> run_login(service& s, message_ptr call, db::node_key key, options opts)
{
    db::store store(s.store().root());
    if (!store.read_node(key))
        co_return fail(s, call, exit_status::no_objects_found,
                       "no record found for " + key.target + " at " + key.address + "," + std::to_string(key.port));
    if (!opts.empty()) {
        std::string why;
        auto updated = store.update_node(key, [&](db::node_record& r) -> iscsi::result<void> {
            if (!apply_options(r, opts, why))
                return make_error_code(std::errc::invalid_argument);
            return {};
        });
        if (!updated)
            co_return fail(s, call, why.empty() ? exit_status::database : exit_status::invalid,
                           why.empty() ? updated.error().message() : why);
    }
    auto asking = s.ask(login_request(key));
    auto answer = co_await std::move(asking);
    if (auto st = answer.get_int("status").value_or(1); st != 0)
        co_return fail(s, call, static_cast<exit_status>(st), answer.get("message").value_or(""));
    (void)::sd_bus_reply_method_return(call.get(), "");
    s.bus().wake();
}

asio::awaitable<void> run_logout(service& s, message_ptr call, db::node_key key, options opts)
{
    std::optional<std::uint32_t> sid;
    for (auto const& [id, v] : s.sessions())
        if (v.key.target == key.target && v.key.address == key.address && v.key.port == key.port &&
            v.key.iface == key.iface)
            sid = id;
    if (!sid)
        co_return fail(s, call, exit_status::session_not_found,
                       "no session to " + key.target + " at " + key.address + "," + std::to_string(key.port));
    if (!opts.empty()) { // e.g. node.startup = manual, kept for the next boot
        std::string why;
        db::store store(s.store().root());
        auto updated = store.update_node(key, [&](db::node_record& r) -> iscsi::result<void> {
            if (!apply_options(r, opts, why))
                return make_error_code(std::errc::invalid_argument);
            return {};
        });
        if (!updated)
            co_return fail(s, call, why.empty() ? exit_status::database : exit_status::invalid,
                           why.empty() ? updated.error().message() : why);
    }
    co_await logout_session(s, std::move(call), *sid);
}

asio::awaitable<void> logout_session(service& s, message_ptr call, std::uint32_t sid)
{
    iscsid::ipc_message req;
    req.add("op", "logout").add("sid", static_cast<long long>(sid));
    auto asking = s.ask(std::move(req));
    auto answer = co_await std::move(asking);
    if (auto st = answer.get_int("status").value_or(1); st != 0)
        co_return fail(s, call, static_cast<exit_status>(st), answer.get("message").value_or(""));
    (void)::sd_bus_reply_method_return(call.get(), "");
    s.bus().wake();
}

} // namespace iscsid::dbus
