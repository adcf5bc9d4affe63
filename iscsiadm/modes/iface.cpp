// -m iface: list, show, create, change and delete iface records.
#include "modes.hpp"

#include "output.hpp"
#include "record_update.hpp"
#include "records_view.hpp"

#include "iscsi/db/errors.hpp"
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/schema.hpp"

#include <algorithm>

namespace iscsiadm {

namespace db = iscsi::db;

namespace {

std::string or_empty(std::string const& s) { return s.empty() ? "<empty>" : s; }

/// "name transport,hwaddress,ipaddress,net_ifacename,initiatorname"
std::string iface_line(db::iface_record const& i)
{
    return i.name + " " + or_empty(i.transport_name) + "," + or_empty(i.hwaddress) + "," +
           or_empty(i.ipaddress) + "," + or_empty(i.net_ifacename) + "," + or_empty(i.initiatorname) + "\n";
}

std::string iface_json(db::iface_record const& i)
{
    return "{\"name\": " + json_string(i.name) + ", \"transport\": " + json_string(i.transport_name) +
           ", \"hwaddress\": " + json_string(i.hwaddress) + ", \"ipaddress\": " + json_string(i.ipaddress) +
           ", \"net_ifacename\": " + json_string(i.net_ifacename) +
           ", \"initiatorname\": " + json_string(i.initiatorname) + "}";
}

std::variant<std::vector<db::iface_record>, exit_code> all_ifaces(context& ctx)
{
    auto files = ctx.db().list_ifaces();
    if (!files)
        return report_db_error(files.error(), "cannot list ifaces");
    std::sort(files->begin(), files->end(), [](auto const& a, auto const& b) { return a.name < b.name; });
    auto out = std::move(*files);
    for (auto& b : db::builtin_ifaces())
        out.push_back(std::move(b));
    return out;
}

exit_code list(context& ctx)
{
    // open-iscsi creates the directory when it lists; so do we, for the same tree.
    (void)iscsi::db::make_ifaces_dir(ctx.db());
    auto ifaces = all_ifaces(ctx);
    if (auto const* code = std::get_if<exit_code>(&ifaces))
        return *code;
    auto const& all = std::get<std::vector<db::iface_record>>(ifaces);
    if (ctx.opts().format == output_format::json) {
        std::string out = "[";
        for (std::size_t i = 0; i < all.size(); ++i)
            out += (i ? ",\n " : "\n ") + iface_json(all[i]);
        print(out + "\n]\n");
        return exit_code::success;
    }
    if (ctx.opts().print_level.value_or(0) >= 1) {
        // Iface, then the node records bound to it (nothing at all when
        // there are no node records, as open-iscsi prints).
        auto keys = ctx.db().list_nodes();
        if (!keys)
            return report_db_error(keys.error(), "cannot list node records");
        sort_like_open_iscsi(*keys);
        std::string out;
        for (auto const& i : all) {
            if (keys->empty())
                break;
            if (!ctx.opts().ifaces.empty() && i.name != ctx.opts().ifaces.front())
                continue;
            out += "Iface: " + i.name + "\n";
            std::string last_target;
            for (auto const& k : *keys) {
                if (k.iface != i.name)
                    continue;
                if (k.target != last_target)
                    out += "\tTarget: " + k.target + "\n";
                last_target = k.target;
                out += "\t\tPortal: " + format_portal_text(k.address, k.port) + "," + std::to_string(k.tpgt) + "\n";
            }
        }
        print(out);
        return exit_code::success;
    }
    std::string out;
    for (auto const& i : all)
        out += iface_line(i);
    print(out);
    return exit_code::success;
}

exit_code unreadable(std::string const& name)
{
    error("Could not read iface info for " + name + ".");
    return exit_code::invalid;
}

exit_code show(context& ctx, std::string const& name)
{
    auto r = ctx.db().read_iface(name);
    if (!r) {
        error("Could not read iface " + name + ": " + r.error().message() +
              ". Run iscsiadm -m iface to see the ifaces that exist.");
        return exit_code::database;
    }
    auto const text = db::format_iface(*r, db::print_style::show);
    print(ctx.opts().format == output_format::json ? record_json(text) + "\n" : text);
    return exit_code::success;
}

bool is_builtin(std::string const& name) { return name == "default" || name == "iser"; }

exit_code create(context& ctx, std::string const& name)
{
    if (is_builtin(name)) {
        error("iface " + name + " is a special interface and is not stored in " +
              (ctx.db().root() / "ifaces").string() + ".");
        error("Could not create new interface " + name + ".");
        return exit_code::invalid;
    }
    // An existing iface is reset to defaults, as open-iscsi does.
    db::iface_record r;
    r.name = name;
    if (auto w = ctx.db().write_iface(r); !w)
        return report_db_error(w.error(), "Could not create new interface " + name);
    // open-iscsi prints both lines: creation goes through its update path.
    print(name + " updated.\nNew interface " + name + " added\n");
    return exit_code::success;
}

/// The node records bound to an iface carry a copy of it.
std::vector<db::node_key> bound_records(context& ctx, std::string const& name)
{
    db::node_filter f;
    f.iface = name;
    auto keys = ctx.db().list_nodes(f);
    return keys ? std::move(*keys) : std::vector<db::node_key>{};
}

exit_code update_failed(std::string const& name, std::string const& why)
{
    error(why);
    error("Could not update iface " + name + ": invalid parameter");
    return exit_code::invalid;
}

exit_code update(context& ctx, std::string const& name)
{
    auto changes = parse_changes(ctx.opts());
    if (auto const* code = std::get_if<exit_code>(&changes))
        return *code;
    auto const& pairs = std::get<std::vector<change>>(changes);
    if (is_builtin(name))
        return update_failed(name, "iface " + name + " is a special interface and cannot be modified.");
    auto r = ctx.db().read_iface(name);
    if (!r)
        return unreadable(name);
    for (auto const& c : pairs) {
        if (c.key == "iface.iscsi_ifacename")
            return update_failed(name, "Can not update iface.iscsi_ifacename. Delete it, and then create a new one.");
        if (c.key == "iface.hwaddress" && !r->net_ifacename.empty())
            return update_failed(name, "Can not update interface binding from net_ifacename to hwaddress. You must "
                                       "delete the interface and create a new one");
        if (!db::find_iface_field(c.key))
            return update_failed(name, "Cannot modify " + c.key + ". Invalid param name.");
    }
    if (auto v = validate_iface_changes(pairs); v != exit_code::success)
        return v;
    if (auto a = apply_iface_changes(*r, pairs); !a)
        return report_db_error(a.error(), "Could not update iface");
    if (auto w = ctx.db().write_iface(*r); !w)
        return report_db_error(w.error(), "Could not update iface " + name);
    for (auto const& k : bound_records(ctx, name)) {
        auto u = ctx.db().update_node(k, [&](db::node_record& n) -> iscsi::result<void> {
            n.iface = *r;
            n.iface.extra.clear();
            return {};
        });
        if (!u)
            return report_db_error(u.error(), "Could not update the records bound to " + name);
    }
    print(name + " updated.\n");
    return exit_code::success;
}

exit_code remove(context& ctx, std::string const& name)
{
    if (is_builtin(name)) {
        error("iface " + name + " is a special interface and cannot be deleted.");
        error("Could not delete iface " + name + ": invalid parameter");
        return exit_code::invalid;
    }
    if (!ctx.db().read_iface(name)) {
        error("Could not read iface info for " + name + ".");
        error("Could not delete iface " + name + ": invalid parameter");
        return exit_code::invalid;
    }
    // Records bound to the iface go with it ("unbound").
    for (auto const& k : bound_records(ctx, name))
        if (auto d = ctx.db().delete_node(k); !d && d.error() != db::errc::not_found)
            return report_db_error(d.error(), "Could not delete the records bound to " + name);
    if (auto d = ctx.db().delete_iface(name); !d)
        return report_db_error(d.error(), "Could not delete iface " + name);
    print(name + " unbound and deleted.\n");
    return exit_code::success;
}

} // namespace

exit_code run_iface(context& ctx)
{
    auto const& o = ctx.opts();
    std::string const op = o.ops.empty() ? "" : o.ops.front();
    if (!op.empty() && op != "new" && op != "delete" && op != "update" && op != "show") {
        error("can not recognize operation: '" + op + "'");
        return exit_code::invalid;
    }
    if (o.ifaces.empty()) {
        if (op == "new") {
            error("Could not add interface. No interface passed in.");
            return exit_code::sysfs_lookup; // open-iscsi's code, 22
        }
        if (!op.empty() && op != "show") {
            error("iface mode: -o " + op + " needs an iface name (-I NAME)");
            return exit_code::invalid;
        }
        return list(ctx);
    }
    if (o.print_level.value_or(0) >= 1 && (op.empty() || op == "show"))
        return list(ctx);
    auto const& name = o.ifaces.front();
    if (op == "new")
        return create(ctx, name);
    if (op == "update")
        return update(ctx, name);
    if (op == "delete")
        return remove(ctx, name);
    return show(ctx, name);
}

} // namespace iscsiadm
