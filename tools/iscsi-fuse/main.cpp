// iscsi-fuse: log in to a target from user space and export its LUNs as
// files (FUSE), optionally as loop block devices with by-path links. For
// containers and kernels without iscsi_tcp; docs/fuse-export.md.
//
//   iscsi-fuse --portal 10.0.0.5:3260 --target iqn.2026-01.com.example:disk
//              [--lun 1]... [--loop] [--by-path-dir DIR] MOUNTPOINT
//
// Runs in the foreground until SIGTERM/SIGINT, then detaches its loop
// devices (refusing while one is still mounted), unmounts and logs out.
#include "fuse_export.hpp"
#include "loop_device.hpp"

#include "iscsi/db/config.hpp"
#include "iscsi/discovery/portal.hpp"
#include "iscsi/scsi/inquiry.hpp"
#include "iscsi/scsi/report_luns.hpp"
#include "iscsi/transport/scsi_session.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <random>
#include <sys/mount.h>
#include <thread>

namespace iscsi::tools {
namespace {

struct options {
    std::string portal, target, initiator_name, mountpoint;
    std::string by_path_dir = "/dev/disk/by-path";
    std::string chap_user, chap_secret_file, mutual_user, mutual_secret_file;
    std::vector<unsigned> luns;
    bool loop = false;
    bool allow_other = false;
    unsigned threads = 16;
    double replacement_timeout = 120;
};

[[noreturn]] void die(std::string const& why)
{
    std::cerr << "iscsi-fuse: " << why << "\n";
    std::exit(1);
}

std::string read_secret(std::string const& file)
{
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) die("cannot read the secret from " + file);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

session::session_config session_from(options const& o)
{
    session::session_config cfg;
    diagnostics d;
    auto p = discovery::parse_portal(o.portal, &d);
    if (!p) die("--portal " + o.portal + ": " + d.message);
    cfg.portal = *p;
    cfg.login.target_name = o.target;
    cfg.login.initiator_name = o.initiator_name;
    if (cfg.login.initiator_name.empty()) {
        auto id = db::load_initiator_identity(std::string(ISCSI_SYSCONFDIR) + "/initiatorname.iscsi");
        if (!id) die("no initiator name: pass --initiator-name or write " ISCSI_SYSCONFDIR "/initiatorname.iscsi");
        cfg.login.initiator_name = id->name;
    }
    cfg.login.isid_ = isid::random_format(std::random_device{}(), 0);
    if (!o.chap_user.empty()) {
        auth::chap_config c;
        c.initiator = {o.chap_user, auth::secret(read_secret(o.chap_secret_file))};
        if (!o.mutual_user.empty()) c.target = auth::chap_credentials{o.mutual_user, auth::secret(read_secret(o.mutual_secret_file))};
        cfg.login.chap = std::move(c);
    }
    cfg.replacement_timeout = std::chrono::duration_cast<duration>(std::chrono::duration<double>(o.replacement_timeout));
    return cfg;
}

/// The disk LUNs to export: those asked for, or every direct-access LU REPORT LUNS lists.
std::vector<lun> disk_luns(transport::blocking_session& s, options const& o)
{
    std::vector<lun> candidates;
    for (unsigned n : o.luns) candidates.push_back(lun::from_index(static_cast<std::uint16_t>(n)));
    if (candidates.empty()) {
        auto r = s.execute({lun::from_index(0), scsi::report_luns(), {}});
        auto list = r && r->status == 0 ? scsi::parse_report_luns(r->data) : result<scsi::lun_list>(std::make_error_code(std::errc::io_error));
        if (!list) die("REPORT LUNS failed: pass --lun N");
        candidates = list->luns;
    }
    std::vector<lun> disks;
    for (lun l : candidates) {
        auto r = s.execute({l, scsi::inquiry(), {}});
        auto inq = r && r->status == 0 ? scsi::parse_inquiry(r->data) : result<scsi::inquiry_data>(std::make_error_code(std::errc::io_error));
        if (inq && inq->connected() && inq->device_type == static_cast<std::uint8_t>(scsi::device_type::direct_access))
            disks.push_back(l);
        else if (!o.luns.empty())
            die("LUN " + std::to_string(l.index().value_or(0)) + " is not a disk the target connects");
    }
    return disks;
}

/// Loop devices, shared by the thread that attaches them and the one that
/// detaches them on a signal.
struct loops {
    std::mutex m;
    std::vector<loop_device> devices;
    bool closing = false;
};

void attach_loops(fuse_export const& ex, options const& o, discovery::portal const& p, loops& ls)
{
    for (auto const& [name, lu] : ex.files()) {
        diagnostics d;
        std::lock_guard g(ls.m);
        if (ls.closing) return;
        auto dev = loop_device::attach(std::filesystem::path(o.mountpoint) / name, lu.device->geom().block_size, &d);
        if (!dev) {
            std::cerr << "iscsi-fuse: " << name << ": loop device: " << d.message << "\n";
            continue;
        }
        auto const link = std::filesystem::path(o.by_path_dir) / by_path_name(p.address, p.port, o.target, lu.index);
        if (auto ec = dev->link(link)) std::cerr << "iscsi-fuse: " << link.string() << ": " << ec.message() << "\n";
        std::cout << name << ": " << dev->path().string() << " " << link.string() << std::endl;
        ls.devices.push_back(std::move(*dev));
    }
}

/// Waits for SIGINT/SIGTERM/SIGHUP, detaches the loop devices and unmounts
/// lazily. A loop device still in use (mounted) keeps its LUN file open,
/// so the FUSE loop goes on serving it until that file system is unmounted;
/// then the kernel detaches the device, the mount goes, and we exit.
void wait_for_signals(options const& o, loops& ls, std::atomic<bool> const& finished)
{
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    int sig = 0;
    sigwait(&set, &sig);
    if (finished) return;
    std::lock_guard g(ls.m);
    ls.closing = true;
    for (auto& d : ls.devices) {
        if (d.in_use())
            std::cerr << "iscsi-fuse: " << d.path().string()
                      << " is in use; serving it until it is unmounted, then exiting\n";
        if (auto ec = d.detach()) std::cerr << "iscsi-fuse: detach " << d.path().string() << ": " << ec.message() << "\n";
    }
    ::umount2(o.mountpoint.c_str(), MNT_DETACH);
}

int run(options const& o)
{
    transport::blocking_session s(session_from(o));
    s.async().set_notice_handler([](session::session_notice const& n) {
        if (!n.detail.empty() || n.error) std::cerr << "iscsi-fuse: session: " << n.detail << (n.error ? " (" + n.error.message() + ")" : "") << "\n";
    });
    if (auto ec = s.login()) die("login to " + o.target + " at " + o.portal + " failed: " + ec.message());

    std::map<std::string, exported_lun> files;
    auto exec = [&s](session::scsi_request r) { return s.execute(std::move(r)); };
    for (lun l : disk_luns(s, o)) {
        diagnostics d;
        auto dev = blockdev::lun_device::open(exec, l, &d);
        std::string const name = "lun-" + std::to_string(l.index().value_or(0));
        if (!dev) die(name + ": " + d.message);
        (*dev)->on_error = [name](std::string const& e) { std::cerr << "iscsi-fuse: " << name << ": " << e << "\n"; };
        files.emplace(name, exported_lun{l.index().value_or(0), std::move(*dev)});
    }
    if (files.empty()) die(o.target + " has no disk LUNs");

    fuse_export ex(std::move(files));
    diagnostics d;
    std::string opts = "fsname=iscsi:" + o.target + ",subtype=iscsi";
    if (o.allow_other) opts += ",allow_other";
    if (auto ec = ex.mount(o.mountpoint, opts, &d)) die(d.message);
    for (auto const& [name, lu] : ex.files())
        std::cout << name << ": " << (std::filesystem::path(o.mountpoint) / name).string() << " " << lu.device->size() << " bytes" << std::endl;

    loops ls;
    std::atomic<bool> finished{false};
    auto const portal = session_from(o).portal;
    std::thread setup([&] {
        if (o.loop) attach_loops(ex, o, portal, ls);
        std::cout << "ready" << std::endl;
    });
    std::thread signals([&] { wait_for_signals(o, ls, finished); });
    int const rc = ex.run(o.threads);
    finished = true;
    setup.join();
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
    ls.devices.clear();
    ex.close();
    (void)s.logout();
    return rc == 0 ? 0 : 1;
}

} // namespace
} // namespace iscsi::tools

