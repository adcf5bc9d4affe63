// Node records on disk (store.hpp).
#include "iscsi/db/store.hpp"

#include "file_io.hpp"
#include "iscsi/db/errors.hpp"
#include "iscsi/db/record_format.hpp"
#include "paths.hpp"
#include "store_detail.hpp"
#include "node_index.hpp"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace iscsi::db {

namespace fs = std::filesystem;

node_key key_of(node_record const& r)
{
    return {r.name, r.conn.address, r.conn.port, r.tpgt, r.iface.name};
}

bool node_filter::matches(node_key const& k) const
{
    return (!target || *target == k.target) && (!address || *address == k.address) &&
           (!port || *port == k.port) && (!tpgt || *tpgt == k.tpgt) && (!iface || *iface == k.iface);
}

node_record make_node_record(config const& conf, std::string target, std::string address, int port,
                             int tpgt, iface_record const& iface)
{
    node_record r = conf.node_defaults;
    r.name = std::move(target);
    r.tpgt = tpgt;
    r.conn.address = std::move(address);
    r.conn.port = port;
    r.iface = iface;
    r.iface.extra.clear();
    return r;
}

store::store(fs::path root) : root_(std::move(root)) {}

namespace detail {

result<std::vector<dir_entry>> read_dir(fs::path const& dir)
{
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return last_error();
    std::vector<dir_entry> out;
    while (dirent const* e = ::readdir(d)) {
        std::string_view const name = e->d_name;
        if (name.starts_with('.'))
            continue; // ".", "..", and our temporaries
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st {};
            is_dir = ::fstatat(::dirfd(d), e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
        }
        out.push_back({std::string(name), is_dir});
    }
    ::closedir(d);
    return out;
}

bool missing(std::error_code const& ec)
{
    return ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory;
}

result<std::vector<dir_entry>> read_dir_or_empty(fs::path const& dir)
{
    auto r = read_dir(dir);
    if (!r && (missing(r.error()) || r.error() == std::errc::not_a_directory))
        return std::vector<dir_entry>{};
    return r;
}

} // namespace detail

namespace {

using detail::dir_entry;
using detail::missing;
using detail::read_dir_or_empty;

void list_portal(fs::path const& tdir, std::string const& target, dir_entry const& portal,
                 node_filter const& f, std::vector<node_key>& out)
{
    auto const p = paths::parse_portal_name(portal.name);
    if (!p)
        return;
    if (!portal.is_dir) { // old static file form: one record, iface "default"
        node_key k{target, p->address, p->port, -1, "default"};
        if (p->tpgt < 0 && f.matches(k))
            out.push_back(std::move(k));
        return;
    }
    auto ifaces = read_dir_or_empty(tdir / portal.name);
    if (!ifaces)
        return;
    for (auto const& i : *ifaces) {
        node_key k{target, p->address, p->port, p->tpgt, i.name};
        if (!i.is_dir && f.matches(k))
            out.push_back(std::move(k));
    }
}

void prune_empty(fs::path const& dir) noexcept
{
    // rmdir fails on a non-empty directory, which is what we want.
    ::rmdir(dir.c_str());
}

/// Flushes the nearest directory of `p` that still exists.
result<void> sync_nearest(fs::path p)
{
    while (p.has_parent_path() && ::access(p.c_str(), F_OK) != 0)
        p = p.parent_path();
    return sync_dir(p);
}

} // namespace

result<std::vector<node_key>> store::list_nodes(node_filter const& f) const
{
    std::vector<node_key> out;
    if (f.target) { // one target: read its two directory levels directly
        if (!paths::is_safe_component(*f.target))
            return out;
        auto const tdir = paths::target_dir(root_, *f.target);
        auto portals = read_dir_or_empty(tdir);
        if (!portals)
            return portals.error();
        for (auto const& p : *portals)
            list_portal(tdir, *f.target, p, f, out);
        return out;
    }
    // The whole tree: names from the mtime-checked cache (node_index.hpp).
    auto paths_found = detail::scan_nodes(root_);
    if (!paths_found)
        return paths_found.error();
    out.reserve(paths_found->size());
    for (auto& np : *paths_found) {
        auto const p = paths::parse_portal_name(np.portal);
        if (!p)
            continue;
        bool const static_form = np.iface.empty();
        if (static_form != (p->tpgt < 0))
            continue; // a file named like a dir-form portal, or the reverse
        node_key k{std::move(np.target), p->address, p->port, p->tpgt,
                   static_form ? std::string("default") : std::move(np.iface)};
        if (f.matches(k))
            out.push_back(std::move(k));
    }
    return out;
}

