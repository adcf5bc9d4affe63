#include "daemon.hpp"

#include "iscsi/db/schema.hpp"

#include "iscsi/ibft/firmware.hpp"
#include "iscsi/transport/login_failure.hpp"

#include "node_login.hpp"
#include "node_requests.hpp"

#include "iscsi/db/config.hpp"
#include "iscsi/kernel/sysfs.hpp"
#include "iscsi/discovery/portal.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

#include <cstdlib>
#include <iostream>
#include <malloc.h>

namespace iscsid {

namespace db = iscsi::db;

namespace {

// The open-iscsi statuses (iscsiadm's exit codes) the daemon answers with.
using iscsi::exit_status;
constexpr int err_ok = iscsi::to_int(exit_status::success);
constexpr int err_sess_not_found = iscsi::to_int(exit_status::session_not_found);
constexpr int err_transport = iscsi::to_int(exit_status::transport);
constexpr int err_login = iscsi::to_int(exit_status::login);
constexpr int err_idbm = iscsi::to_int(exit_status::database);
constexpr int err_transport_timeout = iscsi::to_int(exit_status::transport_timeout);
constexpr int err_logout = iscsi::to_int(exit_status::logout);
constexpr int err_transport_not_found = iscsi::to_int(exit_status::transport_not_found);
constexpr int err_sess_exists = iscsi::to_int(exit_status::session_exists);
constexpr int err_invalid_request = iscsi::to_int(exit_status::invalid_request);
constexpr int err_busy = iscsi::to_int(exit_status::busy);

int login_status(std::error_code const& ec)
{
    return iscsi::to_int(iscsi::transport::status_of_login_failure(ec));
}

/// The firmware's (iBFT) record for this target, if it names one.
std::optional<db::node_record> firmware_record(db::node_key const& key)
{
    iscsi::ibft::firmware_options o;
    if (char const* sys = std::getenv("ISCSI_SYSFS"); sys && *sys)
        o.sys = sys;
    auto fw = iscsi::ibft::read_firmware(o);
    if (!fw)
        return std::nullopt;
    for (auto const& e : fw->entries)
        if (e.target_name == key.target && e.target_ip == key.address && e.target_port == key.port)
            return iscsi::ibft::node_record_for(e, db::node_record{});
    return std::nullopt;
}

} // namespace

bool same_node(db::node_key const& a, db::node_key const& b) noexcept
{
    return a.target == b.target && a.address == b.address && a.port == b.port && a.iface == b.iface;
}

daemon::daemon(asio::io_context& io, std::filesystem::path db_root, std::unique_ptr<kernel_link> link,
               std::string link_error)
    : io_(io), store_(std::move(db_root)), link_(std::move(link)), link_error_(std::move(link_error))
{
    if (link_) {
        link_->on_event([this](iscsi::kernel::incoming const& e) { on_kernel_event(e); });
        link_->start();
    }
    reload();
}

void daemon::reload()
{
    if (auto conf = db::load_config(store_.config_file()))
        data_path_ = conf->daemon.path;
}

void daemon::report_status() const
{
    if (changed_)
        changed_();
    if (!status_)
        return;
    std::size_t user = 0;
    for (auto const& [sid, s] : sessions_)
        user += s->user ? 1U : 0U;
    status_(std::to_string(sessions_.size()) + " sessions (" + std::to_string(sessions_.size() - user) +
            " in the kernel, " + std::to_string(user) + " in user space)");
}

std::size_t daemon::adopt(std::filesystem::path const& sysfs_root)
{
    std::size_t n = 0;
    for (auto& a : find_user_sessions()) {
        auto s = std::make_shared<session>();
        s->key = {a.target, a.address, a.port, a.tpgt, a.iface};
        std::uint32_t const id = a.session.id;
        s->user = std::move(a.session);
        next_user_id_ = std::max(next_user_id_, id + 1);
        std::clog << "iscsid: session " << id << ": adopted (" << s->key.target << " at " << s->key.address << ","
                  << s->key.port << ", user space)\n";
        sessions_.emplace(id, std::move(s));
        ++n;
    }
    if (!link_)
        return n;
    for (auto const& k : iscsi::kernel::sysfs_sessions(sysfs_root)) {
        if (k.transport != "tcp" || sessions_.contains(k.sid) || !k.host_no)
            continue;
        auto s = std::make_shared<session>();
        s->key.target = k.target;
        s->key.address = k.persistent_address;
        s->key.port = std::atoi(k.persistent_port.c_str());
        int const tpgt = std::atoi(k.tpgt.c_str());
        s->key.tpgt = tpgt;
        s->key.iface = k.iface.empty() ? "default" : k.iface;
        // The record's own key (its tpgt may be written differently).
        db::node_filter f;
        f.target = s->key.target;
        f.address = s->key.address;
        f.port = s->key.port;
        f.iface = s->key.iface;
        if (auto keys = store_.list_nodes(f); keys && !keys->empty())
            s->key = keys->front();
        s->kernel.sid = k.sid;
        s->kernel.host_no = *k.host_no;
        s->tpgt = static_cast<std::uint16_t>(tpgt); // the key may now be the record's, whose tpgt can be -1
        std::clog << "iscsid: session " << k.sid << ": adopted (" << k.target << " at " << s->key.address << ","
                  << s->key.port << ", " << k.state << ")\n";
        bool const failed = k.state != "LOGGED_IN";
        sessions_.emplace(k.sid, s);
        if (failed) {
            // Its connection error was sent while no daemon listened.
            s->recovering = true;
            asio::co_spawn(io_, recover(s), asio::detached);
        }
        ++n;
    }
    return n;
}

asio::awaitable<ipc_message> daemon::handle(ipc_message const& req)
{
    auto op = req.get("op").value_or("");
    if (op == "ping") {
        ipc_message m;
        m.add("status", err_ok).add("version", ipc_version);
        co_return m;
    }
    if (op == "login")
        co_return co_await login(req);
    if (op == "logout")
        co_return co_await logout(req);
    if (op == "list")
        co_return list();
    if (op == "stats")
        co_return co_await stats(req);
    co_return error_answer(err_invalid_request, "unknown request \"" + op + "\"");
}

std::string daemon::initiator_name(db::node_record const& n, std::string& why) const
{
    if (!n.iface.initiatorname.empty())
        return n.iface.initiatorname;
    auto const file = initiator_name_file();
    auto id = db::load_initiator_identity(file);
    if (!id) {
        why = "no initiator name in " + file.string() + " (" + id.error().message() + ")";
        return {};
    }
    return id->name;
}

std::optional<std::uint32_t> daemon::session_of(db::node_key const& key) const
{
    for (auto const& [sid, s] : sessions_)
        if (same_node(s->key, key))
            return sid;
    return std::nullopt;
}

asio::awaitable<ipc_message> daemon::login(ipc_message const& req)
{
    auto key = key_from(req);
    if (!key)
        co_return error_answer(err_invalid_request, "a login request needs target, address and port");
    if (auto sid = session_of(*key))
        co_return error_answer(err_sess_exists, "session exists (sid " + std::to_string(*sid) + ")");
    for (auto& l : logins_) {
        if (!same_node(l.key, *key))
            continue;
        // Another iscsiadm asked first: its outcome is ours.
        auto done = l.done;
        boost::system::error_code ec;
        co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (auto sid = session_of(*key))
            co_return error_answer(err_sess_exists, "session exists (sid " + std::to_string(*sid) + ")");
        co_return error_answer(err_login, "a concurrent login of this node failed");
    }
    auto& entry = logins_.emplace_back();
    entry.key = *key;
    entry.done = std::make_shared<asio::steady_timer>(io_, asio::steady_timer::time_point::max());
    auto done = entry.done;
    auto answer = co_await do_login(*key, req);
    done->cancel();
    logins_.remove_if([&](login_in_progress const& l) { return l.done == done; });
    // A burst of logins leaves freed receive buffers (one per connection,
    // MaxRecvDataSegmentLength each) in malloc's arenas; an idle daemon
    // gives them back, so that its memory is what its sessions keep.
    if (logins_.empty())
        ::malloc_trim(0);
    co_return answer;
}

/// The record to log in with: the one the request carries as "record"
/// lines (firmware targets, never stored), else the stored one.
iscsi::result<db::node_record> daemon::record_for(db::node_key const& key, ipc_message const& req) const
{
    auto carried = record_from(req);
    if (!carried)
        return store_.read_node(key);
    if (carried->name != key.target || carried->conn.address != key.address || carried->conn.port != key.port)
        return make_error_code(std::errc::invalid_argument);
    return std::move(*carried);
}

asio::awaitable<ipc_message> daemon::do_login(db::node_key const& key, ipc_message const& req)
{
    auto rec = record_for(key, req);
    if (!rec)
        co_return error_answer(err_idbm, "no node record for " + key.target + " at " + key.address + "," +
                                             std::to_string(key.port) + ": " + rec.error().message());
    std::string why;
    auto name = initiator_name(*rec, why);
    if (name.empty())
        co_return error_answer(err_idbm, why);
    for (auto const& [k, v] : {std::pair{"node.session.auth.password", &rec->session.auth.password},
                               std::pair{"node.session.auth.password_in", &rec->session.auth.password_in}})
        if (auto w = db::short_secret_warning(k, *v); !w.empty())
            std::clog << "iscsid: " << key.target << " " << key.address << "," << key.port << ": warning: " << w << "\n";
    bool const kernel = data_path_ == db::data_path::kernel ||
                        (data_path_ == db::data_path::automatic && link_ != nullptr);
    if (kernel && !link_)
        co_return error_answer(err_transport_not_found, link_error_);
    // One co_await per statement, the awaitable in a local: GCC 12 destroys
    // temporaries of a co_await inside a larger expression twice.
    ipc_message answer;
    if (kernel) {
        auto login = kernel_login(key, *rec, name);
        answer = co_await std::move(login);
    } else {
        auto login = user_login(key, *rec, name);
        answer = co_await std::move(login);
    }
    // A record that is not in the database stays with its session, for
    // recovery and logout.
    if (auto sid = session_of(key); sid && !req.all("record").empty())
        sessions_.at(*sid)->record = *rec;
    co_return answer;
}

/// A session's record as it is now: the database's, else the one it logged
/// in with, else (a boot session adopted from iscsistart) the firmware's.
iscsi::result<db::node_record> daemon::current_record(session const& s) const
{
    auto rec = store_.read_node(s.key);
    if (rec)
        return rec;
    if (s.record)
        return *s.record;
    if (auto fw = firmware_record(s.key))
        return *fw;
    return rec;
}

asio::awaitable<ipc_message> daemon::user_login(db::node_key const& key, db::node_record const& rec,
                                                std::string const& name)
{
    iscsi::diagnostics diag;
    std::uint32_t const id = next_user_id_++;
    auto const timeout = std::chrono::seconds(std::max(1, rec.conn.login_timeout) + 30);
    auto us = co_await start_user_session(id, rec, name, timeout, diag);
    if (!us) // iscsi-fuse's own status when it said one (24 for refused credentials ...)
        co_return error_answer(us.error().category() == iscsi::exit_status_category() ? us.error().value() : err_login,
                               diag.message);
    ipc_message m;
    m.add("status", err_ok).add("sid", id).add("data_path", "user");
    for (auto const& d : us->devices)
        m.add("device", d);
    auto s = std::make_shared<session>();
    s->key = key;
    s->user = std::move(*us);
    sessions_.emplace(id, s);
    report_status();
    if (s->user->out_fd >= 0)
        asio::co_spawn(io_, watch_user_session(s, std::exchange(s->user->out_fd, -1)), asio::detached);
    std::clog << "iscsid: session " << id << ": logged in to " << key.target << " at " << key.address << ","
              << key.port << " in user space (" << s->user->devices.size() << " loop devices)\n";
    co_return m;
}

/// Follows iscsi-fuse's "state=recovering" and "state=logged_in" lines
/// until it exits (its stdout closes), so that the session's state is the
/// same as a kernel session's (`-m session`, D-Bus State).
asio::awaitable<void> daemon::watch_user_session(std::shared_ptr<session> s, int fd)
{
    asio::posix::stream_descriptor out(io_, fd);
    std::string text;
    for (;;) {
        char buf[256];
        boost::system::error_code ec;
        auto got = co_await out.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;
        text.append(buf, got);
        for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n')) {
            std::string const line = text.substr(0, nl);
            text.erase(0, nl + 1);
            bool const lost = line == "state=recovering";
            if ((lost || line == "state=logged_in") && s->recovering != lost) {
                s->recovering = lost;
                std::clog << "iscsid: session " << s->user->id << ": "
                          << (lost ? "connection lost, recovering" : "recovered") << "\n";
                report_status();
            }
        }
    }
}