int main(int argc, char** argv)
{
    // Signals are taken by one thread (sigwait); every thread started from
    // here on inherits the mask.
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    iscsi::tools::options o;
    CLI::App app{"Export the LUNs of an iSCSI target as files (FUSE) and loop block devices"};
    app.add_option("--portal", o.portal, "target portal, HOST[:PORT]")->required();
    app.add_option("--target", o.target, "target name (IQN)")->required();
    app.add_option("--initiator-name", o.initiator_name, "default: " ISCSI_SYSCONFDIR "/initiatorname.iscsi");
    app.add_option("--lun", o.luns, "LUN to export (repeatable); default: every disk LUN");
    app.add_option("--chap-user", o.chap_user, "CHAP user name");
    app.add_option("--chap-secret-file", o.chap_secret_file, "file whose first line is the CHAP secret")->check(CLI::ExistingFile);
    app.add_option("--mutual-user", o.mutual_user, "the target's CHAP name (mutual CHAP)")->needs("--chap-user");
    app.add_option("--mutual-secret-file", o.mutual_secret_file, "file with the target's CHAP secret")->check(CLI::ExistingFile);
    app.add_flag("--loop", o.loop, "attach each LUN file to a loop block device");
    app.add_option("--by-path-dir", o.by_path_dir, "where the ip-...-iscsi-...-lun-N links go")->capture_default_str();
    app.add_flag("--allow-other", o.allow_other, "let users other than root open the files");
    app.add_option("--threads", o.threads, "FUSE request threads (the queue depth)")->capture_default_str()->check(CLI::Range(1, 256));
    app.add_option("--replacement-timeout", o.replacement_timeout, "seconds I/O waits for a lost connection")->capture_default_str();
    app.add_option("mountpoint", o.mountpoint, "an existing directory")->required()->check(CLI::ExistingDirectory);
    CLI11_PARSE(app, argc, argv);
    if (!o.chap_user.empty() && o.chap_secret_file.empty()) {
        std::cerr << "iscsi-fuse: --chap-user needs --chap-secret-file\n";
        return 1;
    }
    return iscsi::tools::run(o);
}
