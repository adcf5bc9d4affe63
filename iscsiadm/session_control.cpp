#include "session_control.hpp"

#include "daemon_client.hpp"
#include "output.hpp"
#include "sessions.hpp"

#include <thread>

namespace iscsiadm {

namespace {

/// A listing is sid, then its key's fields, repeated.
std::vector<daemon_session> parse_listing(iscsid::ipc_message const& listing)
{
    std::vector<daemon_session> all;
    auto number = [](std::string const& v) { return static_cast<int>(std::strtol(v.c_str(), nullptr, 10)); };
    for (auto const& [k, v] : listing.fields()) {
        if (k == "sid")
            all.push_back({static_cast<std::uint32_t>(std::strtoul(v.c_str(), nullptr, 10)), {}, false, {}, {}});
        else if (!all.empty()) {
            auto& key = all.back().key;
            if (k == "target") key.target = v;
            else if (k == "address") key.address = v;
            else if (k == "port") key.port = number(v);
            else if (k == "tpgt") key.tpgt = number(v);
            else if (k == "iface") key.iface = v;
            else if (k == "data_path") all.back().user_space = v == "user";
            else if (k == "iscsid_state") all.back().iscsid_state = v;
            else if (k == "device") all.back().devices.push_back(v);
        }
    }
    return all;
}

struct outcome {
    exit_code code = exit_code::success;
    std::string message;
};

} // namespace

std::optional<std::vector<daemon_session>> daemon_session_list(exit_code& code)
{
    if (!daemon_listening()) {
        if (has_sessions()) {
            code = connect_to_daemon();
        } else {
            error("No matching sessions found");
            code = exit_code::no_objects_found;
        }
        return std::nullopt;
    }
    code = exit_code::success;
    auto listing = ask_daemon(iscsid::ipc_message().add("op", "list"), code, 30);
    if (!listing)
        return std::nullopt;
    if (code != exit_code::success) {
        error(listing->get("message").value_or("iscsid refused to list sessions"));
        return std::nullopt;
    }
    return parse_listing(*listing);
}

std::vector<daemon_session> daemon_sessions_if_any()
{
    if (!daemon_listening())
        return {};
    exit_code code = exit_code::success;
    auto listing = ask_daemon(iscsid::ipc_message().add("op", "list"), code, 5);
    if (!listing || code != exit_code::success)
        return {};
    return parse_listing(*listing);
}

void report_initiator_error(exit_code code, std::string const& message)
{
    error("initiator reported error (" + std::to_string(static_cast<int>(code)) + " - " +
          std::string(describe(code)) + ")" + (message.empty() ? "" : ": " + message));
}

std::string session_name(daemon_session const& s)
{
    return "[sid: " + std::to_string(s.sid) + ", target: " + s.key.target + ", portal: " + s.key.address + "," +
           std::to_string(s.key.port) + "]";
}

exit_code log_out_sessions(std::vector<daemon_session> const& sessions)
{
    if (sessions.empty()) {
        error("No matching sessions found");
        return exit_code::no_objects_found;
    }
    std::string out;
    for (auto const& s : sessions)
        out += "Logging out of session " + session_name(s) + "\n";
    print(out);
    out.clear();
    // All at once, like the logins; results in order.
    std::vector<outcome> results(sessions.size());
    {
        std::vector<std::jthread> workers;
        for (std::size_t i = 0; i < sessions.size(); ++i)
            workers.emplace_back([&, i] {
                auto answer = ask_daemon(iscsid::ipc_message().add("op", "logout").add("sid", sessions[i].sid),
                                         results[i].code);
                if (answer)
                    results[i].message = answer->get("message").value_or("");
            });
    }
    exit_code last = exit_code::success;
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        auto const& r = results[i];
        if (r.code == exit_code::success) {
            out += "Logout of " + session_name(sessions[i]) + " successful.\n";
            continue;
        }
        last = r.code;
        error("Could not logout of " + session_name(sessions[i]) + ".");
        report_initiator_error(r.code, r.message);
    }
    print(out);
    if (last != exit_code::success)
        error("Could not logout of all requested sessions");
    return last;
}

exit_code print_session_stats(std::vector<daemon_session> const& sessions)
{
    if (sessions.empty()) {
        error("No session found.");
        return exit_code::no_objects_found;
    }
    exit_code last = exit_code::success;
    for (auto const& s : sessions) {
        exit_code code = exit_code::success;
        auto answer = ask_daemon(iscsid::ipc_message().add("op", "stats").add("sid", s.sid), code, 30);
        if (!answer || code != exit_code::success) {
            error("Could not get session stats for session " + std::to_string(s.sid) +
                  (answer ? ": " + answer->get("message").value_or("") : std::string()));
            last = code;
            continue;
        }
        std::string out = "Stats for session " + session_name(s) + "\niSCSI SNMP:\n";
        auto line = [](std::string const& v) {
            auto sp = v.find(' ');
            return "\t" + v.substr(0, sp) + ": " + v.substr(sp + 1) + "\n";
        };
        for (auto const& v : answer->all("counter"))
            out += line(v);
        out += "iSCSI Extended:\n";
        for (auto const& v : answer->all("custom"))
            out += line(v);
        print(out);
    }
    return last;
}

exit_code rescan_sessions(std::vector<daemon_session> const& sessions)
{
    if (sessions.empty()) {
        error("No session found.");
        return exit_code::no_objects_found;
    }
    exit_code last = exit_code::success;
    for (auto const& s : sessions) {
        print("Rescanning session " + session_name(s) + "\n");
        if (s.user_space) {
            error("session " + std::to_string(s.sid) + " runs in user space; its LUNs are fixed at login");
            last = exit_code::op_not_supported;
            continue;
        }
        auto k = iscsi::kernel::read_sysfs_session(sysfs_root(), s.sid);
        if (!k || !k->host_no) {
            error("Could not find the SCSI host of session " + std::to_string(s.sid));
            last = exit_code::host_not_found;
            continue;
        }
        if (iscsi::kernel::scan_host(sysfs_root(), *k->host_no)) {
            error("Could not rescan session " + std::to_string(s.sid));
            last = exit_code::sysfs_lookup;
        }
    }
    return last;
}

} // namespace iscsiadm
