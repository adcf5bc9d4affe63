#include "sessions.hpp"

#include <cstdlib>
#include <system_error>

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

std::string session_line(iscsi::kernel::sysfs_session const& s)
{
    bool const connected = !s.address.empty();
    std::string const& address = connected ? s.address : s.persistent_address;
    std::string const& port = connected ? s.port : s.persistent_port;
    bool const v6 = address.find(':') != std::string::npos;
    std::string const host = v6 ? "[" + address + "]" : address;
    return s.transport + ": [" + std::to_string(s.sid) + "] " + host + ":" + port + "," + s.tpgt + " " + s.target +
           " (non-flash)";
}

} // namespace iscsiadm
