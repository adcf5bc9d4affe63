#include "discovered_writer.hpp"

#include "file_io.hpp"
#include "iscsi/db/record_format.hpp"
#include "paths.hpp"
#include "store_detail.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <thread>
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

/// Unique temporary names within one batch: ".tmp-<pid>-<worker>-<n>".
/// `prefix` is the whole process's: stale-temporary sweeps spare it.
struct temp_names {
    std::string prefix = std::string(temp_prefix) + std::to_string(::getpid()) + "-";
    std::string mine;
    unsigned next = 0;

    explicit temp_names(unsigned worker) : mine(prefix + std::to_string(worker) + "-") {}
};

/// Writes `content` to a new temporary file in `dir` (relative to dirfd);
/// O_EXCL guards against any name clash.
result<std::string> stage(int dirfd, std::string const& dir, std::string_view content, temp_names& names)
{
    std::string temp = dir.empty() ? std::string() : dir + "/";
    temp += names.mine;
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

/// Each worker stages its share of the records, then (after the syncfs)
/// renames them. Creating inodes in tmpfs or ext4 scales with cores as
/// long as the parent directories differ: only a target's directory in
/// nodes/ and the links in the discovery directory share one. Measured on
/// 1,000 records, tmpfs, 2 cores: 29 ms with one worker, 14 ms with two.
struct worker {
    slice out;
    std::error_code ec;
};

unsigned worker_count(std::size_t records)
{
    constexpr std::size_t per_worker = 128; // below this a thread costs more than it saves
    auto const cores = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::clamp<std::size_t>(records / per_worker, 1, std::min(cores, 4u)));
}

/// Runs fn(i) for i in [0, n): on this thread for i = 0, on others for the rest.
template <class Fn>
void run_workers(unsigned n, Fn const& fn)
{
    std::vector<std::jthread> others;
    for (unsigned i = 1; i < n; ++i)
        others.emplace_back(fn, i);
    fn(0u);
}

std::error_code first_error(std::span<worker const> ws)
{
    for (auto const& w : ws)
        if (w.ec)
            return w.ec;
    return {};
}

} // namespace

result<std::vector<node_key>> write_discovered(fs::path const& root, discovery_record const& disc,
                                               std::span<node_record const> nodes, discovered_save mode)
{
    auto const disc_dir = mode.flat_links ? paths::discovery_root(root, disc.type)
                                          : paths::discovery_dir(root, disc.type, disc.address, disc.port);
    auto disc_fd = open_dir(disc_dir);
    if (!disc_fd)
        return disc_fd.error();
    auto nodes_fd = open_dir(paths::nodes_dir(root));
    if (!nodes_fd)
        return nodes_fd.error();
    remove_stale_temps(disc_dir);
    auto const nodes_abs = fs::absolute(paths::nodes_dir(root)).string() + "/";

    std::optional<staged> disc_file; // the discovery record, unless flat
    if (!mode.flat_links) {
        temp_names disc_names(0);
        auto disc_temp = stage(disc_fd->get(), "", format_discovery(disc, print_style::file), disc_names);
        if (!disc_temp)
            return disc_temp.error();
        disc_file = staged{disc_fd->get(), std::move(*disc_temp), std::string(paths::discovery_file_name(disc.type))};
    }

    // Stage: worker i takes the i-th contiguous share of the records.
    auto const n = worker_count(nodes.size());
    std::vector<worker> ws(n);
    run_workers(n, [&](unsigned i) {
        temp_names names(i + 1);
        context const c{root, nodes_fd->get(), disc_fd->get(), nodes_abs, disc, nodes, mode, names};
        auto const share = nodes.subspan(nodes.size() * i / n, nodes.size() * (i + 1) / n - nodes.size() * i / n);
        std::string text;
        text.reserve(4096);
        for (auto const& r : share)
            if ((ws[i].ec = stage_record(c, r, text, ws[i].out)))
                return;
    });
    auto discard_all = [&] {
        if (disc_file)
            ::unlinkat(disc_file->dirfd, disc_file->temp.c_str(), 0);
        for (auto const& w : ws)
            discard(w.out);
    };
    std::error_code ec = first_error(ws);
    if (!ec)
        if (auto s = sync_filesystem(root); !s)
            ec = s.error();
    if (ec) {
        discard_all();
        return ec;
    }

    // Publish: renames; after a failure every worker stops and discards
    // what it has not renamed.
    std::atomic<bool> failed = false;
    if (disc_file &&
        ::renameat(disc_file->dirfd, disc_file->temp.c_str(), disc_file->dirfd, disc_file->final.c_str()) != 0) {
        auto const err = last_error();
        discard_all();
        return err;
    }
    run_workers(n, [&](unsigned i) {
        auto& files = ws[i].out.files;
        for (std::size_t k = 0; k < files.size(); ++k) {
            auto const& f = files[k];
            if (failed || ::renameat(f.dirfd, f.temp.c_str(), f.dirfd, f.final.c_str()) != 0) {
                if (!failed.exchange(true))
                    ws[i].ec = last_error();
                files.erase(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(k));
                discard(ws[i].out);
                return;
            }
        }
    });
    if (auto err = first_error(ws))
        return err;
    if (auto s = sync_filesystem(root); !s)
        return s.error();
    std::vector<node_key> linked;
    for (auto& w : ws)
        linked.insert(linked.end(), w.out.linked.begin(), w.out.linked.end());
    return linked;
}

} // namespace iscsi::db::detail
