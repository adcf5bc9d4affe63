// -m fw and -m discovery -t fw: the targets the boot firmware names (iBFT).
// Printing and logging in never touch the database, as in open-iscsi;
// discovery writes node records of discovery type fw.
#include "modes.hpp"

#include "logins.hpp"
#include "output.hpp"
#include "records_view.hpp"
#include "sendtargets.hpp"
#include "sessions.hpp"

#include "iscsi/ibft/firmware.hpp"

#include <cstdlib>

namespace iscsiadm {

namespace db = iscsi::db;
namespace ibft = iscsi::ibft;

namespace {

/// The firmware's entries, or open-iscsi's error and exit code 21. The
/// sysfs root follows ISCSI_SYSFS; ISCSI_IBFT_TABLE names a table dump to
/// read instead (tests, and checking a table taken from another machine).
std::optional<std::vector<ibft::boot_entry>> firmware_entries()
{
    ibft::firmware_options o;
    o.sys = sysfs_root();
    if (char const* f = std::getenv("ISCSI_IBFT_TABLE"); f && *f)
        o.table_file = f;
    auto fw = ibft::read_firmware(o);
    if (fw) {
        for (auto const& w : fw->warnings)
            error("firmware (" + fw->source + "): " + w);
    }
    if (!fw || fw->entries.empty()) {
        error("Could not get list of targets from firmware. (err 21)");
        if (!fw && fw.error() != make_error_code(ibft::firmware_errc::not_found))
            error(fw.error().message());
        return std::nullopt;
    }
    return std::move(fw->entries);
}

/// A firmware target as a node record: iscsid.conf's defaults, then what
/// the firmware says (TPGT 1, iface default, CHAP).
db::node_record record_of(context& ctx, ibft::boot_entry const& e)
{
    db::iface_record iface;
    auto base = db::make_node_record(ctx.conf(), e.target_name, e.target_ip, e.target_port, 1, iface);
    return ibft::node_record_for(e, std::move(base));
}

} // namespace

exit_code run_fw(context& ctx)
{
    auto const& o = ctx.opts();
    auto entries = firmware_entries();
    if (!entries)
        return exit_code::no_objects_found;
    if (!o.login) {
        std::string out;
        for (auto const& e : *entries)
            out += ibft::format_entry(e, o.show_secrets);
        print(out);
        return exit_code::success;
    }
    // Unlike open-iscsi, which exits 0 whatever happened, a failed firmware
    // login is reported in the exit code: boot scripts depend on it. A
    // session that is already there is what was asked for: success.
    std::vector<login_request> requests;
    for (auto const& e : *entries) {
        auto r = record_of(ctx, e);
        requests.push_back({db::key_of(r), std::move(r)});
    }
    return log_in(requests, o.wait_devices, true);
}

exit_code run_fw_discovery(context& ctx)
{
    auto const& o = ctx.opts();
    auto ops = parse_discovery_ops(o.ops);
    if (auto const* code = std::get_if<exit_code>(&ops))
        return *code;
    auto entries = firmware_entries();
    if (!entries)
        return exit_code::no_objects_found;
    auto const persist = std::get<discovery_ops>(ops).persist;
    std::vector<login_request> requests;
    std::string out;
    for (auto const& e : *entries) {
        auto r = record_of(ctx, e);
        auto const key = db::key_of(r);
        if (persist)
            if (auto w = ctx.db().write_node(r); !w)
                return report_db_error(w.error(), "Could not store the firmware's node record");
        out += flat_line(key);
        requests.push_back({key, persist ? std::nullopt : std::optional<db::node_record>(std::move(r))});
    }
    print(out);
    if (o.login)
        return log_in(requests, o.wait_devices);
    return exit_code::success;
}

} // namespace iscsiadm
