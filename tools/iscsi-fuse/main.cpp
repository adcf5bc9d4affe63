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

#include "iscsi/transport/scsi_session.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <sys/mount.h>
#include <thread>

namespace iscsi::tools {
namespace {

constexpr char const* tool = "iscsi-fuse";

struct options {
    login_options login;
    std::string mountpoint;
    std::string by_path_dir = "/dev/disk/by-path";
    bool loop = false;
    bool allow_other = false;
    unsigned threads = 16;
};

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
        auto const link = std::filesystem::path(o.by_path_dir) / by_path_name(p.address, p.port, o.login.target, lu.index);
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
    (void)wait_for_termination();
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
    auto const cfg = session_from(tool, o.login);
    transport::blocking_session s(cfg);
    fuse_export ex(log_in_and_open(tool, s, o.login));
    diagnostics d;
    std::string opts = "fsname=iscsi:" + o.login.target + ",subtype=iscsi";
    if (o.allow_other) opts += ",allow_other";
    if (auto ec = ex.mount(o.mountpoint, opts, &d)) die(tool, d.message);
    for (auto const& [name, lu] : ex.files())
        std::cout << name << ": " << (std::filesystem::path(o.mountpoint) / name).string() << " " << lu.device->size() << " bytes" << std::endl;

    loops ls;
    std::atomic<bool> finished{false};
    auto const portal = cfg.portal;
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
    iscsi::tools::block_termination_signals(); // taken by one thread, with sigwait

    iscsi::tools::options o;
    CLI::App app{"Export the LUNs of an iSCSI target as files (FUSE) and loop block devices"};
    iscsi::tools::add_login_options(app, o.login);
    app.add_flag("--loop", o.loop, "attach each LUN file to a loop block device");
    app.add_option("--by-path-dir", o.by_path_dir, "where the ip-...-iscsi-...-lun-N links go")->capture_default_str();
    app.add_flag("--allow-other", o.allow_other, "let users other than root open the files");
    app.add_option("--threads", o.threads, "FUSE request threads (the queue depth)")->capture_default_str()->check(CLI::Range(1, 256));
    app.add_option("mountpoint", o.mountpoint, "an existing directory")->required()->check(CLI::ExistingDirectory);
    CLI11_PARSE(app, argc, argv);
    if (auto why = iscsi::tools::check_login_options(o.login); !why.empty()) iscsi::tools::die("iscsi-fuse", why);
    return iscsi::tools::run(o);
}
