#include "discovered_writer.hpp"

#include "file_io.hpp"
#include "iscsi/db/record_format.hpp"
#include "paths.hpp"
#include "store_detail.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace iscsi::db::detail {

namespace fs = std::filesystem;

namespace {

/// A file written under a temporary name, renamed into place at publish.
struct staged {
    int dirfd;
    std::string temp, final;
};

/// The batch being built.
struct slice {
    std::vector<staged> files;
    std::vector<node_key> linked;
};

/// Unique temporary names within one batch: ".tmp-<pid>-<n>".
struct temp_names {
    std::string prefix = std::string(temp_prefix) + std::to_string(::getpid()) + "-";
    unsigned next = 0;
};

/// Writes `content` to a new temporary file in `dir` (relative to dirfd);
/// O_EXCL guards against any name clash.
result<std::string> stage(int dirfd, std::string const& dir, std::string_view content, temp_names& names)
{
    std::string temp = dir.empty() ? std::string() : dir + "/";
    temp += names.prefix;
    temp += std::to_string(names.next++);
    unique_fd fd(::openat(dirfd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd)
        return last_error();
    if (auto w = write_all(fd.get(), content); !w) {
        ::unlinkat(dirfd, temp.c_str(), 0);
        return w.error();
    }
    return temp;
}

/// mkdirat that treats "already there" as success; sets `made` if made now.
std::error_code make_dir(int dirfd, std::string const& rel, bool& made)
{
    made = ::mkdirat(dirfd, rel.c_str(), paths::dir_mode) == 0;
    if (made || errno == EEXIST)
        return {};
    return last_error();
}

struct context {
    fs::path const& root;
    int nodes_fd;
    int disc_fd;
    std::string nodes_abs; ///< absolute nodes/ path + '/', for link targets
    discovery_record const& disc;
    std::span<node_record const> nodes;
    discovered_save mode;
    temp_names& names;
};

/// One record: directories, existence, staged file, link.
std::error_code stage_record(context const& c, node_record const& r, std::string& text, slice& out)
{
    auto const k = key_of(r);
    if (auto ok = paths::check_key(k); !ok)
        return ok.error();
    bool const dir_form = k.tpgt >= 0;
    std::string const dir = dir_form ? k.target + "/" + paths::portal_name(k.address, k.port, k.tpgt) : k.target;
    std::string const file =
        dir_form ? dir + "/" + k.iface : dir + "/" + paths::portal_name(k.address, k.port);
    bool fresh = false;
    if (auto ec = make_dir(c.nodes_fd, k.target, fresh))
        return ec;
    bool const target_fresh = fresh;
    if (dir_form)
        if (auto ec = make_dir(c.nodes_fd, dir, fresh))
            return ec;
    struct stat st {};
    bool const present = !fresh && ::fstatat(c.nodes_fd, file.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    // A hand-made record of the same portal in the old file form gives way
    // to the discovered one (open-iscsi replaces it the same way).
    if (dir_form && !target_fresh)
        ::unlinkat(c.nodes_fd, (k.target + "/" + paths::portal_name(k.address, k.port)).c_str(), 0);
    if ((present && c.mode.update_old) || (!present && c.mode.add_new)) {
        if (!fresh) // an old directory may hold a killed writer's temporaries (not ours)
            remove_stale_temps(c.root / "nodes" / dir, c.names.prefix);
        text.clear();
        text = format_node(r, print_style::file);
        auto temp = stage(c.nodes_fd, dir, text, c.names);
        if (!temp)
            return temp.error();
        out.files.push_back({c.nodes_fd, std::move(*temp), file});
    } else if (!present) {
        return {};
    }
    if (dir_form) {
        auto const link = paths::link_name(k);
        auto const target = c.nodes_abs + dir;
        if (::symlinkat(target.c_str(), c.disc_fd, link.c_str()) != 0 && errno != EEXIST)
            return last_error();
    }
    out.linked.push_back(k);
    return {};
}

void discard(slice const& s)
{
    for (auto const& f : s.files)
        ::unlinkat(f.dirfd, f.temp.c_str(), 0);
}

result<unique_fd> open_dir(fs::path const& dir)
{
    if (auto m = make_dirs(dir, paths::dir_mode); !m)
        return m.error();
    unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return last_error();
    return fd;
}

} // namespace

result<std::vector<node_key>> write_discovered(fs::path const& root, discovery_record const& disc,
                                               std::span<node_record const> nodes, discovered_save mode)
{
    auto const disc_dir = paths::discovery_dir(root, disc.type, disc.address, disc.port);
    auto disc_fd = open_dir(disc_dir);
    if (!disc_fd)
        return disc_fd.error();
    auto nodes_fd = open_dir(paths::nodes_dir(root));
    if (!nodes_fd)
        return nodes_fd.error();
    remove_stale_temps(disc_dir);
    temp_names names;
    context const c{root,  nodes_fd->get(), disc_fd->get(), fs::absolute(paths::nodes_dir(root)).string() + "/",
                    disc,  nodes,          mode,            names};

    slice out;
    auto disc_temp = stage(disc_fd->get(), "", format_discovery(disc, print_style::file), names);
    if (!disc_temp)
        return disc_temp.error();
    out.files.push_back({disc_fd->get(), std::move(*disc_temp), std::string(paths::discovery_file_name(disc.type))});
    std::string text;
    text.reserve(4096);
    for (auto const& r : nodes) {
        if (auto ec = stage_record(c, r, text, out)) {
            discard(out);
            return ec;
        }
    }
    if (auto s = sync_filesystem(root); !s) {
        discard(out);
        return s.error();
    }
    for (std::size_t i = 0; i < out.files.size(); ++i) {
        auto const& f = out.files[i];
        if (::renameat(f.dirfd, f.temp.c_str(), f.dirfd, f.final.c_str()) != 0) {
            auto const ec = last_error();
            out.files.erase(out.files.begin(), out.files.begin() + static_cast<std::ptrdiff_t>(i));
            discard(out); // whatever was not renamed
            return ec;
        }
    }
    if (auto s = sync_filesystem(root); !s)
        return s.error();
    return std::move(out.linked);
}

} // namespace iscsi::db::detail