asio::awaitable<ipc_message> daemon::kernel_login(db::node_key const& key, db::node_record const& rec,
                                                  std::string const& name)
{
    iscsi::diagnostics diag;
    auto const t0 = std::chrono::steady_clock::now();
    iscsi::discovery::portal portal{rec.conn.address, static_cast<std::uint16_t>(rec.conn.port), std::nullopt};
    auto conn = co_await iscsi::transport::login_connection(io_.get_executor(), portal,
                                                            login_params_for(rec, name), {}, &diag);
    if (!conn)
        co_return error_answer(login_status(conn.error()), diag.message.empty() ? conn.error().message() : diag.message);

    hand_off_options o;
    o.cmds_max = static_cast<std::uint16_t>(std::clamp(rec.session.cmds_max, 2, 2048));
    o.queue_depth = static_cast<std::uint16_t>(std::clamp(rec.session.queue_depth, 1, 1024));
    o.scan = rec.session.scan == db::scan_mode::automatic;
    auto const negotiated = conn->info.params;
    auto const t1 = std::chrono::steady_clock::now();
    auto ks = co_await hand_off(*link_, std::move(*conn), kernel_settings_for(rec, name), o, diag);
    if (!ks)
        co_return error_answer(err_transport, "kernel hand-off failed: " + diag.message);
    std::uint32_t const sid = ks->sid;
    ipc_message m;
    m.add("status", err_ok).add("sid", sid).add("host", ks->host_no);
    if (!diag.message.empty())
        m.add("warning", diag.message);
    auto s = std::make_shared<session>();
    s->key = key;
    s->kernel = std::move(*ks);
    s->tpgt = negotiated.target_portal_group_tag.value_or(static_cast<std::uint16_t>(std::max(0, rec.tpgt)));
    s->time2wait_s = negotiated.default_time2wait;
    sessions_.emplace(sid, s);
    report_status();
    auto const ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    auto const scan = s->kernel.scan_time;
    std::clog << "iscsid: session " << sid << ": logged in to " << key.target << " at " << key.address << ","
              << key.port << " (login " << ms(t1 - t0) << " ms, kernel hand-off "
              << ms(std::chrono::steady_clock::now() - t1 - scan) << " ms, LUN scan " << scan.count() << " ms)\n";
    co_return m;
}

