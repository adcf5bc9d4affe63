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
#include "iscsi/transport/isns.hpp"
#include "iscsi/discovery/isns/errors.hpp"
#include "iscsi/transport/login_failure.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <systemd/sd-bus.h>

#include <algorithm>
#include <cstring>
#include <optional>

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

/// The record key (after "node.session.auth." or "discovery.sendtargets.auth.")
/// that a udisks2 CHAP option name sets; empty for other names.
std::string_view chap_key(std::string_view option) noexcept
{
    if (option == "username")
        return "username";
    if (option == "password")
        return "password";
    if (option == "reverse-username")
        return "username_in";
    if (option == "reverse-password")
        return "password_in";
    return {};
}

/// The CHAP options of a discovery, through the discovery record's schema
/// (a value it refuses is refused; a refused secret is never echoed back).
bool apply_discovery_options(db::discovery_record& d, options const& opts, std::string& why)
{
    for (auto const& [k, v] : opts) {
        auto const chap = chap_key(k);
        auto const* field =
            chap.empty() ? nullptr : db::find_discovery_field(d.type, "discovery.sendtargets.auth." + std::string(chap));
        if (!field) {
            why = "option " + k + " is not a discovery option (CHAP only, and only for SendTargets)";
            return false;
        }
        if (field->parse(d, v) != db::parse_status::ok) {
            why = "option " + k + ": the value is not valid";
            return false;
        }
        if (k == "username")
            d.auth.authmethod = db::auth_method::chap;
    }
    return true;
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

/// Applies `opts` to the stored record under its lock; false (after
/// replying the error) when an option is refused or the write fails.
bool update_record(service& s, message_ptr const& call, db::node_key const& key, options const& opts)
{
    std::string why;
    db::store store(s.store().root());
    auto updated = store.update_node(key, [&](db::node_record& r) -> iscsi::result<void> {
        if (!apply_options(r, opts, why))
            return make_error_code(std::errc::invalid_argument);
        return {};
    });
    if (!updated)
        fail(s, call, why.empty() ? exit_status::database : exit_status::invalid,
             why.empty() ? updated.error().message() : why);
    return updated.has_value();
}

} // namespace

bool apply_options(db::node_record& r, options const& opts, std::string& why)
{
    // Every option, udisks2's CHAP names included, goes through the record
    // schema: a value it refuses (a newline would add lines to the record
    // file) is refused here, and a refused secret is never echoed back.
    for (auto const& [k, v] : opts) {
        auto const chap = chap_key(k);
        auto const ref = db::find_node_field(chap.empty() ? k : "node.session.auth." + std::string(chap));
        if (!ref || !ref.modifiable()) {
            why = "option " + k + " is not a node setting that can be changed";
            return false;
        }
        if (db::set_node_value(r, ref, v) != db::parse_status::ok) {
            why = "option " + k + ": " + (chap.empty() ? "value '" + v + "' is not valid" : "the value is not valid");
            return false;
        }
        if (k == "username")
            r.session.auth.authmethod = db::auth_method::chap;
    }
    return true;
}

namespace {

/// What a discovery starts from: the portal's address, the stored record
/// (or a new one with iscsid.conf's defaults) with the call's CHAP options,
/// and the initiator name. False (after replying) when one is missing.
struct discovery_start {
    db::config defaults;
    db::discovery_record disc;
    std::string initiator;
    bool stored = false; ///< the record existed before this call
};

asio::awaitable<std::optional<discovery_start>> prepare_discovery(service& s, message_ptr const& call,
                                                                  db::discovery_kind kind, std::string const& host,
                                                                  std::uint16_t port, options const& opts)
{
    std::string why;
    db::discovery_record checked;
    checked.type = kind;
    if (!apply_discovery_options(checked, opts, why)) {
        fail(s, call, exit_status::invalid, why);
        co_return std::nullopt;
    }
    auto resolving = resolve(s, host, why);
    auto const address = co_await std::move(resolving);
    if (address.empty()) {
        fail(s, call, exit_status::host_not_found, why);
        co_return std::nullopt;
    }
    discovery_start d;
    db::store store(s.store().root());
    auto conf = db::load_config(store.config_file());
    d.defaults = conf ? *conf : db::default_config();
    auto existing = store.read_discovery(kind, address, port);
    d.stored = existing.has_value();
    d.disc = existing ? *existing : db::make_discovery_record(d.defaults, kind, address, port);
    (void)apply_discovery_options(d.disc, opts, why); // checked above
    auto id = db::load_initiator_identity(s.owner().initiator_name_file());
    if (!id) {
        fail(s, call, exit_status::database, "no initiator name in " + s.owner().initiator_name_file().string());
        co_return std::nullopt;
    }
    d.initiator = id->name;
    co_return d;
}

/// Writes the records of what a discovery found and replies with them.
void store_and_reply(service& s, message_ptr const& call, discovery_start const& d,
                     std::vector<iscsi::discovery::target_record> const& targets, db::discovered_save mode)
{
    db::store store(s.store().root());
    auto const iface = db::builtin_ifaces().front();
    std::vector<db::node_record> nodes;
    std::vector<found_node> found;
    for (auto const& t : targets)
        for (auto const& tp : t.portals) {
            int const tpgt = tp.tpgt ? int{*tp.tpgt} : 1;
            nodes.push_back(db::make_discovered_record(d.defaults, d.disc, t.name, tp.address, tp.port, tpgt, iface));
            found.push_back({t.name, tpgt, tp.address, int{tp.port}, iface.name});
        }
    if (auto saved = store.save_discovered(d.disc, nodes, mode); !saved)
        return fail(s, call, exit_status::database, "cannot store the records: " + saved.error().message());
    if (int r = reply_nodes(call.get(), found); r < 0)
        return fail(s, call, exit_status::internal, "cannot build the reply: " + std::string(std::strerror(-r)));
    s.bus().wake();
}

} // namespace

