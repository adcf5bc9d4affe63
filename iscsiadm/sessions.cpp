#include "sessions.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <system_error>
#include <thread>

namespace iscsiadm {

namespace fs = std::filesystem;

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

std::vector<boot_session> boot_sessions()
{
    fs::path file = "/run/initramfs/iscsi.sessions";
    if (char const* env = std::getenv("ISCSI_BOOT_SESSIONS"); env && *env)
        file = env;
    std::vector<boot_session> out;
    std::ifstream in(file);
    boot_session s;
    std::string rest;
    // A malformed line stops the reading: what came before it still counts.
    while (in >> s.sid >> s.target && std::getline(in, rest))
        out.push_back(s);
    return out;
}

namespace {

/// SCSI peripheral types with a block device: disk, CD/DVD, optical, RBC.
bool block_type(int type) { return type == 0 || type == 5 || type == 7 || type == 14; }

/// One look at the session: the ready devices, or what is not ready yet.
devices_wait look(std::uint32_t sid)
{
    devices_wait w;
    std::error_code ec;
    auto const session = sysfs_root() / "class/iscsi_session" / ("session" + std::to_string(sid)) / "device";
    if (!fs::exists(session, ec)) {
        w.missing = "session " + std::to_string(sid) + " is gone";
        return w;
    }
    for (auto const& target : fs::directory_iterator(session, ec)) {
        if (target.path().filename().string().rfind("target", 0) != 0)
            continue;
        for (auto const& lun : fs::directory_iterator(target.path(), ec)) {
            int type = -1;
            std::ifstream(lun.path() / "type") >> type;
            if (!block_type(type))
                continue;
            std::string name;
            for (auto const& b : fs::directory_iterator(lun.path() / "block", ec))
                name = b.path().filename().string();
            std::string const where = lun.path().filename().string();
            if (name.empty()) {
                w.missing = "LUN " + where + " has no block device yet";
                continue;
            }
            if (!fs::exists(fs::path("/dev") / name, ec)) {
                w.missing = "/dev/" + name + " (LUN " + where + ") does not exist yet";
                continue;
            }
            w.devices.push_back(name);
        }
    }
    return w;
}

} // namespace

devices_wait wait_for_devices(std::uint32_t sid, double timeout_s)
{
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    for (;;) {
        auto w = look(sid);
        if (w.missing.empty() || std::chrono::steady_clock::now() >= deadline)
            return w;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string portal_text(std::string const& address, std::string const& port, std::string const& tpgt)
{
    // open-iscsi brackets every address without a '.' (so an IPv4-mapped
    // IPv6 address stays bare).
    bool const bracket = address.find('.') == std::string::npos;
    return (bracket ? "[" + address + "]" : address) + ":" + port + "," + tpgt;
}

std::string current_portal(iscsi::kernel::sysfs_session const& s)
{
    bool const connected = !s.address.empty();
    return portal_text(connected ? s.address : s.persistent_address, connected ? s.port : s.persistent_port, s.tpgt);
}

std::string session_line(iscsi::kernel::sysfs_session const& s)
{
    // The persistent portal (what the record names), as open-iscsi 2.1.8
    // prints it: for IPv6 the kernel's current address is in its long form.
    bool const persistent = !s.persistent_address.empty();
    auto const portal = persistent ? portal_text(s.persistent_address, s.persistent_port, s.tpgt) : current_portal(s);
    return s.transport + ": [" + std::to_string(s.sid) + "] " + portal + " " + s.target + " (non-flash)";
}

} // namespace iscsiadm
