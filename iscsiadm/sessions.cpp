#include "sessions.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <system_error>

namespace iscsiadm {

namespace fs = std::filesystem;

namespace {

std::string attribute(fs::path const& file)
{
    std::ifstream in(file);
    std::string v;
    std::getline(in, v);
    return v;
}

/// The SCSI host a session hangs under: .../hostN/sessionM.
std::optional<std::string> host_of(fs::path const& session_dir)
{
    std::error_code ec;
    auto real = fs::canonical(session_dir / "device", ec);
    if (ec)
        return std::nullopt;
    auto host = real.parent_path().filename().string();
    if (host.rfind("host", 0) != 0)
        return std::nullopt;
    return host;
}

std::optional<kernel_session_view> read_session(fs::path const& root, std::uint32_t sid)
{
    auto const dir = root / "class/iscsi_session" / ("session" + std::to_string(sid));
    std::error_code ec;
    if (!fs::exists(dir / "targetname", ec))
        return std::nullopt;
    kernel_session_view s;
    s.sid = sid;
    s.target = attribute(dir / "targetname");
    s.tpgt = attribute(dir / "tpgt");
    s.state = attribute(dir / "state");
    auto const conn = root / "class/iscsi_connection" / ("connection" + std::to_string(sid) + ":0");
    s.address = attribute(conn / "address");
    s.port = attribute(conn / "port");
    if (s.address.empty()) { // not connected now: open-iscsi shows the persistent portal
        s.address = attribute(conn / "persistent_address");
        s.port = attribute(conn / "persistent_port");
    }
    s.transport = "tcp";
    if (auto host = host_of(dir)) {
        auto proc = attribute(root / "class/scsi_host" / *host / "proc_name");
        if (proc.rfind("iscsi_", 0) == 0)
            proc.erase(0, 6);
        if (!proc.empty())
            s.transport = proc;
    }
    return s;
}

} // namespace

fs::path sysfs_root()
{
    if (char const* env = std::getenv("ISCSI_SYSFS"); env && *env)
        return env;
    return "/sys";
}

bool has_sessions()
{
    std::error_code ec;
    return fs::directory_iterator(sysfs_root() / "class/iscsi_session", ec) != fs::directory_iterator();
}

std::vector<kernel_session_view> kernel_sessions()
{
    auto const root = sysfs_root();
    std::vector<std::uint32_t> sids;
    std::error_code ec;
    for (auto const& e : fs::directory_iterator(root / "class/iscsi_session", ec)) {
        auto name = e.path().filename().string();
        if (name.rfind("session", 0) != 0)
            continue;
        try {
            sids.push_back(static_cast<std::uint32_t>(std::stoul(name.substr(7))));
        } catch (std::exception const&) {
        }
    }
    std::sort(sids.begin(), sids.end());
    std::vector<kernel_session_view> out;
    for (auto sid : sids)
        if (auto s = read_session(root, sid))
            out.push_back(std::move(*s));
    return out;
}

std::optional<kernel_session_view> kernel_session(std::uint32_t sid) { return read_session(sysfs_root(), sid); }

std::string session_line(kernel_session_view const& s)
{
    bool const v6 = s.address.find(':') != std::string::npos;
    std::string const host = v6 ? "[" + s.address + "]" : s.address;
    return s.transport + ": [" + std::to_string(s.sid) + "] " + host + ":" + s.port + "," + s.tpgt + " " + s.target +
           " (non-flash)";
}

} // namespace iscsiadm