asio::awaitable<ipc_message> daemon::logout(ipc_message const& req)
{
    auto sid = req.get_int("sid");
    if (!sid)
        co_return error_answer(err_invalid_request, "a logout request needs sid");
    auto it = sessions_.find(static_cast<std::uint32_t>(*sid));
    if (it == sessions_.end())
        co_return error_answer(err_sess_not_found, "no session " + std::to_string(*sid));
    auto s = std::move(it->second);
    sessions_.erase(it);
    report_status();
    s->closing = true;
    iscsi::diagnostics diag;
    auto rec = current_record(*s);
    auto const timeout = std::chrono::seconds(rec ? std::max(1, rec->conn.logout_timeout) : 15);
    if (s->user) {
        // iscsi-fuse's own Logout is bounded by the same logout_timeout (it
        // was given the record's); 5 s more for detaching and unmounting.
        // Still running after that, it is serving a mounted loop device.
        if (auto ec = co_await stop_user_session(*s->user, timeout + std::chrono::seconds(5))) {
            s->closing = false;
            sessions_.emplace(static_cast<std::uint32_t>(*sid), s);
            co_return error_answer(err_busy, "session " + std::to_string(*sid) +
                                                 ": a loop device of it is still in use (mounted?)");
        }
        std::clog << "iscsid: session " << *sid << ": logged out\n";
        ipc_message m;
        m.add("status", err_ok);
        co_return m;
    }
    auto ec = co_await log_out(*link_, s->kernel, timeout, diag);
    std::clog << "iscsid: session " << *sid << ": logged out" << (ec ? " (" + diag.message + ")" : "") << "\n";
    if (ec)
        co_return error_answer(err_logout, diag.message);
    ipc_message m;
    m.add("status", err_ok);
    co_return m;
}

