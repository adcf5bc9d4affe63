#include "session_view.hpp"

#include "sessions.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace iscsiadm {

namespace fs = std::filesystem;
using iscsi::kernel::sysfs_session;

namespace {

std::string read_attr(fs::path const& p) { return iscsi::kernel::sysfs_attribute(p); }

/// The kernel prints "(null)" for unset strings; open-iscsi shows <empty>.
std::string shown(std::string v)
{
    return v.empty() || v == "(null)" ? "<empty>" : v;
}

std::string yes_no(std::string const& v) { return v == "1" ? "Yes" : "No"; }
std::string digest(std::string const& v) { return v == "1" ? "CRC32C" : "None"; }

fs::path session_dir(std::uint32_t sid)
{
    return sysfs_root() / "class/iscsi_session" / ("session" + std::to_string(sid));
}
fs::path conn_dir(std::uint32_t sid)
{
    return sysfs_root() / "class/iscsi_connection" / ("connection" + std::to_string(sid) + ":0");
}
fs::path host_dir(std::uint32_t host) { return sysfs_root() / "class/iscsi_host" / ("host" + std::to_string(host)); }
fs::path scsi_host_dir(std::uint32_t host)
{
    return sysfs_root() / "class/scsi_host" / ("host" + std::to_string(host));
}

/// iscsid's view of the session; NO CHANGE when it has none to report.
std::string daemon_state_of(std::uint32_t sid, session_view_options const& o)
{
    auto it = o.daemon_state.find(sid);
    return it == o.daemon_state.end() ? "NO CHANGE" : it->second;
}

/// Kernel connection state -> the words open-iscsi's daemon uses.
std::string connection_state(std::string const& kernel_state)
{
    if (kernel_state == "up") return "LOGGED IN";
    if (kernel_state == "bound") return "IN LOGIN";
    if (kernel_state == "cleanup") return "CLEANUP_WAIT";
    return "TRANSPORT WAIT"; // down, failed: waiting to reconnect
}

void interface_block(std::string& out, sysfs_session const& s, std::string const& in,
                     session_view_options const& o)
{
    auto const sdir = session_dir(s.sid);
    std::string hw = "default", netdev = "default", ip = "<empty>";
    if (s.host_no) {
        auto const h = host_dir(*s.host_no);
        ip = shown(read_attr(h / "ipaddress"));
        if (auto v = read_attr(h / "hwaddress"); !v.empty() && v != "(null)") hw = v;
        if (auto v = read_attr(h / "netdev"); !v.empty() && v != "(null)") netdev = v;
    }
    out += in + "**********\n" + in + "Interface:\n" + in + "**********\n";
    out += in + "Iface Name: " + shown(s.iface) + "\n";
    out += in + "Iface Transport: " + s.transport + "\n";
    out += in + "Iface Initiatorname: " + shown(read_attr(sdir / "initiatorname")) + "\n";
    out += in + "Iface IPaddress: " + ip + "\n";
    out += in + "Iface HWaddress: " + hw + "\n";
    out += in + "Iface Netdev: " + netdev + "\n";
    out += in + "SID: " + std::to_string(s.sid) + "\n";
    out += in + "iSCSI Connection State: " + connection_state(read_attr(conn_dir(s.sid) / "state")) + "\n";
    out += in + "iSCSI Session State: " + s.state + "\n";
    out += in + "Internal iscsid Session State: " + daemon_state_of(s.sid, o) + "\n";
}

void timeouts_and_chap(std::string& out, sysfs_session const& s, std::string const& in, bool show_secrets)
{
    auto const sdir = session_dir(s.sid);
    out += in + "*********\n" + in + "Timeouts:\n" + in + "*********\n";
    out += in + "Recovery Timeout: " + read_attr(sdir / "recovery_tmo") + "\n";
    out += in + "Target Reset Timeout: " + read_attr(sdir / "tgt_reset_tmo") + "\n";
    out += in + "LUN Reset Timeout: " + read_attr(sdir / "lu_reset_tmo") + "\n";
    out += in + "Abort Timeout: " + read_attr(sdir / "abort_tmo") + "\n";
    out += in + "*****\n" + in + "CHAP:\n" + in + "*****\n";
    auto secret = [&](char const* name) {
        return show_secrets ? shown(read_attr(sdir / name)) : std::string("********");
    };
    out += in + "username: " + shown(read_attr(sdir / "username")) + "\n";
    out += in + "password: " + secret("password") + "\n";
    out += in + "username_in: " + shown(read_attr(sdir / "username_in")) + "\n";
    out += in + "password_in: " + secret("password_in") + "\n";
}

void negotiated(std::string& out, sysfs_session const& s, std::string const& in)
{
    auto const sdir = session_dir(s.sid);
    auto const cdir = conn_dir(s.sid);
    out += in + "************************\n" + in + "Negotiated iSCSI params:\n" + in + "************************\n";
    out += in + "HeaderDigest: " + digest(read_attr(cdir / "header_digest")) + "\n";
    out += in + "DataDigest: " + digest(read_attr(cdir / "data_digest")) + "\n";
    out += in + "MaxRecvDataSegmentLength: " + read_attr(cdir / "max_recv_dlength") + "\n";
    out += in + "MaxXmitDataSegmentLength: " + read_attr(cdir / "max_xmit_dlength") + "\n";
    out += in + "FirstBurstLength: " + read_attr(sdir / "first_burst_len") + "\n";
    out += in + "MaxBurstLength: " + read_attr(sdir / "max_burst_len") + "\n";
    out += in + "ImmediateData: " + yes_no(read_attr(sdir / "immediate_data")) + "\n";
    out += in + "InitialR2T: " + yes_no(read_attr(sdir / "initial_r2t")) + "\n";
    out += in + "MaxOutstandingR2T: " + read_attr(sdir / "max_outstanding_r2t") + "\n";
}

struct scsi_address {
    unsigned host = 0, channel = 0, id = 0, lun = 0;
    fs::path dir;
};

/// The SCSI devices under a session, by channel, id and LUN.
std::vector<scsi_address> devices_of(std::uint32_t sid)
{
    std::vector<scsi_address> all;
    std::error_code ec;
    for (auto const& t : fs::directory_iterator(session_dir(sid) / "device", ec)) {
        if (t.path().filename().string().rfind("target", 0) != 0)
            continue;
        for (auto const& d : fs::directory_iterator(t.path(), ec)) {
            scsi_address a;
            a.dir = d.path();
            if (std::sscanf(d.path().filename().c_str(), "%u:%u:%u:%u", &a.host, &a.channel, &a.id, &a.lun) == 4)
                all.push_back(a);
        }
    }
    std::sort(all.begin(), all.end(), [](scsi_address const& x, scsi_address const& y) {
        return std::tie(x.channel, x.id, x.lun) < std::tie(y.channel, y.id, y.lun);
    });
    return all;
}

void attached_devices(std::string& out, sysfs_session const& s, std::string const& in, bool with_host)
{
    out += in + "************************\n" + in + "Attached SCSI devices:\n" + in + "************************\n";
    if (with_host && s.host_no)
        out += in + "Host Number: " + std::to_string(*s.host_no) +
               "\tState: " + read_attr(scsi_host_dir(*s.host_no) / "state") + "\n";
    for (auto const& d : devices_of(s.sid)) {
        char line[96];
        std::snprintf(line, sizeof line, "scsi%u Channel %02u Id %u Lun: %u\n", d.host, d.channel, d.id, d.lun);
        out += in + line;
        std::error_code ec;
        for (auto const& b : fs::directory_iterator(d.dir / "block", ec))
            out += in + "\tAttached scsi disk " + b.path().filename().string() + "\t\tState: " +
                   read_attr(d.dir / "state") + "\n";
    }
}

/// A user-space session (iscsid runs it; no sysfs): what iscsid knows.
void user_session_block(std::string& out, sysfs_session const& s, std::string const& in, int level,
                        session_view_options const& o)
{
    out += in + "**********\n" + in + "Interface:\n" + in + "**********\n";
    out += in + "Iface Name: " + shown(s.iface) + "\n";
    out += in + "Iface Transport: user\n";
    out += in + "SID: " + std::to_string(s.sid) + "\n";
    out += in + "iSCSI Connection State: LOGGED IN\n";
    out += in + "iSCSI Session State: LOGGED_IN\n";
    out += in + "Internal iscsid Session State: " + daemon_state_of(s.sid, o) + "\n";
    if (level < 3)
        return;
    out += in + "************************\n" + in + "Attached loop devices:\n" + in + "************************\n";
    if (auto d = o.user_devices.find(s.sid); d != o.user_devices.end())
        for (auto const& dev : d->second)
            out += in + "\tAttached loop device " + fs::path(dev).filename().string() + "\n";
}

/// One target/portal group of the tree; `in` is the indent of "Target:".
void tree(std::string& out, std::vector<sysfs_session> const& sessions, std::string const& in, int level,
          bool host_view, session_view_options const& o)
{
    std::string prev_target, prev_portal;
    for (auto const& s : sessions) {
        auto const current = current_portal(s);
        if (s.target != prev_target) {
            out += in + "Target: " + s.target + " (non-flash)\n";
            prev_portal.clear();
        }
        if (s.target != prev_target || current != prev_portal) {
            out += in + "\tCurrent Portal: " + current + "\n";
            out += in + "\tPersistent Portal: " + portal_text(s.persistent_address, s.persistent_port, s.tpgt) + "\n";
        }
        prev_target = s.target;
        prev_portal = current;
        std::string const body = in + "\t\t";
        if (s.transport == "user") {
            user_session_block(out, s, body, level, o);
            continue;
        }
        interface_block(out, s, body, o);
        if (level >= 2 && !host_view)
            timeouts_and_chap(out, s, body, o.show_secrets);
        if (level >= 2)
            negotiated(out, s, body);
        if (level >= 3)
            attached_devices(out, s, body, !host_view);
    }
}

/// The -P 3 header; none where the kernel has no iSCSI transport class
/// (only user-space sessions).
std::string versions()
{
    auto const transport = read_attr(sysfs_root() / "module/scsi_transport_iscsi/version");
    if (transport.empty())
        return {};
    return "iSCSI Transport Class version " + transport + "\nversion 2.1.8\n";
}

} // namespace

