// Discovery records and what discovery found (store.hpp).
#include "iscsi/db/errors.hpp"
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/store.hpp"
#include "paths.hpp"
#include "store_detail.hpp"
#include "discovered_writer.hpp"

#include <algorithm>
#include <unordered_set>
#include <unistd.h>

namespace iscsi::db {

namespace fs = std::filesystem;
using detail::missing;
using detail::read_dir_or_empty;

discovery_record make_discovery_record(config const& conf, discovery_kind kind, std::string address,
                                       int port)
{
    discovery_record r = kind == discovery_kind::isns ? conf.isns_defaults : conf.sendtargets_defaults;
    r.type = kind;
    r.address = std::move(address);
    r.port = port;
    return r;
}

node_record make_discovered_record(config const& conf, discovery_record const& disc, std::string target,
                                   std::string address, int port, int tpgt, iface_record const& iface)
{
    auto r = make_node_record(conf, std::move(target), std::move(address), port, tpgt, iface);
    r.discovery_address = disc.address;
    r.discovery_port = disc.port;
    r.disc_type = disc.type == discovery_kind::isns ? discovery_type::isns : discovery_type::send_targets;
    return r;
}

namespace {

fs::path discovery_file(fs::path const& root, discovery_kind kind, std::string const& address, int port)
{
    return paths::discovery_dir(root, kind, address, port) / paths::discovery_file_name(kind);
}

result<void> check_portal(std::string const& address)
{
    if (!paths::is_safe_component(address) || address.find(',') != std::string::npos)
        return make_error_code(errc::bad_name);
    return {};
}

result<void> write_discovery_unlocked(fs::path const& root, discovery_record const& r)
{
    if (auto c = check_portal(r.address); !c)
        return c;
    auto const dir = paths::discovery_dir(root, r.type, r.address, r.port);
    if (auto m = make_dirs(dir, paths::dir_mode); !m)
        return m;
    remove_stale_temps(dir);
    auto const file = dir / paths::discovery_file_name(r.type);
    return replace_file(file, format_discovery(r, print_style::file), paths::file_mode);
}

} // namespace

result<std::vector<discovery_record>> store::list_discovery(discovery_kind kind) const
{
    auto entries = read_dir_or_empty(paths::discovery_root(root_, kind));
    if (!entries)
        return entries.error();
    std::vector<discovery_record> out;
    for (auto const& e : *entries) {
        auto const p = paths::parse_portal_name(e.name);
        if (!e.is_dir || !p || p->tpgt >= 0)
            continue;
        if (auto r = read_discovery(kind, p->address, p->port))
            out.push_back(std::move(*r));
    }
    return out;
}

result<discovery_record> store::read_discovery(discovery_kind kind, std::string const& address,
                                               int port) const
{
    if (auto c = check_portal(address); !c)
        return c.error();
    auto text = read_text_file(discovery_file(root_, kind, address, port));
    if (!text) {
        if (missing(text.error()))
            return make_error_code(errc::not_found);
        return text.error();
    }
    discovery_record r = make_discovery_record(default_config(), kind, address, port);
    parse_discovery(*text, r);
    r.type = kind; // the directory decides, as for node records
    r.address = address;
    r.port = port;
    return r;
}

result<void> store::write_discovery(discovery_record const& r)
{
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    return write_discovery_unlocked(root_, r);
}

result<void> store::update_discovery(discovery_kind kind, std::string const& address, int port,
                                     std::function<result<void>(discovery_record&)> const& change)
{
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto r = read_discovery(kind, address, port);
    if (!r)
        return r.error();
    if (auto c = change(*r); !c)
        return c;
    return write_discovery_unlocked(root_, *r);
}

result<std::vector<node_key>> store::discovered_nodes(discovery_kind kind, std::string const& address,
                                                      int port) const
{
    if (auto c = check_portal(address); !c)
        return c.error();
    auto entries = read_dir_or_empty(paths::discovery_dir(root_, kind, address, port));
    if (!entries)
        return entries.error();
    std::vector<node_key> out;
    for (auto const& e : *entries)
        if (auto k = paths::parse_link_name(e.name))
            out.push_back(std::move(*k));
    return out;
}

result<void> store::delete_discovery(discovery_kind kind, std::string const& address, int port)
{
    auto nodes = discovered_nodes(kind, address, port);
    if (!nodes)
        return nodes.error();
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto const dir = paths::discovery_dir(root_, kind, address, port);
    if (!detail::exists(dir / paths::discovery_file_name(kind)))
        return make_error_code(errc::not_found);
    for (auto const& k : *nodes)
        (void)detail::remove_node_unlocked(root_, k); // already gone is fine
    ::unlink((dir / paths::discovery_file_name(kind)).c_str());
    remove_stale_temps(dir);
    ::rmdir(dir.c_str());
    return sync_filesystem(root_);
}

namespace {

/// The records a flat-linked discovery (discovered_save::flat_links) made
/// earlier from this server: the links in the kind's root whose records
/// name it as their discovery address.
result<std::vector<node_key>> flat_discovered(store const& db, discovery_record const& disc)
{
    auto entries = read_dir_or_empty(paths::discovery_root(db.root(), disc.type));
    if (!entries)
        return entries.error();
    std::vector<node_key> out;
    for (auto const& e : *entries) {
        auto k = paths::parse_link_name(e.name);
        if (!k)
            continue;
        auto r = db.read_node(*k);
        if (r && r->discovery_address == disc.address && r->discovery_port == disc.port)
            out.push_back(std::move(*k));
    }
    return out;
}

} // namespace

result<std::vector<node_key>> store::save_discovered(discovery_record const& disc,
                                                     std::span<node_record const> nodes,
                                                     discovered_save mode)
{
    auto before = mode.flat_links ? flat_discovered(*this, disc) : discovered_nodes(disc.type, disc.address, disc.port);
    if (!before)
        return before.error();
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto written = detail::write_discovered(root_, disc, nodes, mode);
    if (!written)
        return written.error();

    std::vector<node_key> removed;
    if (mode.delete_stale) {
        std::unordered_set<std::string> reported;
        for (auto const& r : nodes)
            reported.insert(paths::link_name(key_of(r)));
        for (auto const& k : *before)
            if (!reported.contains(paths::link_name(k)) && detail::remove_node_unlocked(root_, k))
                removed.push_back(k);
    }
    if (!removed.empty())
        if (auto s = sync_filesystem(root_); !s)
            return s.error();
    return removed;
}

result<void> store::unlink_discovered(discovery_record const& disc, std::span<node_key const> keys)
{
    if (auto c = check_portal(disc.address); !c)
        return c.error();
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto const dir = paths::discovery_dir(root_, disc.type, disc.address, disc.port);
    for (auto const& k : keys)
        ::unlink((dir / paths::link_name(k)).c_str());
    return sync_filesystem(root_);
}

} // namespace iscsi::db