result<node_record> store::read_node(node_key const& k) const
{
    if (auto c = paths::check_key(k); !c)
        return c.error();
    auto text = read_text_file(paths::node_file(root_, k));
    if (!text) {
        if (missing(text.error()) || text.error() == std::errc::not_a_directory)
            return make_error_code(errc::not_found);
        return text.error();
    }
    // Start from open-iscsi's compiled-in defaults, as its reader does, so a
    // key missing from the file reads the same in both tools.
    node_record r;
    r.iface.transport_name.clear();
    parse_node(*text, r);
    if (r.name.empty())
        return make_error_code(errc::corrupt_record);
    // The path is the record's identity; a file that disagrees (edited by
    // hand, or copied) is read as where it lives, as open-iscsi does.
    r.tpgt = k.tpgt;
    r.conn.address = k.address;
    r.conn.port = k.port;
    if (k.tpgt >= 0)
        r.iface.name = k.iface;
    return r;
}

namespace detail {

result<void> write_node_file(fs::path const& root, node_record const& r)
{
    auto const k = key_of(r);
    if (auto c = paths::check_key(k); !c)
        return c;
    auto const file = paths::node_file(root, k);
    // Parents top-down: one mkdir each, EEXIST being the usual answer.
    auto const tdir = paths::target_dir(root, k.target);
    bool fresh = ::mkdir(tdir.c_str(), paths::dir_mode) == 0;
    if (!fresh && errno == ENOENT) { // no nodes/ yet
        if (auto m = make_dirs(tdir, paths::dir_mode); !m)
            return m;
        fresh = true;
    } else if (!fresh && errno != EEXIST) {
        return last_error();
    }
    if (k.tpgt >= 0) {
        fresh = ::mkdir(file.parent_path().c_str(), paths::dir_mode) == 0;
        if (!fresh && errno != EEXIST)
            return last_error();
    }
    // A directory made just now cannot hold a dead writer's temporaries.
    if (!fresh)
        remove_stale_temps(file.parent_path());
    return replace_file(file, format_node(r, print_style::file), paths::file_mode);
}

bool exists(fs::path const& p)
{
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0;
}

result<void> remove_node_unlocked(fs::path const& root, node_key const& k)
{
    auto const file = paths::node_file(root, k);
    if (::unlink(file.c_str()) != 0) {
        auto const ec = last_error();
        if (missing(ec))
            return make_error_code(errc::not_found);
        return ec;
    }
    // Each discovery record links this (portal, iface) by name; the link
    // would dangle or lie once the record is gone.
    if (k.tpgt >= 0) {
        for (auto kind : {discovery_kind::sendtargets, discovery_kind::isns}) {
            auto const droot = paths::discovery_root(root, kind);
            auto discs = read_dir_or_empty(droot);
            if (!discs)
                continue;
            for (auto const& d : *discs)
                ::unlink((droot / d.name / paths::link_name(k)).c_str());
        }
        ::unlink((paths::discovery_root(root, discovery_kind::isns) / paths::link_name(k)).c_str()); // flat
        ::unlink((root / "static" / paths::link_name(k)).c_str());
        prune_empty(paths::portal_dir(root, k));
    }
    prune_empty(paths::target_dir(root, k.target));
    return {};
}

} // namespace detail

using detail::write_node_file;

result<void> store::write_node(node_record const& r)
{
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    return write_node_file(root_, r);
}

result<void> store::write_static_node(node_record const& r)
{
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto const k = key_of(r);
    if (auto w = write_node_file(root_, r); !w)
        return w;
    if (k.tpgt < 0)
        return {};
    node_key file_form = k;
    file_form.tpgt = -1;
    file_form.iface = "default";
    ::unlink(paths::node_file(root_, file_form).c_str());
    auto const dir = root_ / "static";
    if (auto m = make_dirs(dir, paths::dir_mode); !m)
        return m;
    auto const target = fs::absolute(paths::portal_dir(root_, k));
    if (::symlinkat(target.c_str(), AT_FDCWD, (dir / paths::link_name(k)).c_str()) != 0 && errno != EEXIST)
        return last_error();
    return sync_dir(dir);
}

result<void> store::create_node(node_record const& r)
{
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto const k = key_of(r);
    if (auto c = paths::check_key(k); !c)
        return c;
    if (detail::exists(paths::node_file(root_, k)))
        return make_error_code(errc::exists);
    return write_node_file(root_, r);
}

result<void> store::update_node(node_key const& k, std::function<result<void>(node_record&)> const& change)
{
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto r = read_node(k);
    if (!r)
        return r.error();
    if (auto c = change(*r); !c)
        return c;
    auto const moved = key_of(*r) != k;
    if (auto w = write_node_file(root_, *r); !w)
        return w;
    if (moved) { // e.g. iface.iscsi_ifacename changed: the file moves too
        ::unlink(paths::node_file(root_, k).c_str());
        return sync_dir(paths::node_file(root_, k).parent_path());
    }
    return {};
}

result<void> store::delete_node(node_key const& k)
{
    if (auto c = paths::check_key(k); !c)
        return c;
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    if (auto r = detail::remove_node_unlocked(root_, k); !r)
        return r;
    return sync_nearest(paths::node_file(root_, k).parent_path());
}

} // namespace iscsi::db
