#include "discovered_writer.hpp"

#include "file_io.hpp"
#include "iscsi/db/record_format.hpp"
#include "paths.hpp"
#include "store_detail.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <mutex>
#include <thread>
#include <sys/stat.h>
#include <unistd.h>

namespace iscsi::db::detail {

namespace fs = std::filesystem;

namespace {

/// What became of one record: a staged file (temp renamed to final at
/// publish) and whether the discovery directory now links it.
struct outcome {
    std::string temp, final;
    bool linked = false;
    bool renamed = false;
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
    std::span<node_record const> nodes;
    discovered_save mode;
    temp_names* names; ///< the worker's
};

/// One record: directories, existence, staged file, link.
std::error_code stage_record(context const& c, node_record const& r, std::string& text, outcome& out)
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
            remove_stale_temps(c.root / "nodes" / dir, c.names->prefix);
        text.clear();
        text = format_node(r, print_style::file);
        auto temp = stage(c.nodes_fd, dir, text, *c.names);
        if (!temp)
            return temp.error();
        out.temp = std::move(*temp);
        out.final = file;
    } else if (!present) {
        return {};
    }
    if (dir_form) {
        auto const link = paths::link_name(k);
        auto const target = c.nodes_abs + dir;
        if (::symlinkat(target.c_str(), c.disc_fd, link.c_str()) != 0 && errno != EEXIST)
            return last_error();
    }
    out.linked = true;
    return {};
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

/// Records are shared out in chunks from one counter, so that a worker the
/// kernel slows down (directory locks, inode allocation) takes fewer; fixed
/// halves left one thread renaming alone for a quarter of the time.
/// Creating inodes in tmpfs or ext4 scales with cores as long as the
/// parent directories differ: only a target's directory in nodes/ and the
/// links in the discovery directory share one.
class work_queue {
public:
    explicit work_queue(std::size_t size) : size_(size) {}

    /// Calls fn(i) for every index not yet claimed, until fn returns an
    /// error or another worker failed; the first error is kept.
    template <class Fn>
    void drain(Fn const& fn)
    {
        constexpr std::size_t chunk = 16;
        for (;;) {
            auto const first = next_.fetch_add(chunk);
            for (auto i = first; i < std::min(first + chunk, size_); ++i) {
                if (failed_.load(std::memory_order_relaxed))
                    return;
                if (auto ec = fn(i)) {
                    fail(ec);
                    return;
                }
            }
            if (first + chunk >= size_)
                return;
        }
    }

    [[nodiscard]] std::error_code error() const { return ec_; }

private:
    void fail(std::error_code ec)
    {
        std::lock_guard lock(mutex_);
        if (!ec_)
            ec_ = ec;
        failed_ = true;
    }

    std::size_t size_;
    std::atomic<std::size_t> next_ = 0;
    std::atomic<bool> failed_ = false;
    std::mutex mutex_;
    std::error_code ec_;
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

/// Removes the temporaries not (yet) renamed into place.
void discard(int dirfd, std::span<outcome const> outs)
{
    for (auto const& o : outs)
        if (!o.temp.empty() && !o.renamed)
            ::unlinkat(dirfd, o.temp.c_str(), 0);
}

/// Stages every record (see stage_record) on n workers.
std::error_code stage_all(context const& base, std::span<outcome> outs, unsigned n)
{
    work_queue queue(outs.size());
    run_workers(n, [&](unsigned i) {
        temp_names names(i + 1);
        context c = base;
        c.names = &names;
        std::string text;
        text.reserve(4096);
        queue.drain([&](std::size_t k) { return stage_record(c, base.nodes[k], text, outs[k]); });
    });
    return queue.error();
}

/// Renames every staged file into place on n workers; stops at the first
/// failure.
std::error_code publish_all(int dirfd, std::span<outcome> outs, unsigned n)
{
    work_queue queue(outs.size());
    run_workers(n, [&](unsigned) {
        queue.drain([&](std::size_t k) -> std::error_code {
            auto& o = outs[k];
            if (o.temp.empty())
                return {};
            if (::renameat(dirfd, o.temp.c_str(), dirfd, o.final.c_str()) != 0)
                return last_error();
            o.renamed = true;
            return {};
        });
    });
    return queue.error();
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

    outcome disc_file; // the discovery record, unless flat
    if (!mode.flat_links) {
        temp_names disc_names(0);
        auto disc_temp = stage(disc_fd->get(), "", format_discovery(disc, print_style::file), disc_names);
        if (!disc_temp)
            return disc_temp.error();
        disc_file = {std::move(*disc_temp), std::string(paths::discovery_file_name(disc.type))};
    }

    std::vector<outcome> outs(nodes.size());
    auto const n = worker_count(nodes.size());
    context const c{root, nodes_fd->get(), disc_fd->get(), fs::absolute(paths::nodes_dir(root)).string() + "/",
                    nodes, mode, nullptr};
    auto const discard_all = [&] {
        discard(disc_fd->get(), std::span(&disc_file, 1));
        discard(nodes_fd->get(), outs);
    };
    std::error_code ec = stage_all(c, outs, n);
    if (!ec)
        if (auto s = sync_filesystem(root); !s)
            ec = s.error();
    // Publish: the discovery record first, then the node records.
    if (!ec && !disc_file.temp.empty()) {
        if (::renameat(disc_fd->get(), disc_file.temp.c_str(), disc_fd->get(), disc_file.final.c_str()) != 0)
            ec = last_error();
        else
            disc_file.renamed = true;
    }
    if (!ec)
        ec = publish_all(nodes_fd->get(), outs, n);
    if (ec) {
        discard_all();
        return ec;
    }
    if (auto s = sync_filesystem(root); !s)
        return s.error();
    std::vector<node_key> linked;
    for (std::size_t i = 0; i < outs.size(); ++i)
        if (outs[i].linked)
            linked.push_back(key_of(nodes[i]));
    return linked;
}

} // namespace iscsi::db::detail