ipc_message daemon::list() const
{
    ipc_message m;
    m.add("status", err_ok);
    for (auto const& [sid, s] : sessions_) {
        m.add("sid", sid);
        add_key(m, s->key);
        // open-iscsi's words for its daemon's view of a session.
        m.add("iscsid_state", s->recovering ? "REOPEN" : "NO CHANGE");
        m.add("data_path", s->user ? "user" : "kernel");
        if (s->user)
            for (auto const& d : s->user->devices)
                m.add("device", d);
    }
    return m;
}

asio::awaitable<ipc_message> daemon::stats(ipc_message const& req)
{
    auto sid = req.get_int("sid");
    if (!sid)
        co_return error_answer(err_invalid_request, "a stats request needs sid");
    auto it = sessions_.find(static_cast<std::uint32_t>(*sid));
    if (it == sessions_.end() || it->second->user || !link_)
        co_return error_answer(err_sess_not_found, "no kernel session " + std::to_string(*sid));
    std::uint32_t const id = static_cast<std::uint32_t>(*sid);
    auto answer = link_->expect([id](iscsi::kernel::incoming const& e) {
        auto const* st = std::get_if<iscsi::kernel::stats_event>(&e);
        return st && st->conn.sid == id;
    });
    if (auto ec = co_await link_->send(iscsi::kernel::get_stats(link_->next_header(), {id, 0})))
        co_return error_answer(err_transport, "GET_STATS: " + ec.message());
    auto got = co_await answer->wait(std::chrono::seconds(5));
    if (!got)
        co_return error_answer(err_transport_timeout, "the kernel sent no statistics for session " +
                                                          std::to_string(id));
    auto const& st = std::get<iscsi::kernel::stats_event>(*got);
    ipc_message m;
    m.add("status", err_ok);
    for (auto const& [name, value] : st.counters)
        m.add("counter", name + " " + std::to_string(value));
    for (auto const& [name, value] : st.custom)
        m.add("custom", name + " " + std::to_string(value));
    co_return m;
}

