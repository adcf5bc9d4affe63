// iscsid: the daemon. Owns the sessions, hands logged-in connections to
// the kernel (iscsi_tcp) and answers iscsiadm on its control socket.
#include "control_server.hpp"
#include "daemon.hpp"
#include "kernel_link.hpp"
#include "dbus/service.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <unistd.h>

#ifndef ISCSI_SYSCONFDIR
#define ISCSI_SYSCONFDIR "/etc/iscsi"
#endif

namespace {

std::filesystem::path database_root(std::string const& config)
{
    if (char const* env = std::getenv("ISCSI_ROOT"); env && *env)
        return env;
    if (!config.empty())
        return std::filesystem::path(config).parent_path();
    return ISCSI_SYSCONFDIR;
}

/// --dbus auto serves the system bus only for the system's database (a
/// daemon on a private root, as tests run, must not claim the name) or
/// when the bus address is given explicitly.
bool wants_dbus(std::string const& mode, std::string const& config)
{
    if (mode != "auto")
        return mode == "yes";
    char const* addr = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    return (addr && *addr) || database_root(config) == ISCSI_SYSCONFDIR;
}

/// The D-Bus API on the system bus; null (logged) when it cannot be.
std::unique_ptr<iscsid::dbus::api> start_dbus(boost::asio::io_context& io, iscsid::daemon& d)
{
    try {
        auto api = std::make_unique<iscsid::dbus::api>(io, d);
        api->svc.start();
        d.on_change([svc = &api->svc] { svc->sessions_changed(); });
        std::clog << "iscsid: D-Bus API on the system bus as " << iscsid::dbus::bus_name << "\n";
        return api;
    } catch (std::exception const& e) {
        std::clog << "iscsid: no D-Bus API: " << e.what() << "\n";
        return nullptr;
    }
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"iscsid: the iSCSI initiator daemon"};
    bool foreground = false;
    int debug = 0;
    std::string config, initiatorname, dbus = "auto";
    app.add_flag("-f,--foreground", foreground, "run in the foreground");
    app.add_option("-d,--debug", debug, "debug level 0-8 (4 and up: every kernel request and event)")
        ->check(CLI::Range(0, 8));
    app.add_option("-c,--config", config, "iscsid.conf to use (its directory holds the databases)");
    app.add_option("-i,--initiatorname", initiatorname, "initiatorname.iscsi to use");
    app.add_option("--dbus", dbus,
                   "serve the D-Bus API on the system bus: yes, no, or auto (when the database is the system's "
                   "or DBUS_SYSTEM_BUS_ADDRESS is set; failing to is then not fatal)")
        ->check(CLI::IsMember({"auto", "yes", "no"}));
    CLI11_PARSE(app, argc, argv);

    if (!foreground && ::daemon(0, 0) != 0) {
        std::perror("iscsid: cannot detach");
        return 1;
    }

    boost::asio::io_context io(1);
    std::string why = iscsid::load_module("iscsi_tcp");
    std::unique_ptr<iscsid::kernel_link> link;
    if (why.empty()) {
        auto opened = iscsid::kernel_link::open(io, "tcp", why);
        if (opened)
            link = std::move(*opened);
    }
    if (!link)
        std::clog << "iscsid: kernel data path unavailable: " << why << "\n";

    if (link)
        link->set_debug(debug);
    iscsid::daemon d(io, database_root(config), std::move(link), why);
    if (!initiatorname.empty())
        d.set_initiator_name_file(initiatorname);
    char const* sysfs = std::getenv("ISCSI_SYSFS");
    d.adopt(sysfs && *sysfs ? sysfs : "/sys");
    d.start_isns();
    std::unique_ptr<iscsid::control_server> server;
    bool activated = false;
    auto handler = [&d](iscsid::ipc_message const& req) { return d.handle(req); };
    try {
        // Socket activation (iscsid.socket): systemd passes the listening
        // socket as descriptor 3.
        activated = ::sd_listen_fds(1) == 1 && ::sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, nullptr, 0) > 0;
        if (activated)
            server = std::make_unique<iscsid::control_server>(io, SD_LISTEN_FDS_START, handler);
        else
            server = std::make_unique<iscsid::control_server>(io, iscsid::control_socket_path(), handler);
    } catch (std::exception const& e) {
        std::cerr << "iscsid: cannot listen on " << iscsid::control_socket_path() << ": " << e.what() << "\n";
        return 1;
    }
    server->start();

    std::unique_ptr<iscsid::dbus::api> api;
    if (wants_dbus(dbus, config) && !(api = start_dbus(io, d)) && dbus == "yes")
        return 1;
    d.on_status([](std::string const& status) { ::sd_notifyf(0, "STATUS=%s", status.c_str()); });
    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code, int sig) {
        if (sig == SIGHUP) { // systemctl reload: iscsid.conf again
            ::sd_notify(0, "RELOADING=1");
            d.reload();
            d.start_isns(); // the iSNS records may have changed too
            std::clog << "iscsid: reloaded " << database_root(config).string() << "/iscsid.conf\n";
            ::sd_notify(0, "READY=1");
            signals.async_wait(on_signal);
            return;
        }
        // Sessions stay in the kernel (their disks keep working) and user
        // sessions in their iscsi-fuse; a new iscsid adopts them.
        ::sd_notify(0, "STOPPING=1");
        server->stop();
        io.stop();
    };
    signals.async_wait(on_signal);
    ::sd_notifyf(0, "READY=1\nSTATUS=%zu sessions", d.session_count());
    std::clog << "iscsid: ready on " << (activated ? "the socket systemd passed" : iscsid::control_socket_path())
              << "\n";
    io.run();
    d.on_change(nullptr); // the D-Bus objects go first
    return 0;
}
