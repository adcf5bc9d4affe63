// iscsid and iSNS (RFC 4171): staying registered with the servers of the
// iSNS discovery records that ask for it (discovery.isns.use_discoveryd),
// and turning what they report into node records and logins.
#include "daemon.hpp"
#include "node_requests.hpp"

#include "iscsi/db/errors.hpp"
#include "iscsi/transport/isns.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <iostream>

namespace iscsid {

namespace db = iscsi::db;
namespace isns = iscsi::discovery::isns;

namespace {

std::string server_key(db::discovery_record const& d)
{
    return d.address + "," + std::to_string(d.port);
}

} // namespace

void daemon::start_isns()
{
    for (auto& w : isns_watches_)
        w->stop();
    isns_watches_.clear();
    for (auto& t : isns_polls_)
        t->cancel();
    isns_polls_.clear();
    auto records = store_.list_discovery(db::discovery_kind::isns);
    if (!records)
        return;
    for (auto const& disc : *records) {
        if (!disc.use_discoveryd)
            continue;
        std::string why;
        auto const me = initiator_name(db::node_record{}, why);
        if (me.empty()) {
            std::clog << "iscsid: iSNS server " << server_key(disc) << ": not registering: " << why << "\n";
            continue;
        }
        iscsi::transport::isns_watch::callbacks cb;
        cb.changed = [this, disc, me] { request_isns_sync(disc, me); };
        cb.log = [](std::string const& line) { std::clog << "iscsid: " << line << "\n"; };
        isns::registration reg{me, "", "", std::nullopt, 0, std::nullopt};
        auto w = iscsi::transport::isns_watch::create(
            io_.get_executor(), {disc.address, static_cast<std::uint16_t>(disc.port), std::nullopt}, reg, cb);
        w->start();
        isns_watches_.push_back(std::move(w));
        if (disc.discoveryd_poll_inval > 0) {
            auto timer = std::make_shared<asio::steady_timer>(io_);
            isns_polls_.push_back(timer);
            asio::co_spawn(io_, isns_poll(disc, me, timer), asio::detached);
        }
    }
}

asio::awaitable<void> daemon::isns_poll(db::discovery_record disc, std::string initiator,
                                        std::shared_ptr<asio::steady_timer> timer)
{
    for (;;) {
        timer->expires_after(std::chrono::seconds(disc.discoveryd_poll_inval));
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) // cancelled: stopped or reloaded
            co_return;
        request_isns_sync(disc, initiator);
    }
}

void daemon::request_isns_sync(db::discovery_record const& disc, std::string const& initiator)
{
    auto const key = server_key(disc);
    if (auto it = isns_syncs_.find(key); it != isns_syncs_.end()) {
        it->second = sync_state::again;
        return;
    }
    isns_syncs_[key] = sync_state::running;
    asio::co_spawn(io_, isns_sync(disc, initiator), asio::detached);
}

/// Queries the server, stores new targets (existing records keep the
/// admin's changes), and logs in to the automatic ones without a session.
asio::awaitable<void> daemon::isns_sync(db::discovery_record disc, std::string initiator)
{
    auto const key = server_key(disc);
    do {
        isns_syncs_[key] = sync_state::running;
        iscsi::diagnostics diag;
        isns::registration reg{initiator, "", "", std::nullopt, 0, std::nullopt};
        auto const timeout = std::chrono::seconds(std::max(1, disc.login_timeout));
        auto query = iscsi::transport::discover_isns(io_.get_executor(),
                                                     {disc.address, static_cast<std::uint16_t>(disc.port), std::nullopt},
                                                     reg, timeout, &diag);
        auto targets = co_await std::move(query);
        if (!targets) {
            std::clog << "iscsid: iSNS server " << key << ": query failed: "
                      << (diag.message.empty() ? targets.error().message() : diag.message) << "\n";
            continue;
        }
        std::clog << "iscsid: iSNS server " << key << ": " << targets->size() << " target(s) visible\n";
        auto loaded = db::load_config(store_.config_file());
        auto const conf = loaded ? *loaded : db::default_config(); // new records inherit iscsid.conf
        auto const iface = db::builtin_ifaces().front();
        std::vector<db::node_record> nodes;
        for (auto const& t : *targets)
            for (auto const& p : t.portals)
                nodes.push_back(
                    db::make_discovered_record(conf, disc, t.name, p.address, p.port, p.tpgt ? int{*p.tpgt} : 1, iface));
        auto before = store_.discovered_nodes(db::discovery_kind::isns, disc.address, disc.port);
        if (auto saved = store_.save_discovered(disc, nodes, {.add_new = true, .update_old = false}); !saved) {
            std::clog << "iscsid: iSNS server " << key << ": cannot store its targets: " << saved.error().message()
                      << "\n";
            continue;
        }
        // A target the server no longer reports: its record stays (the
        // admin's settings, a session that may still work), unlinked from
        // this server's record, which lists only what it reports.
        std::vector<db::node_key> gone;
        for (auto const& k : before ? *before : std::vector<db::node_key>{})
            if (std::none_of(nodes.begin(), nodes.end(), [&](auto const& n) { return same_node(db::key_of(n), k); }))
                gone.push_back(k);
        if (!gone.empty() && store_.unlink_discovered(disc, gone))
            for (auto const& k : gone)
                std::clog << "iscsid: iSNS server " << key << " no longer reports " << k.target << " at " << k.address
                          << "," << k.port << "; its record is kept, unlinked\n";
        for (auto const& n : nodes) {
            auto const k = db::key_of(n);
            auto rec = store_.read_node(k);
            if (!rec || rec->startup != db::startup_mode::automatic || session_of(k))
                continue;
            ipc_message req;
            add_key(req, k);
            auto login_op = login(req);
            auto answer = co_await std::move(login_op);
            std::clog << "iscsid: iSNS server " << key << " reported " << k.target << " at " << k.address << ","
                      << k.port << ": automatic login "
                      << (answer.get_int("status").value_or(-1) == 0 ? "done" : "failed: " + answer.get("message").value_or("?"))
                      << "\n";
        }
    } while (isns_syncs_[key] == sync_state::again);
    isns_syncs_.erase(key);
}

} // namespace iscsid