void daemon::on_kernel_event(iscsi::kernel::incoming const& e)
{
    auto const* err = std::get_if<iscsi::kernel::conn_error_event>(&e);
    if (!err)
        return;
    auto it = sessions_.find(err->conn.sid);
    std::clog << "iscsid: session " << err->conn.sid << ": connection error: " << describe(err->error)
              << (it == sessions_.end() ? " (not ours)" : "") << "\n";
    if (it == sessions_.end() || it->second->recovering || it->second->closing)
        return;
    it->second->recovering = true;
    report_status();
    asio::co_spawn(io_, recover(it->second), asio::detached);
}

asio::awaitable<void> daemon::recover(std::shared_ptr<session> s)
{
    auto const start = std::chrono::steady_clock::now();
    for (unsigned attempt = 1; !s->closing; ++attempt) {
        // The record may have changed (new CHAP secret, new portal): read it
        // again for every attempt.
        auto rec = current_record(*s);
        std::string why;
        auto name = rec ? initiator_name(*rec, why) : std::string();
        if (!rec || name.empty()) {
            std::clog << "iscsid: session " << s->kernel.sid << ": cannot recover: "
                      << (rec ? why : rec.error().message()) << "\n";
            break;
        }
        reconnect_plan plan;
        plan.portal = {rec->conn.address, static_cast<std::uint16_t>(rec->conn.port), std::nullopt};
        plan.login = login_params_for(*rec, name); // TSIH 0: session reinstatement
        plan.settings = kernel_settings_for(*rec, name);
        plan.settings.tpgt = s->tpgt;
        plan.time2wait = std::chrono::seconds(attempt == 1 ? s->time2wait_s : std::max<std::uint32_t>(1, s->time2wait_s));
        iscsi::diagnostics diag;
        auto ec = co_await reconnect(*link_, s->kernel, plan, s->closing, diag);
        if (!ec) {
            auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
            std::clog << "iscsid: session " << s->kernel.sid << ": recovered after " << ms.count() << " ms ("
                      << attempt << (attempt == 1 ? " attempt)" : " attempts)") << "\n";
            break;
        }
        std::clog << "iscsid: session " << s->kernel.sid << ": reconnect attempt " << attempt << " failed: "
                  << (diag.message.empty() ? ec.message() : diag.message) << "\n";
    }
    s->recovering = false;
    report_status();
}

} // namespace iscsid
