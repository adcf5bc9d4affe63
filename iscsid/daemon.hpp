/**
 * @file
 * iscsid's state: the sessions it made, and the requests of iscsiadm.
 * Threading: everything here runs on the one io_context thread; only
 * kernel_link's worker threads block (on the kernel), and they hand their
 * results back to this thread.
 */
#pragma once

#include "control_server.hpp"
#include "kernel_session.hpp"
#include "user_session.hpp"

#include "iscsi/db/config.hpp"

#include "iscsi/db/store.hpp"
#include "iscsi/transport/isns_watch.hpp"

#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <functional>
#include <list>
#include <map>
#include <memory>

namespace iscsid {

class daemon {
public:
    /// `link` may be null when the kernel has no iscsi_tcp: logins then
    /// fail with `link_error` (the user-space data path comes later).
    daemon(asio::io_context& io, std::filesystem::path db_root, std::unique_ptr<kernel_link> link,
           std::string link_error);

    asio::awaitable<ipc_message> handle(ipc_message const& req);
    /// Takes over the kernel's sessions under `sysfs_root` (left by an
    /// iscsid that stopped): they keep working, can be logged out, and are
    /// recovered when their connection fails. Returns how many.
    std::size_t adopt(std::filesystem::path const& sysfs_root);
    [[nodiscard]] std::size_t session_count() const noexcept { return sessions_.size(); }
    /// Use this initiatorname.iscsi instead of the database root's (-i).
    void set_initiator_name_file(std::filesystem::path f) { initiator_name_file_ = std::move(f); }
    /// Re-reads iscsid.conf (SIGHUP): the data path for new logins.
    void reload();
    /// Registers with the iSNS server of every iSNS discovery record that
    /// says `discovery.isns.use_discoveryd = Yes`, and follows what it
    /// reports: new targets become node records (iscsid.conf's defaults),
    /// and those whose node.startup is automatic are logged in to.
    void start_isns();
    /// Told a one-line status whenever the session count changes (systemd's STATUS=).
    void on_status(std::function<void(std::string const&)> f) { status_ = std::move(f); }
    /// Told whenever a session appears, goes, or starts or ends recovering
    /// (the D-Bus objects follow; they ask `handle({op=list})` for what is).
    void on_change(std::function<void()> f) { changed_ = std::move(f); }
    [[nodiscard]] iscsi::db::store const& store() const noexcept { return store_; }
    /// The initiatorname.iscsi in use (-i, else the database root's).
    [[nodiscard]] std::filesystem::path initiator_name_file() const
    {
        return initiator_name_file_.empty() ? store_.initiator_name_file() : initiator_name_file_;
    }

private:
    struct session {
        iscsi::db::node_key key;
        kernel_session kernel;
        std::uint16_t tpgt = 1;
        std::uint32_t time2wait_s = 2; ///< DefaultTime2Wait the login negotiated
        bool recovering = false;
        bool closing = false; ///< a logout started: recovery stops
        std::optional<user_session> user; ///< set: a user-space session (no kernel part)
        std::optional<iscsi::db::node_record> record; ///< set: logged in with a record not in the database
    };
    /// A login in progress; a second request for the same node waits for it
    /// (one session per node, however many iscsiadm run at once).
    struct login_in_progress {
        iscsi::db::node_key key;
        std::optional<ipc_message> answer;
        std::shared_ptr<asio::steady_timer> done;
    };

    /// The session of this node, if one exists.
    [[nodiscard]] std::optional<std::uint32_t> session_of(iscsi::db::node_key const& key) const;
    asio::awaitable<ipc_message> login(ipc_message const& req);
    asio::awaitable<ipc_message> do_login(iscsi::db::node_key const& key, ipc_message const& req);
    [[nodiscard]] iscsi::result<iscsi::db::node_record> current_record(session const& s) const;
    [[nodiscard]] iscsi::result<iscsi::db::node_record> record_for(iscsi::db::node_key const& key,
                                                                   ipc_message const& req) const;
    asio::awaitable<ipc_message> kernel_login(iscsi::db::node_key const& key, iscsi::db::node_record const& rec,
                                              std::string const& name);
    asio::awaitable<ipc_message> user_login(iscsi::db::node_key const& key, iscsi::db::node_record const& rec,
                                            std::string const& name);
    asio::awaitable<ipc_message> logout(ipc_message const& req);
    ipc_message list() const;
    asio::awaitable<ipc_message> stats(ipc_message const& req);
    void on_kernel_event(iscsi::kernel::incoming const& e);
    asio::awaitable<void> recover(std::shared_ptr<session> s);
    asio::awaitable<void> watch_user_session(std::shared_ptr<session> s, int fd);
    [[nodiscard]] std::string initiator_name(iscsi::db::node_record const& n, std::string& why) const;

    /// One iSNS server's targets again (isns_sync.cpp); one at a time per
    /// server, a request meanwhile runs once more after it.
    void request_isns_sync(iscsi::db::discovery_record const& disc, std::string const& initiator);
    asio::awaitable<void> isns_sync(iscsi::db::discovery_record disc, std::string initiator);
    /// discovery.isns.discoveryd_poll_inval > 0: a query that often, SCNs or not.
    asio::awaitable<void> isns_poll(iscsi::db::discovery_record disc, std::string initiator,
                                    std::shared_ptr<asio::steady_timer> timer);

    asio::io_context& io_;
    iscsi::db::store store_;
    std::unique_ptr<kernel_link> link_;
    std::string link_error_;
    std::map<std::uint32_t, std::shared_ptr<session>> sessions_;
    iscsi::db::data_path data_path_ = iscsi::db::data_path::automatic;
    /// User-space sessions are numbered apart from the kernel's sids.
    std::uint32_t next_user_id_ = 100001;
    std::function<void(std::string const&)> status_;
    std::function<void()> changed_;
    std::filesystem::path initiator_name_file_;
    void report_status() const;
    std::list<login_in_progress> logins_;
    std::vector<std::shared_ptr<iscsi::transport::isns_watch>> isns_watches_;
    std::vector<std::shared_ptr<asio::steady_timer>> isns_polls_;
    enum class sync_state { running, again };
    std::map<std::string, sync_state> isns_syncs_; ///< by server "address,port"; absent: idle
};

/// Same node for the purpose of "one session per node": target, portal, iface.
[[nodiscard]] bool same_node(iscsi::db::node_key const& a, iscsi::db::node_key const& b) noexcept;

} // namespace iscsid