std::string session_tree(std::vector<sysfs_session> sessions, session_view_options const& o)
{
    std::stable_sort(sessions.begin(), sessions.end(),
                     [](sysfs_session const& a, sysfs_session const& b) { return a.target < b.target; });
    std::string out = o.level >= 3 ? versions() : std::string();
    tree(out, sessions, "", o.level, false, o);
    return out;
}

bool has_hosts() { return !iscsi::kernel::sysfs_hosts(sysfs_root()).empty(); }

std::string host_listing(int level, session_view_options const& o)
{
    std::string out = level >= 4 ? versions() : std::string();
    auto const all = iscsi::kernel::sysfs_sessions(sysfs_root());
    for (auto host : iscsi::kernel::sysfs_hosts(sysfs_root())) {
        auto const h = host_dir(host);
        auto const transport = iscsi::kernel::host_transport(sysfs_root(), host);
        if (level == 0) {
            out += transport + ": [" + std::to_string(host) + "] " + shown(read_attr(h / "ipaddress")) + ",[" +
                   shown(read_attr(h / "hwaddress")) + "]," + shown(read_attr(h / "netdev")) + " " +
                   shown(read_attr(h / "initiatorname")) + "\n";
            continue;
        }
        out += "Host Number: " + std::to_string(host) + "\n";
        out += "\tState: " + read_attr(scsi_host_dir(host) / "state") + "\n";
        out += "\tTransport: " + transport + "\n";
        out += "\tInitiatorname: " + shown(read_attr(h / "initiatorname")) + "\n";
        out += "\tIPaddress: " + shown(read_attr(h / "ipaddress")) + "\n";
        out += "\tHWaddress: " + shown(read_attr(h / "hwaddress")) + "\n";
        out += "\tNetdev: " + shown(read_attr(h / "netdev")) + "\n";
        if (level < 2)
            continue;
        std::vector<sysfs_session> mine;
        for (auto const& s : all)
            if (s.host_no == host)
                mine.push_back(s);
        out += "\t*********\n\tSessions:\n\t*********\n";
        // -P 2: each session's interface; 3: and its negotiated keys; 4: and its disks.
        tree(out, mine, "\t", level - 1, true, o);
    }
    return out;
}

} // namespace iscsiadm
