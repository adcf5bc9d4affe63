// iscsistart: logins for the initramfs, without iscsid. Open-iscsi's
// options and messages, so that dracut's and initramfs-tools' scripts run
// it unchanged: -b logs in to the firmware's (iBFT) targets, -N brings up
// the firmware's network, -f prints the firmware's targets, and -i/-t/-g/-a
// log in to one target given by hand.
#include "boot_login.hpp"
#include "net_setup.hpp"

#include "iscsi/db/config.hpp"
#include "iscsi/db/schema.hpp"
#include "iscsi/db/store.hpp"
#include "iscsi/ibft/firmware.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#ifndef ISCSI_SYSCONFDIR
#define ISCSI_SYSCONFDIR "/etc/iscsi"
#endif

namespace {

namespace db = iscsi::db;
namespace ibft = iscsi::ibft;

// open-iscsi's exit codes (iscsi_err.h) that iscsistart uses.
constexpr int exit_error = 1, exit_invalid = 7, exit_no_objects = 21;

struct options {
    std::string initiator, target, address, username, password, username_in, password_in, table;
    int tpgt = -1, port = 3260, debug = 0;
    bool boot = false, network = false, print = false, show = false, version = false;
    std::vector<std::string> params;
};

std::filesystem::path database_root()
{
    if (char const* env = std::getenv("ISCSI_ROOT"); env && *env)
        return env;
    return ISCSI_SYSCONFDIR;
}

/// iscsid.conf's defaults for new records; the compiled-in ones when the
/// initramfs has none.
db::config config()
{
    auto c = db::load_config(database_root() / "iscsid.conf");
    return c ? std::move(*c) : db::default_config();
}

std::optional<ibft::firmware> firmware(options const& o)
{
    ibft::firmware_options f;
    if (char const* sys = std::getenv("ISCSI_SYSFS"); sys && *sys)
        f.sys = sys;
    f.table_file = o.table;
    auto fw = ibft::read_firmware(f);
    if (!fw) {
        if (fw.error() != make_error_code(ibft::firmware_errc::not_found))
            std::cerr << "iscsistart: " << fw.error().message() << "\n";
        return std::nullopt;
    }
    for (auto const& w : fw->warnings)
        std::cerr << "iscsistart: firmware (" << fw->source << "): " << w << "\n";
    return std::move(*fw);
}

/// -P NAME=VALUE over `r`, after iscsistart's boot defaults: 30 login
/// retries (the network may still be settling) and no NOP-Out pings
/// unless asked for (open-iscsi's choices for root sessions).
int apply_params(db::node_record& r, std::vector<std::string> const& params)
{
    r.session.initial_login_retry_max = 30;
    r.conn.noop_out_interval = 0;
    r.conn.noop_out_timeout = 0;
    for (auto const& p : params) {
        auto const eq = p.find('=');
        if (eq == std::string::npos || eq + 1 == p.size()) {
            std::cerr << "iscsistart: Invalid --param " << p << ". Missing value.\n";
            return exit_invalid;
        }
        auto const ref = db::find_node_field(p.substr(0, eq));
        if (!ref || db::set_node_value(r, ref, p.substr(eq + 1)) != db::parse_status::ok) {
            std::cerr << "iscsistart: Invalid --param " << p << ": no such setting or a bad value\n";
            return exit_invalid;
        }
    }
    return 0;
}

/// The one record -i/-t/-g/-a/-p/-u/-w/-U/-W describe.
int manual_record(options const& o, db::config const& conf, db::node_record& r)
{
    char const* missing = o.initiator.empty() ? "InitiatorName"
                          : o.tpgt < 0         ? "Portal Group"
                          : o.target.empty()   ? "TargetName"
                          : o.address.empty()  ? "IP Address"
                                               : nullptr;
    if (missing) {
        std::cerr << "iscsistart: " << missing << " not set. Exiting iscsistart\n";
        return exit_invalid;
    }
    r = db::make_node_record(conf, o.target, o.address, o.port, o.tpgt, db::iface_record{});
    r.iface.initiatorname = o.initiator;
    auto& a = r.session.auth;
    a.username = o.username;
    a.password = o.password;
    a.username_in = o.username_in;
    a.password_in = o.password_in;
    return 0;
}

int run(options const& o)
{
    if (o.print || o.network || o.boot) {
        auto fw = firmware(o);
        if (!fw || fw->entries.empty()) {
            std::cout << (o.print ? "Could not get list of targets from firmware.\n" : "Could not setup fw entries.\n");
            return exit_no_objects;
        }
        if (o.print) {
            for (auto const& e : fw->entries)
                std::cout << ibft::format_entry(e, o.show);
            return 0;
        }
        if (o.network)
            return iscsistart::set_up_network(fw->entries) ? 0 : exit_error;
        auto const conf = config();
        std::vector<db::node_record> records;
        for (auto const& e : fw->entries) {
            auto r = ibft::node_record_for(
                e, db::make_node_record(conf, e.target_name, e.target_ip, e.target_port, 1, db::iface_record{}));
            if (int rc = apply_params(r, o.params))
                return rc;
            records.push_back(std::move(r));
        }
        return iscsistart::log_in(records, database_root(), o.debug) ? 0 : exit_error;
    }
    auto const conf = config();
    db::node_record r;
    if (int rc = manual_record(o, conf, r))
        return rc;
    if (int rc = apply_params(r, o.params))
        return rc;
    return iscsistart::log_in({r}, database_root(), o.debug) ? 0 : exit_error;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"iscsistart: log in to iSCSI boot targets without iscsid (initramfs)"};
    options o;
    app.add_option("-i,--initiatorname", o.initiator, "InitiatorName (needed without -b)");
    app.add_option("-t,--targetname", o.target, "TargetName (needed without -b)");
    app.add_option("-g,--tgpt", o.tpgt, "target portal group tag (needed without -b)");
    app.add_option("-a,--address", o.address, "the target's IP address (needed without -b)");
    app.add_option("-p,--port", o.port, "the target's port (default 3260)");
    app.add_option("-u,--username", o.username, "CHAP user name");
    app.add_option("-w,--password", o.password, "CHAP secret");
    app.add_option("-U,--username_in", o.username_in, "mutual CHAP: the target's user name");
    app.add_option("-W,--password_in", o.password_in, "mutual CHAP: the target's secret");
    app.add_option("-d,--debug", o.debug, "debug level 0-8");
    app.add_flag("-b,--fwparam_connect", o.boot, "log in to the targets of the iBFT");
    app.add_flag("-N,--fwparam_network", o.network, "bring up the network as the iBFT describes it");
    app.add_flag("-f,--fwparam_print", o.print, "print the iBFT's targets (secrets masked)");
    app.add_flag("-S,--show", o.show, "with -f: print CHAP secrets too");
    app.add_option("--table", o.table, "read the iBFT from this file (a dump of the ACPI table)");
    app.add_option("-P,--param", o.params, "NAME=VALUE: set a node record setting");
    app.add_flag("-v,--version", o.version, "print the version");
    try {
        app.parse(argc, argv);
    } catch (CLI::CallForHelp const& e) {
        return app.exit(e);
    } catch (CLI::ParseError const& e) {
        std::cerr << "iscsistart: " << e.what() << "\nTry `iscsistart --help' for more information.\n";
        return exit_invalid;
    }
    if (o.version) {
        std::cout << "iscsistart version 2.1.8\n";
        return 0;
    }
    return run(o);
}
