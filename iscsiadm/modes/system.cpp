// -m session and -m host: views of the kernel's sessions and hosts.
#include "modes.hpp"

#include "daemon_client.hpp"
#include "session_control.hpp"
#include "session_view.hpp"
#include "output.hpp"
#include "sessions.hpp"

#include <filesystem>
#include <system_error>

namespace iscsiadm {

namespace fs = std::filesystem;

namespace {

std::string session_json(iscsi::kernel::sysfs_session const& s)
{
    return "{\"sid\": " + std::to_string(s.sid) + ", \"transport\": " + json_string(s.transport) +
           ", \"address\": " + json_string(s.address) + ", \"port\": " + json_string(s.port) +
           ", \"tpgt\": " + json_string(s.tpgt) + ", \"target\": " + json_string(s.target) +
           ", \"state\": " + json_string(s.state) + "}";
}

/// A user-space session in the kernel's record shape ("user" transport).
iscsi::kernel::sysfs_session as_listed(daemon_session const& u)
{
    iscsi::kernel::sysfs_session s;
    s.sid = u.sid;
    s.transport = "user";
    s.target = u.key.target;
    s.tpgt = std::to_string(u.key.tpgt);
    s.state = "LOGGED_IN";
    s.iface = u.key.iface;
    s.address = s.persistent_address = u.key.address;
    s.port = s.persistent_port = std::to_string(u.key.port);
    return s;
}

/// -m session [-r SID] at print level 0 (the default), text or JSON: the
/// kernel's sessions, then iscsid's user-space ones ("user:").
exit_code list_sessions(context& ctx, std::vector<iscsi::kernel::sysfs_session> const& all)
{
    std::string out;
    if (ctx.opts().format == output_format::json) {
        out = "[";
        for (std::size_t i = 0; i < all.size(); ++i)
            out += (i ? ",\n " : "") + session_json(all[i]);
        out += "]\n";
    } else {
        for (auto const& s : all)
            out += session_line(s) + "\n";
    }
    print(out);
    return exit_code::success;
}

/// The kernel's sessions, then iscsid's user-space ones.
std::vector<iscsi::kernel::sysfs_session> every_session(std::vector<daemon_session> const& held)
{
    auto all = iscsi::kernel::sysfs_sessions(sysfs_root());
    for (auto const& u : held)
        if (u.user_space)
            all.push_back(as_listed(u));
    return all;
}

/// What the -P views need from iscsid: its state of each session and the
/// loop devices of the user-space ones.
session_view_options view_options(int level, bool show_secrets, std::vector<daemon_session> const& held)
{
    session_view_options v;
    v.level = level;
    v.show_secrets = show_secrets;
    for (auto const& s : held) {
        if (!s.iscsid_state.empty())
            v.daemon_state[s.sid] = s.iscsid_state;
        if (s.user_space)
            v.user_devices[s.sid] = s.devices;
    }
    return v;
}

} // namespace

exit_code run_session(context& ctx)
{
    auto const& o = ctx.opts();
    auto const held = daemon_sessions_if_any(); // one request to iscsid serves every view below
    auto const listed = every_session(held);
    if (!listed.empty()) {
        if (o.logout || o.rescan || o.stats) {
            exit_code code = exit_code::success;
            auto sessions = daemon_session_list(code);
            if (!sessions)
                return code;
            if (o.session) {
                auto const& sid = *o.session;
                std::erase_if(*sessions, [&](daemon_session const& s) { return std::to_string(s.sid) != sid; });
            }
            if (o.stats)
                return print_session_stats(*sessions);
            return o.logout ? log_out_sessions(*sessions) : rescan_sessions(*sessions);
        }
        if (o.print_level && *o.print_level > 0) {
            if (*o.print_level > 3) {
                error("Invalid info level " + std::to_string(*o.print_level) + ". Try 0 - 3.");
                return exit_code::invalid;
            }
            auto all = listed;
            if (o.session)
                std::erase_if(all, [&](iscsi::kernel::sysfs_session const& k) {
                    return std::to_string(k.sid) != *o.session;
                });
            if (all.empty()) {
                error("Could not get session info for sid " + o.session.value_or("") );
                return exit_code::sysfs_lookup;
            }
            print(session_tree(std::move(all), view_options(*o.print_level, o.show_secrets, held)));
            return exit_code::success;
        }
        if (!o.session)
            return list_sessions(ctx, listed);
        auto const& sid = *o.session;
        std::optional<iscsi::kernel::sysfs_session> one;
        for (auto const& s : listed)
            if (std::to_string(s.sid) == sid)
                one = s;
        if (!one) {
            error("could not read session targetname: 5");
            error("Could not get session info for sid " + sid);
            return exit_code::sysfs_lookup;
        }
        return list_sessions(ctx, {*one});
    }
    // No session exists; answer each request the way open-iscsi does.
    if (o.session) {
        auto const& sid = *o.session;
        bool const numeric = !sid.empty() && sid.find_first_not_of("0123456789") == std::string::npos;
        if (!numeric && sid.find('/') == std::string::npos) {
            error(sid + " is an invalid session ID or path");
            return exit_code::unknown;
        }
        if (!o.logout && !o.rescan && !o.stats) {
            error("could not read session targetname: 5");
            error("Could not get session info for sid " + sid);
            return exit_code::sysfs_lookup;
        }
    }
    if (o.logout) {
        error("No matching sessions found");
        return exit_code::no_objects_found;
    }
    if (o.rescan || o.stats) {
        error("No session found.");
        return exit_code::no_objects_found;
    }
    if (o.format == output_format::json) {
        print("[]\n");
        return exit_code::no_objects_found;
    }
    error("No active sessions.");
    return exit_code::no_objects_found;
}

exit_code run_host(context& ctx)
{
    auto const& o = ctx.opts();
    if (!has_hosts()) {
        error("No iSCSI hosts.");
        return exit_code::no_objects_found;
    }
    int const level = o.print_level.value_or(0);
    if (level < 0 || level > 4) {
        error("Invalid info level " + std::to_string(level) + ". Try 0 - 4.");
        return exit_code::invalid;
    }
    if (o.host || !o.ops.empty() || o.submode) {
        error("host operations (-H, -o, -C) are not supported yet");
        return exit_code::op_not_supported;
    }
    print(host_listing(level, view_options(level, false, daemon_sessions_if_any())));
    return exit_code::success;
}

} // namespace iscsiadm