void reply_record_change(service& s, message_ptr const& call, db::node_key const& key, options const* opts)
{
    db::store store(s.store().root());
    if (!opts) {
        for (auto const& [sid, v] : s.sessions())
            if (same_node(v.key, key))
                return fail(s, call, exit_status::session_exists,
                            "session " + std::to_string(sid) + " uses this record: log out first");
        if (auto d = store.delete_node(key); !d)
            return fail(s, call, exit_status::database, "cannot delete the record: " + d.error().message());
    } else if (!update_record(s, call, key, *opts)) {
        return;
    }
    (void)::sd_bus_reply_method_return(call.get(), "");
    s.bus().wake();
}

asio::awaitable<void> run_discover_send_targets(service& s, message_ptr call, std::string host, std::uint16_t port,
                                                options opts)
{
    auto preparing = prepare_discovery(s, call, db::discovery_kind::sendtargets, host, port, opts);
    auto d = co_await std::move(preparing);
    if (!d)
        co_return;
    iscsi::transport::connect_options copts;
    copts.connect_timeout = std::chrono::seconds(std::max(1, d->disc.login_timeout));
    iscsi::diagnostics diag;
    // A refused connection is tried again reopen_max times, a second
    // apart, as iscsiadm does (a target may be starting), with its words.
    for (int attempt = 0;; ++attempt) {
        diag.clear();
        auto discovering = iscsi::transport::discover_sendtargets(
            s.io().get_executor(), {d->disc.address, port, std::nullopt},
            discovery_login_params(d->disc, d->initiator), copts, &diag);
        auto targets = co_await std::move(discovering);
        if (targets || targets.error() != std::errc::connection_refused) {
            if (!targets)
                co_return fail(s, call, iscsi::transport::status_of_login_failure(targets.error()),
                               "SendTargets discovery from " + d->disc.address + "," + std::to_string(port) + ": " +
                                   (diag.message.empty() ? targets.error().message() : diag.message));
            co_return store_and_reply(s, call, *d, *targets, {});
        }
        if (attempt >= d->disc.reopen_max)
            co_return fail(s, call, exit_status::pdu_timeout,
                           "cannot make connection to " + d->disc.address + ": Connection refused; connection login "
                           "retries (reopen_max) " + std::to_string(d->disc.reopen_max) + " exceeded");
        asio::steady_timer pause(s.io(), std::chrono::seconds(1));
        co_await pause.async_wait(asio::use_awaitable);
    }
}

asio::awaitable<void> run_discover_isns(service& s, message_ptr call, std::string host, std::uint16_t port,
                                        options opts)
{
    auto preparing = prepare_discovery(s, call, db::discovery_kind::isns, host, port, opts);
    auto d = co_await std::move(preparing);
    if (!d)
        co_return;
    namespace isns = iscsi::discovery::isns;
    iscsi::diagnostics diag;
    isns::registration reg{d->initiator, "", "", std::nullopt, 0, std::nullopt};
    auto querying = iscsi::transport::discover_isns(s.io().get_executor(), {d->disc.address, port, std::nullopt}, reg,
                                                    std::chrono::seconds(std::max(1, d->disc.login_timeout)), &diag);
    auto targets = co_await std::move(querying);
    if (!targets) {
        bool const refused = targets.error() == isns::errc::registration_refused;
        co_return fail(s, call, refused ? exit_status::isns_registration : exit_status::isns_query,
                       "iSNS discovery from " + d->disc.address + "," + std::to_string(port) + ": " +
                           (diag.message.empty() ? targets.error().message() : diag.message));
    }
    // As `iscsiadm -m discovery -t isns`: links straight in isns/, no
    // discovery record, unless one was made with -m discoverydb.
    store_and_reply(s, call, *d, *targets, {.add_new = true, .update_old = true, .flat_links = !d->stored});
}

asio::awaitable<void> run_login(service& s, message_ptr call, db::node_key key, options opts)
{
    db::store store(s.store().root());
    if (!store.read_node(key))
        co_return fail(s, call, exit_status::no_objects_found,
                       "no record found for " + key.target + " at " + key.address + "," + std::to_string(key.port));
    if (!opts.empty() && !update_record(s, call, key, opts))
        co_return;
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
        if (same_node(v.key, key))
            sid = id;
    if (!sid)
        co_return fail(s, call, exit_status::session_not_found,
                       "no session to " + key.target + " at " + key.address + "," + std::to_string(key.port));
    if (!opts.empty() && !update_record(s, call, key, opts)) // e.g. node.startup = manual for the next boot
        co_return;
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
