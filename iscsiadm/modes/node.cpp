// -m node: list, show, create, delete and change node records; log in and
// out through iscsid.
#include "modes.hpp"

#include "daemon_client.hpp"
#include "logins.hpp"
#include "session_control.hpp"
#include "sessions.hpp"
#include "output.hpp"
#include "record_update.hpp"
#include "records_view.hpp"

#include "iscsi/db/errors.hpp"
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/schema.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <type_traits>

namespace iscsiadm {

namespace db = iscsi::db;

namespace {

bool has_filter(options const& o) { return o.target || o.portal || !o.ifaces.empty(); }

/// The records -T/-p/-I select, in open-iscsi's order.
std::variant<std::vector<db::node_key>, exit_code> select_nodes(context& ctx)
{
    auto const& o = ctx.opts();
    db::node_filter f;
    f.target = o.target;
    if (o.portal) {
        auto const p = parse_portal_arg(*o.portal);
        if (!p) {
            error("invalid portal '" + *o.portal + "': use IP[:PORT][,TPGT] (IPv6 in brackets)");
            return exit_code::invalid;
        }
        f.address = p->address;
        f.port = p->port; // the tpgt is ignored when looking records up, as open-iscsi does
    }
    for (auto const& name : o.ifaces)
        if (!ctx.db().read_iface(name)) {
            error("Could not read iface info for " + name + ".");
            return exit_code::no_memory; // open-iscsi's code (3)
        }
    auto keys = ctx.db().list_nodes(f);
    if (!keys)
        return report_db_error(keys.error(), "cannot list node records");
    if (!o.ifaces.empty())
        std::erase_if(*keys, [&](db::node_key const& k) {
            return std::find(o.ifaces.begin(), o.ifaces.end(), k.iface) == o.ifaces.end();
        });
    sort_like_open_iscsi(*keys);
    return std::move(*keys);
}

exit_code no_records()
{
    error("No records found");
    return exit_code::no_objects_found;
}

exit_code list(context& ctx, std::vector<db::node_key> const& keys)
{
    auto const& o = ctx.opts();
    if (o.format == output_format::json) {
        print(nodes_json(keys));
        return keys.empty() ? exit_code::no_objects_found : exit_code::success;
    }
    if (keys.empty())
        return no_records();
    if (o.print_level.value_or(0) >= 1) {
        print(node_tree(keys));
    } else {
        std::string out;
        for (auto const& k : keys)
            out += flat_line(k);
        print(out);
    }
    return exit_code::success;
}

exit_code show(context& ctx, std::vector<db::node_key> const& keys)
{
    if (keys.empty())
        return no_records();
    auto const style = ctx.opts().show_secrets ? db::print_style::show_secrets : db::print_style::show;
    bool const json = ctx.opts().format == output_format::json;
    std::string out = json ? "[" : "";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        auto r = ctx.db().read_node(keys[i]);
        if (!r)
            return report_db_error(r.error(), "cannot read node record");
        if (json)
            out += (i ? ",\n" : "\n") + record_json(db::format_node(*r, style));
        else
            out += db::format_node(*r, style);
    }
    if (json)
        out += "\n]\n";
    print(out);
    return exit_code::success;
}

exit_code create(context& ctx)
{
    auto const& o = ctx.opts();
    if (!o.target || !o.portal) {
        error("-o new needs a target (-T IQN) and a portal (-p IP[:PORT][,TPGT])");
        return exit_code::invalid;
    }
    auto const p = parse_portal_arg(*o.portal);
    if (!p) {
        error("invalid portal '" + *o.portal + "': use IP[:PORT][,TPGT] (IPv6 in brackets)");
        return exit_code::invalid;
    }
    std::vector<std::string> ifaces = o.ifaces;
    if (ifaces.empty())
        ifaces.emplace_back("default");
    for (auto const& name : ifaces) {
        auto iface = ctx.db().read_iface(name);
        if (!iface) {
            // open-iscsi's text and exit code (3), odd as that code is.
            error("Could not read iface info for " + name + ".");
            return exit_code::no_memory;
        }
        auto rec = db::make_node_record(ctx.conf(), *o.target, p->address, p->port.value_or(3260),
                                        p->tpgt.value_or(-1), *iface);
        rec.disc_type = db::discovery_type::static_;
        if (auto w = ctx.db().write_static_node(rec); !w)
            return report_db_error(w.error(), "Could not add new record");
        print("New iSCSI node [" + iface->transport_name + ":[hw=" + iface->hwaddress + ",ip=" +
              iface->ipaddress + ",net_if=" + iface->net_ifacename + ",iscsi_if=" + iface->name + "] " +
              rec.conn.address + "," + std::to_string(rec.conn.port) + "," + std::to_string(rec.tpgt) +
              " " + rec.name + "] added\n");
    }
    return exit_code::success;
}

exit_code remove(context& ctx, std::vector<db::node_key> const& keys)
{
    if (keys.empty())
        return no_records();
    for (auto const& k : keys)
        if (auto d = ctx.db().delete_node(k); !d)
            return report_db_error(d.error(), "Could not delete record");
    return exit_code::success;
}

exit_code update(context& ctx, std::vector<db::node_key> const& keys)
{
    auto changes = parse_changes(ctx.opts());
    if (auto const* code = std::get_if<exit_code>(&changes))
        return *code;
    auto const& pairs = std::get<std::vector<change>>(changes);
    if (auto v = validate_node_changes(pairs); v != exit_code::success)
        return v;
    if (keys.empty())
        return no_records();
    for (auto const& k : keys) {
        auto u = ctx.db().update_node(k, [&](db::node_record& r) { return apply_node_changes(r, pairs); });
        if (!u)
            return report_db_error(u.error(), "Could not update record");
    }
    return exit_code::success;
}

/// Whether a record's startup (node.startup or node.conn[0].startup, as
/// open-iscsi matches either) is `which`; "all" matches every record.
bool startup_is(db::node_record const& r, std::string const& which)
{
    if (which == "all")
        return true;
    auto const want = which == "automatic" ? db::startup_mode::automatic
                      : which == "onboot"  ? db::startup_mode::onboot
                                           : db::startup_mode::manual;
    return r.startup == want || r.conn.startup == want;
}

/// -L WHICH: the records whose startup matches ("all": every one).
std::variant<std::vector<db::node_key>, exit_code> startup_matches(context& ctx, std::string const& which)
{
    if (which != "all" && which != "manual" && which != "automatic" && which != "onboot") {
        error("Invalid loginall option " + which + ".");
        std::cerr << "Try `iscsiadm --help' for more information.\n";
        return exit_code::invalid;
    }
    auto keys = ctx.db().list_nodes(); // open-iscsi logs in in directory order
    if (!keys)
        return report_db_error(keys.error(), "cannot list node records");
    std::vector<db::node_key> out;
    for (auto const& k : *keys) {
        auto r = ctx.db().read_node(k);
        if (r && startup_is(*r, which))
            out.push_back(k);
    }
    return out;
}

/// Logins of stored records through iscsid.
exit_code login(std::vector<db::node_key> const& keys, std::optional<double> wait_devices)
{
    if (keys.empty())
        return no_records();
    std::vector<login_request> requests;
    for (auto const& k : keys)
        requests.push_back({k, std::nullopt});
    return log_in(requests, wait_devices);
}

/// iscsid's sessions that -T/-p/-I select (all of them with `every`);
/// nullopt with `code` set when they cannot be listed.
std::optional<std::vector<daemon_session>> selected_sessions(options const& o, bool every, exit_code& code)
{
    auto sessions = daemon_session_list(code);
    if (!sessions)
        return std::nullopt;
    auto const portal = o.portal ? parse_portal_arg(*o.portal) : std::nullopt;
    std::erase_if(*sessions, [&](daemon_session const& s) {
        if (every)
            return false;
        if (o.target && s.key.target != *o.target) return true;
        if (portal && (s.key.address != portal->address || s.key.port != portal->port)) return true;
        return !o.ifaces.empty() && std::find(o.ifaces.begin(), o.ifaces.end(), s.key.iface) == o.ifaces.end();
    });
    return sessions;
}

/// -U WHICH, open-iscsi's rules: only sessions that have a node record
/// (a firmware or initramfs root session has none) and whose record is not
/// node.startup = onboot (the root disk: logging it out would leave the
/// machine without its file system), matching WHICH. Beyond open-iscsi,
/// never a session the initramfs made for the root (boot_sessions()),
/// even when a record for its target says automatic: shutdown runs -U all
/// while / is still mounted.
std::vector<daemon_session> logout_all_matches(context& ctx, std::vector<daemon_session> sessions,
                                               std::string const& which)
{
    auto const boot = boot_sessions();
    std::erase_if(sessions, [&](daemon_session const& s) {
        if (std::any_of(boot.begin(), boot.end(),
                        [&](boot_session const& b) { return b.sid == s.sid && b.target == s.key.target; }))
            return true;
        auto r = ctx.db().read_node(s.key);
        return !r || r->startup == db::startup_mode::onboot || !startup_is(*r, which);
    });
    return sessions;
}

exit_code logout(context& ctx)
{
    auto const& o = ctx.opts();
    if (o.logout_all && *o.logout_all != "all" && *o.logout_all != "automatic" && *o.logout_all != "manual") {
        error("Invalid logoutall option " + *o.logout_all + ".");
        std::cerr << "Try `iscsiadm --help' for more information.\n";
        return exit_code::invalid;
    }
    exit_code code = exit_code::success;
    auto sessions = selected_sessions(o, o.logout_all.has_value(), code);
    if (!sessions)
        return code;
    if (o.logout_all)
        *sessions = logout_all_matches(ctx, std::move(*sessions), *o.logout_all);
    return log_out_sessions(*sessions);
}

} // namespace

