// -m discovery: run SendTargets or an iSNS query and record what it finds,
// or list the discovery records.
#include "modes.hpp"

#include "output.hpp"
#include "records_view.hpp"
#include "isns.hpp"
#include "sendtargets.hpp"

#include "iscsi/db/errors.hpp"
#include "iscsi/discovery/isns/pdu.hpp"

namespace iscsiadm {

namespace db = iscsi::db;

namespace {

std::optional<db::discovery_kind> parse_type(std::string const& t)
{
    if (t == "sendtargets" || t == "st")
        return db::discovery_kind::sendtargets;
    if (t == "isns")
        return db::discovery_kind::isns;
    return std::nullopt;
}

/// -P 1: each discovery record with the node records it found, then the
/// static and firmware ones. Like open-iscsi, reads every node record to
/// learn how it was found (this listing is not on any hot path).
exit_code list_tree(context& ctx)
{
    auto keys = ctx.db().list_nodes();
    if (!keys)
        return report_db_error(keys.error(), "cannot list node records");
    std::vector<db::node_record> records;
    for (auto const& k : *keys)
        if (auto r = ctx.db().read_node(k))
            records.push_back(std::move(*r));
    auto section = [&](auto&& wanted) {
        std::vector<db::node_key> picked;
        for (auto const& r : records)
            if (wanted(r))
                picked.push_back(db::key_of(r));
        return picked;
    };
    std::string out = "SENDTARGETS:\n";
    bool any = false;
    auto st = ctx.db().list_discovery(db::discovery_kind::sendtargets);
    if (!st)
        return report_db_error(st.error(), "cannot list discovery records");
    for (auto const& d : *st) {
        any = true;
        out += "DiscoveryAddress: " + d.address + "," + std::to_string(d.port) + "\n";
        out += node_tree(section([&](db::node_record const& r) {
            return r.disc_type == db::discovery_type::send_targets && r.discovery_address == d.address &&
                   r.discovery_port == d.port;
        }));
    }
    if (!any)
        out += "No targets found.\n";
    auto const add = [&](char const* title, db::discovery_type type) {
        auto picked = section([&](db::node_record const& r) { return r.disc_type == type; });
        out += title;
        out += picked.empty() ? "No targets found.\n" : node_tree(picked);
    };
    add("iSNS:\n", db::discovery_type::isns);
    add("STATIC:\n", db::discovery_type::static_);
    add("FIRMWARE:\n", db::discovery_type::fw);
    print(out);
    // Nothing anywhere is "no objects", as for the flat list.
    return any || !records.empty() ? exit_code::success : exit_code::no_objects_found;
}

exit_code list_flat(context& ctx)
{
    std::string out;
    std::string json = "[";
    for (auto kind : {db::discovery_kind::sendtargets, db::discovery_kind::isns}) {
        auto recs = ctx.db().list_discovery(kind);
        if (!recs)
            return report_db_error(recs.error(), "cannot list discovery records");
        for (auto const& d : *recs) {
            char const* type = kind == db::discovery_kind::isns ? "isns" : "sendtargets";
            out += d.address + ":" + std::to_string(d.port) + " via " + type + "\n";
            json += (json.size() > 1 ? ",\n " : "\n ") + std::string("{\"address\": ") + json_string(d.address) +
                    ", \"port\": " + std::to_string(d.port) + ", \"type\": " + json_string(type) + "}";
        }
    }
    if (ctx.opts().format == output_format::json) {
        print(json + (json.size() > 1 ? "\n]\n" : "]\n"));
        return exit_code::success;
    }
    if (out.empty()) // open-iscsi says nothing, only the exit code
        return exit_code::no_objects_found;
    print(out);
    return exit_code::success;
}

} // namespace

std::optional<db::discovery_kind> discovery_type_arg(context& ctx)
{
    auto const& t = *ctx.opts().type;
    return parse_type(t);
}

/// open-iscsi's answer to a portal without a (known) discovery type.
exit_code record_not_found(context& ctx, char const* end)
{
    std::string where = "0.0.0.0,3260";
    if (ctx.opts().portal)
        if (auto const p = parse_portal_arg(*ctx.opts().portal))
            where = p->address + "," + std::to_string(p->port.value_or(3260));
    error("Discovery record [" + where + "] not found" + end);
    return exit_code::invalid;
}

exit_code run_discovery(context& ctx)
{
    auto const& o = ctx.opts();
    if (!o.type) {
        if (o.portal)
            return record_not_found(ctx, "!");
        return o.print_level.value_or(0) >= 1 ? list_tree(ctx) : list_flat(ctx);
    }
    if (*o.type == "fw")
        return run_fw_discovery(ctx);
    auto const kind = discovery_type_arg(ctx);
    if (!kind)
        return record_not_found(ctx, "!");
    if (!o.portal) {
        error("Please specify portal as <ipaddr>[:<ipport>]");
        return exit_code::invalid;
    }
    auto const p = parse_portal_arg(*o.portal);
    if (!p) {
        error("invalid portal '" + *o.portal + "': use IP[:PORT] (IPv6 in brackets)");
        return exit_code::invalid;
    }
    auto ops = parse_discovery_ops(o.ops);
    if (auto const* code = std::get_if<exit_code>(&ops))
        return *code;
    auto address = resolve_address(p->address);
    if (auto const* code = std::get_if<exit_code>(&address))
        return *code;
    auto ifaces = discovery_ifaces(ctx);
    if (auto const* code = std::get_if<exit_code>(&ifaces))
        return *code;
    // Discovery mode starts from iscsid.conf's discovery settings each time
    // (discoverydb -D uses the stored record instead), and records the
    // portal before trying it, as open-iscsi does, so a failed discovery
    // can be inspected and retried with -m discoverydb.
    bool const isns = *kind == db::discovery_kind::isns;
    auto const disc = db::make_discovery_record(ctx.conf(), *kind, std::get<std::string>(address),
                                                p->port.value_or(isns ? iscsi::discovery::isns::default_port : 3260));
    auto& how = std::get<discovery_ops>(ops);
    // open-iscsi keeps no record of an iSNS server used in this mode; the
    // node links go straight into isns/ (-m discoverydb keeps one).
    how.save.flat_links = isns;
    if (how.persist && !isns)
        if (auto w = ctx.db().write_discovery(disc); !w)
            return report_db_error(w.error(), "Could not add the discovery record");
    auto const& bound = std::get<std::vector<db::iface_record>>(ifaces);
    auto nodes = isns ? run_isns(ctx, disc, bound) : run_sendtargets(ctx, disc, bound);
    if (auto const* code = std::get_if<exit_code>(&nodes))
        return *code;
    return store_and_print(ctx, disc, std::get<std::vector<db::node_record>>(nodes), how);
}

} // namespace iscsiadm
