// Logins through iscsid (logins.hpp).
#include "logins.hpp"

#include "daemon_client.hpp"
#include "node_requests.hpp"
#include "output.hpp"
#include "session_control.hpp"
#include "sessions.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace iscsiadm {

namespace db = iscsi::db;

std::string login_name(db::node_key const& k)
{
    return "[iface: " + k.iface + ", target: " + k.target + ", portal: " + k.address + "," + std::to_string(k.port) +
           "]";
}

namespace {

/// What iscsid answered for one login: printed in request order afterwards.
struct login_outcome {
    exit_code code = exit_code::success;
    std::string message;
    std::optional<std::uint32_t> sid;
};

login_outcome ask_login(login_request const& r, std::optional<double> wait_devices)
{
    login_outcome o;
    auto answer = ask_daemon(iscsid::login_request(r.key, r.record ? &*r.record : nullptr), o.code);
    if (answer) {
        o.message = answer->get("message").value_or("");
        if (auto sid = answer->get_int("sid"))
            o.sid = static_cast<std::uint32_t>(*sid);
    }
    // --wait-devices: this login is done when its disks exist. A
    // user-space session answers once its loop devices exist.
    if (o.code == exit_code::success && wait_devices && o.sid && !(answer && answer->get("data_path") == "user")) {
        auto w = wait_for_devices(*o.sid, *wait_devices);
        if (!w.missing.empty()) {
            o.code = exit_code::transport_timeout;
            char secs[32];
            std::snprintf(secs, sizeof secs, "%g", *wait_devices);
            o.message = "logged in (session " + std::to_string(*o.sid) + "), but after " + secs + " s " + w.missing;
        }
    }
    return o;
}

/// The requests whose node has no session yet. For the others open-iscsi
/// prints only that one exists (no "Logging in to" line), exit 15 unless
/// `existing_ok`.
std::vector<login_request> without_sessions(std::vector<login_request> const& requests, bool existing_ok,
                                            exit_code& last)
{
    exit_code code = exit_code::success;
    auto const sessions = daemon_session_list(code);
    if (!sessions)
        return requests;
    std::vector<login_request> out;
    for (auto const& r : requests) {
        bool const exists = std::any_of(sessions->begin(), sessions->end(), [&](daemon_session const& s) {
            return s.key.target == r.key.target && s.key.address == r.key.address && s.key.port == r.key.port &&
                   s.key.iface == r.key.iface;
        });
        if (!exists) {
            out.push_back(r);
            continue;
        }
        error(r.key.iface + ": 1 session requested, but 1 already present.");
        if (!existing_ok)
            last = exit_code::session_exists;
    }
    return out;
}

} // namespace

/// Without a daemon every login fails as open-iscsi's do: announced on
/// stdout, refused on stderr, exit 20.
exit_code log_in(std::vector<login_request> const& all, std::optional<double> wait_devices, bool existing_ok)
{
    exit_code last = exit_code::success;
    auto const requests = daemon_listening() ? without_sessions(all, existing_ok, last) : all;
    if (requests.empty()) {
        if (last != exit_code::success)
            error("Could not log into all portals");
        return last;
    }
    std::string out;
    for (auto const& r : requests)
        out += "Logging in to " + login_name(r.key) + "\n";
    print(out);
    if (!daemon_listening()) {
        for (auto const& r : requests) {
            error("Could not login to " + login_name(r.key) + ".");
            error("initiator reported error (20 - could not connect to iscsid)");
        }
        error("Could not log into all portals");
        return exit_code::iscsid_not_connected;
    }
    std::vector<login_outcome> results(requests.size());
    {
        std::vector<std::jthread> workers;
        for (std::size_t i = 0; i < requests.size(); ++i)
            workers.emplace_back([&, i] { results[i] = ask_login(requests[i], wait_devices); });
    }
    out.clear();
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto const& r = results[i];
        auto const& key = requests[i].key;
        if (r.code == exit_code::success) {
            out += "Login to " + login_name(key) + " successful.\n";
            continue;
        }
        if (r.code == exit_code::session_exists) {
            error(key.iface + ": 1 session requested, but 1 already present.");
            if (!existing_ok)
                last = r.code;
            continue;
        }
        last = r.code;
        error("Could not login to " + login_name(key) + ".");
        report_initiator_error(r.code, r.message);
    }
    print(out);
    if (last != exit_code::success)
        error("Could not log into all portals");
    return last;
}

} // namespace iscsiadm
