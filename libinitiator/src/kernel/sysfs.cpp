#include "iscsi/kernel/sysfs.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace iscsi::kernel {

namespace fs = std::filesystem;

namespace {

/// A number after a prefix ("session12" -> 12).
std::optional<std::uint32_t> number_after(std::string const& name, std::string_view prefix)
{
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
        return std::nullopt;
    std::uint32_t n = 0;
    for (char c : name.substr(prefix.size())) {
        if (c < '0' || c > '9' || n > 100'000'000U)
            return std::nullopt;
        n = n * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return n;
}

} // namespace

std::string sysfs_attribute(fs::path const& file)
{
    std::ifstream in(file);
    std::string v;
    std::getline(in, v);
    return v;
}

std::vector<std::pair<std::uint32_t, fs::path>> numbered_entries(fs::path const& dir, std::string_view prefix)
{
    std::vector<std::pair<std::uint32_t, fs::path>> out;
    std::error_code ec;
    for (auto const& e : fs::directory_iterator(dir, ec))
        if (auto n = number_after(e.path().filename().string(), prefix))
            out.emplace_back(*n, e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::uint32_t> sysfs_hosts(fs::path const& root)
{
    std::vector<std::uint32_t> hosts;
    for (auto const& [h, path] : numbered_entries(root / "class/iscsi_host", "host"))
        hosts.push_back(h);
    return hosts;
}

std::string host_transport(fs::path const& root, std::uint32_t host_no)
{
    auto proc = sysfs_attribute(root / "class/scsi_host" / ("host" + std::to_string(host_no)) / "proc_name");
    if (proc.rfind("iscsi_", 0) == 0)
        proc.erase(0, 6);
    return proc.empty() ? "tcp" : proc;
}

std::error_code scan_host(fs::path const& root, std::uint32_t host_no)
{
    std::ofstream f(root / "class/scsi_host" / ("host" + std::to_string(host_no)) / "scan");
    f << "- - -";
    f.flush();
    return f ? std::error_code{} : std::make_error_code(std::errc::io_error);
}

std::optional<sysfs_session> read_sysfs_session(fs::path const& root, std::uint32_t sid)
{
    auto const dir = root / "class/iscsi_session" / ("session" + std::to_string(sid));
    std::error_code ec;
    if (!fs::exists(dir / "targetname", ec))
        return std::nullopt;
    sysfs_session s;
    s.sid = sid;
    s.target = sysfs_attribute(dir / "targetname");
    s.tpgt = sysfs_attribute(dir / "tpgt");
    s.state = sysfs_attribute(dir / "state");
    s.iface = sysfs_attribute(dir / "ifacename");
    auto const conn = root / "class/iscsi_connection" / ("connection" + std::to_string(sid) + ":0");
    s.address = sysfs_attribute(conn / "address");
    s.port = sysfs_attribute(conn / "port");
    s.persistent_address = sysfs_attribute(conn / "persistent_address");
    s.persistent_port = sysfs_attribute(conn / "persistent_port");
    // .../hostN/sessionM: the session device's parent is its SCSI host.
    auto real = fs::canonical(dir / "device", ec);
    if (!ec)
        s.host_no = number_after(real.parent_path().filename().string(), "host");
    if (s.host_no)
        s.transport = host_transport(root, *s.host_no);
    return s;
}

std::vector<sysfs_session> sysfs_sessions(fs::path const& root)
{
    std::vector<sysfs_session> out;
    for (auto const& [sid, path] : numbered_entries(root / "class/iscsi_session", "session"))
        if (auto s = read_sysfs_session(root, sid))
            out.push_back(std::move(*s));
    return out;
}

} // namespace iscsi::kernel