exit_code run_node(context& ctx)
{
    auto const& o = ctx.opts();
    std::string const op = o.ops.empty() ? "" : o.ops.front();
    if (o.ops.size() > 1 || op == "nonpersistent") {
        error("operation is not supported.");
        return exit_code::invalid;
    }
    if (!op.empty() && op != "new" && op != "delete" && op != "update" && op != "show") {
        error("can not recognize operation: '" + op + "'");
        return exit_code::invalid;
    }
    if (o.print_level && (*o.print_level < 0 || *o.print_level > 1)) {
        error("Invalid info level " + std::to_string(*o.print_level) + ". Try 0 or 1.");
        return exit_code::invalid;
    }
    if (op == "new")
        return create(ctx);
    if (o.login_all)
        return std::visit([&](auto&& v) -> exit_code {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, exit_code>)
                return v;
            else
                return login(v, o.wait_devices);
        }, startup_matches(ctx, *o.login_all));
    if (o.logout || o.logout_all)
        return logout(ctx);
    if (o.rescan) {
        if (!has_sessions()) {
            error("No session found.");
            return exit_code::no_objects_found;
        }
        exit_code code = exit_code::success;
        auto sessions = selected_sessions(o, false, code);
        return sessions ? rescan_sessions(*sessions) : code;
    }
    if (o.stats) {
        if (!has_sessions()) {
            error("No session found.");
            return exit_code::no_objects_found;
        }
        exit_code code = exit_code::success;
        auto sessions = selected_sessions(o, false, code);
        return sessions ? print_session_stats(*sessions) : code;
    }
    auto selected = select_nodes(ctx);
    if (auto const* code = std::get_if<exit_code>(&selected))
        return *code;
    auto const& keys = std::get<std::vector<db::node_key>>(selected);
    if (o.login)
        return login(keys, o.wait_devices);
    if (op == "delete")
        return remove(ctx, keys);
    if (op == "update")
        return update(ctx, keys);
    if ((has_filter(o) || op == "show") && !o.print_level)
        return show(ctx, keys);
    return list(ctx, keys);
}

} // namespace iscsiadm
