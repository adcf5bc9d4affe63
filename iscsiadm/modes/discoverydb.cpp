// -m discoverydb: manage discovery records (-o new/update/delete/show) and
// run a discovery with a stored record (-D).
#include "modes.hpp"

#include "output.hpp"
#include "record_update.hpp"
#include "isns.hpp"
#include "sendtargets.hpp"

#include "iscsi/db/errors.hpp"
#include "iscsi/db/record_format.hpp"

namespace iscsiadm {

namespace db = iscsi::db;

std::optional<db::discovery_kind> discovery_type_arg(context& ctx); // modes/discovery.cpp
exit_code record_not_found(context& ctx, char const* end);          // modes/discovery.cpp

namespace {

struct target {
    db::discovery_kind kind;
    std::string address;
    int port;
};

std::variant<target, exit_code> locate(context& ctx)
{
    auto const& o = ctx.opts();
    if (!o.type || !o.portal) {
        error("Invalid command. Portal not needed or Possibly missing discovery --type.");
        return exit_code::invalid;
    }
    auto const kind = discovery_type_arg(ctx);
    if (!kind)
        return record_not_found(ctx, "!");
    auto const p = parse_portal_arg(*o.portal);
    if (!p) {
        error("invalid portal '" + *o.portal + "': use IP[:PORT] (IPv6 in brackets)");
        return exit_code::invalid;
    }
    auto address = resolve_address(p->address);
    if (auto const* code = std::get_if<exit_code>(&address))
        return *code;
    int const default_port = *kind == db::discovery_kind::isns ? 3205 : 3260;
    return target{*kind, std::get<std::string>(address), p->port.value_or(default_port)};
}

exit_code not_found(target const& t)
{
    error("Discovery record [" + t.address + "," + std::to_string(t.port) + "] not found.");
    return exit_code::database;
}

exit_code show(context& ctx, target const& t)
{
    auto r = ctx.db().read_discovery(t.kind, t.address, t.port);
    if (!r)
        return r.error() == db::errc::not_found ? not_found(t) : report_db_error(r.error(), "cannot read record");
    auto const text = db::format_discovery(*r, ctx.opts().show_secrets ? db::print_style::show_secrets
                                                                     : db::print_style::show);
    print(ctx.opts().format == output_format::json ? record_json(text) + "\n" : text);
    return exit_code::success;
}

exit_code create(context& ctx, target const& t)
{
    auto const r = db::make_discovery_record(ctx.conf(), t.kind, t.address, t.port);
    if (auto w = ctx.db().write_discovery(r); !w)
        return report_db_error(w.error(), "Could not add new discovery record");
    print("New discovery record for [" + t.address + "," + std::to_string(t.port) + "] added.\n");
    return exit_code::success;
}

exit_code update(context& ctx, target const& t)
{
    auto changes = parse_changes(ctx.opts());
    if (auto const* code = std::get_if<exit_code>(&changes))
        return *code;
    auto const& pairs = std::get<std::vector<change>>(changes);
    if (auto v = validate_discovery_changes(t.kind, pairs); v != exit_code::success)
        return v;
    auto u = ctx.db().update_discovery(t.kind, t.address, t.port,
                                       [&](db::discovery_record& r) { return apply_discovery_changes(r, pairs); });
    if (!u)
        return u.error() == db::errc::not_found ? not_found(t) : report_db_error(u.error(), "Could not update record");
    return exit_code::success;
}

exit_code remove(context& ctx, target const& t)
{
    auto d = ctx.db().delete_discovery(t.kind, t.address, t.port);
    if (!d)
        return d.error() == db::errc::not_found ? not_found(t) : report_db_error(d.error(), "Could not delete record");
    return exit_code::success;
}

exit_code discover(context& ctx, target const& t, discovery_ops const& ops)
{
    auto disc = ctx.db().read_discovery(t.kind, t.address, t.port);
    if (!disc) {
        if (disc.error() != db::errc::not_found)
            return report_db_error(disc.error(), "cannot read discovery record");
        disc = db::make_discovery_record(ctx.conf(), t.kind, t.address, t.port);
    }
    auto ifaces = discovery_ifaces(ctx);
    if (auto const* code = std::get_if<exit_code>(&ifaces))
        return *code;
    auto const& bound = std::get<std::vector<db::iface_record>>(ifaces);
    auto nodes = t.kind == db::discovery_kind::isns ? run_isns(ctx, *disc, bound) : run_sendtargets(ctx, *disc, bound);
    if (auto const* code = std::get_if<exit_code>(&nodes))
        return *code;
    return store_and_print(ctx, *disc, std::get<std::vector<db::node_record>>(nodes), ops);
}

} // namespace

exit_code run_discoverydb(context& ctx)
{
    auto const& o = ctx.opts();
    if (!o.type && !o.portal && o.ops.empty() && !o.discover)
        return run_discovery(ctx); // a bare -m discoverydb lists, like -m discovery
    auto located = locate(ctx);
    if (auto const* code = std::get_if<exit_code>(&located))
        return *code;
    auto const& t = std::get<target>(located);
    if (o.discover) {
        // With a stored record, discovery adds and removes records but
        // leaves existing ones as the admin set them (open-iscsi does too).
        auto ops = parse_discovery_ops(o.ops, {true, false, true});
        if (auto const* code = std::get_if<exit_code>(&ops))
            return *code;
        return discover(ctx, t, std::get<discovery_ops>(ops));
    }
    if (o.ops.size() > 1) {
        error("discoverydb mode takes one operation (-o) unless discovering (-D)");
        return exit_code::invalid;
    }
    std::string const op = o.ops.empty() ? "show" : o.ops.front();
    if (op == "show")
        return show(ctx, t);
    if (op == "new")
        return create(ctx, t);
    if (op == "update")
        return update(ctx, t);
    if (op == "delete")
        return remove(ctx, t);
    error("can not recognize operation: '" + op + "'");
    return exit_code::invalid;
}

} // namespace iscsiadm
