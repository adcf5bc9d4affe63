#include "node_index.hpp"

#include "file_io.hpp"
#include "paths.hpp"

#include <charconv>
#include <chrono>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <deque>
#include <optional>
#include <unordered_map>

namespace iscsi::db::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view cache_magic = "iscsi-nodes-cache 1";
/// Directories changed less than this before a scan are not cached: a
/// later change within the same timestamp tick would keep the same mtime.
constexpr std::int64_t racy_ns = 2'000'000'000;

/// What one directory held when last read. Names are views into the
/// loaded cache text or into `fresh_names` (kept alive by the scan).
struct dir_state {
    std::int64_t mtime_ns = -1;
    std::vector<std::pair<std::string_view, bool>> entries; ///< name, is_dir
};

/// Directories in traversal order: nodes/ (""), then each target "T"
/// followed by its portal directories "T/P". The cache file keeps this
/// order, so an unchanged tree is matched block by block without hashing.
using dir_list = std::vector<std::pair<std::string_view, dir_state>>;

std::int64_t mtime_of(struct stat const& st)
{
    return std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
}

/// Reads a directory relative to `base` with raw getdents64: no fstat, no
/// per-entry stat (d_type is filled in by every Linux file system we use;
/// DT_UNKNOWN falls back to fstatat).
result<std::vector<dir_entry>> read_entries(int base, std::string const& rel)
{
    unique_fd fd(::openat(base, rel.empty() ? "." : rel.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return last_error();
    std::vector<dir_entry> out;
    alignas(8) char buf[32768];
    while (true) {
        auto const n = ::syscall(SYS_getdents64, fd.get(), buf, sizeof buf);
        if (n < 0)
            return last_error();
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 {
                std::uint64_t d_ino;
                std::int64_t d_off;
                unsigned short d_reclen;
                unsigned char d_type;
                char d_name[1];
            };
            linux_dirent64 d;
            std::memcpy(&d, buf + off, offsetof(linux_dirent64, d_name));
            char const* name = buf + off + offsetof(linux_dirent64, d_name);
            off += d.d_reclen;
            if (name[0] == '.')
                continue; // ".", "..", temporaries, the cache itself
            bool is_dir = d.d_type == DT_DIR;
            if (d.d_type == DT_UNKNOWN) {
                struct stat st {};
                is_dir = ::fstatat(fd.get(), name, &st, 0) == 0 && S_ISDIR(st.st_mode);
            }
            out.push_back({name, is_dir});
        }
    }
    return out;
}

// --- the cache file ---------------------------------------------------
// Text, one directory per block:
//   D <mtime_ns> <count> <relative path>
//   <d|f> <name>            (count lines)
// and "E <directories>" last, so a truncated file is recognised and ignored.

bool storable(std::string_view s) { return s.find_first_of("\n\r") == std::string_view::npos; }

/// Parses the cache into views over `text` (which must outlive the map).
dir_list load_cache(std::string_view text)
{
    dir_list out;
    std::string_view rest = text;
    auto next_line = [&]() -> std::optional<std::string_view> {
        auto const nl = rest.find('\n');
        if (nl == std::string_view::npos)
            return std::nullopt; // unterminated: torn
        auto line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        return line;
    };
    auto number = [](std::string_view s, auto& v) {
        auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        return ec == std::errc{} && p == s.data() + s.size();
    };
    if (next_line() != cache_magic)
        return {};
    while (auto line = next_line()) {
        if (line->starts_with("E ")) {
            std::size_t dirs = 0;
            if (number(line->substr(2), dirs) && dirs == out.size())
                return out;
            return {};
        }
        // "D <mtime> <count> <path>"
        if (!line->starts_with("D "))
            return {};
        auto fields = line->substr(2);
        auto const s1 = fields.find(' ');
        auto const s2 = fields.find(' ', s1 == std::string_view::npos ? s1 : s1 + 1);
        if (s1 == std::string_view::npos || s2 == std::string_view::npos)
            return {};
        dir_state state;
        std::size_t count = 0;
        if (!number(fields.substr(0, s1), state.mtime_ns) || !number(fields.substr(s1 + 1, s2 - s1 - 1), count) ||
            count > text.size())
            return {};
        state.entries.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            auto e = next_line();
            if (!e || e->size() < 3 || (e->front() != 'd' && e->front() != 'f') || (*e)[1] != ' ')
                return {};
            state.entries.emplace_back(e->substr(2), e->front() == 'd');
        }
        if (out.empty())
            out.reserve(count * 2 + 16); // the first block is nodes/: one per target, roughly
        out.emplace_back(fields.substr(s2 + 1), std::move(state));
    }
    return {}; // no end marker
}

void save_cache(fs::path const& root, dir_list const& dirs, std::int64_t scan_start_ns)
{
    std::string out(cache_magic);
    out.reserve(64 * 1024);
    out += '\n';
    std::size_t saved = 0;
    for (auto const& [path, state] : dirs) {
        if (state.mtime_ns < 0 || state.mtime_ns > scan_start_ns - racy_ns || !storable(path))
            continue;
        bool ok = true;
        for (auto const& [name, is_dir] : state.entries)
            ok = ok && storable(name);
        if (!ok)
            continue;
        out += "D " + std::to_string(state.mtime_ns) + " " + std::to_string(state.entries.size()) + " ";
        out += path;
        out += '\n';
        for (auto const& [name, is_dir] : state.entries) {
            out += is_dir ? "d " : "f ";
            out += name;
            out += '\n';
        }
        ++saved;
    }
    if (saved == 0) { // nothing old enough to trust: no cache, not an empty one
        ::unlink((root / node_cache_name).c_str());
        return;
    }
    out += "E " + std::to_string(saved) + "\n";
    // A cache needs no fsync: a lost or torn one is detected and rebuilt.
    auto staged_tmp = root / (std::string(node_cache_name) + ".tmp-" + std::to_string(::getpid()));
    unique_fd fd(::open(staged_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd)
        return;
    std::string_view data = out;
    while (!data.empty()) {
        auto const n = ::write(fd.get(), data.data(), data.size());
        if (n <= 0) {
            ::unlink(staged_tmp.c_str());
            return;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::rename(staged_tmp.c_str(), (root / node_cache_name).c_str()) != 0)
        ::unlink(staged_tmp.c_str());
}

std::int64_t now_ns()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

/// Brings one directory's state up to date: stat first, then re-read only
/// if the mtime moved (stat before read, so a change during the read shows
/// up as a newer mtime next time). Sets `reread` when it had to read.
std::error_code refresh(int nodes_fd, std::string const& rel, dir_state& state, bool& reread,
                        std::deque<std::string>& fresh_names)
{
    struct stat st {};
    if (::fstatat(nodes_fd, rel.empty() ? "." : rel.c_str(), &st, 0) != 0)
        return last_error();
    auto const m = mtime_of(st);
    reread = m != state.mtime_ns || state.mtime_ns < 0;
    if (!reread)
        return {};
    auto entries = read_entries(nodes_fd, rel);
    if (!entries)
        return entries.error();
    state.mtime_ns = m;
    state.entries.clear();
    for (auto& e : *entries)
        state.entries.emplace_back(fresh_names.emplace_back(std::move(e.name)), e.is_dir);
    return {};
}


/// Finds a directory's cached state: the next block in file order when the
/// tree is unchanged (the common case), else by name through an index
/// built the first time order breaks.
class cache_cursor {
public:
    explicit cache_cursor(dir_list& blocks) : blocks_(blocks) {}

    /// The cached state and the cache's own copy of the path (a view into
    /// the cache text), or an empty state and an empty view.
    std::pair<std::string_view, dir_state> take(std::string_view path)
    {
        if (next_ < blocks_.size() && blocks_[next_].first == path)
            return std::move(blocks_[next_++]);
        out_of_order_ = true;
        if (by_name_.empty() && !blocks_.empty()) {
            by_name_.reserve(blocks_.size());
            for (std::size_t i = 0; i < blocks_.size(); ++i)
                by_name_.emplace(blocks_[i].first, i);
        }
        if (auto it = by_name_.find(path); it != by_name_.end())
            return std::move(blocks_[it->second]);
        return {};
    }

    /// True when the cache's order no longer matches the tree's: rewrite it.
    [[nodiscard]] bool out_of_order() const noexcept { return out_of_order_; }

private:
    dir_list& blocks_;
    std::size_t next_ = 0;
    bool out_of_order_ = false;
    std::unordered_map<std::string_view, std::size_t> by_name_;
};

} // namespace

result<std::vector<node_path>> scan_nodes(fs::path const& root)
{
    std::vector<node_path> out;
    auto const start = now_ns();
    unique_fd nodes_fd(::open(paths::nodes_dir(root).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!nodes_fd) {
        auto const ec = last_error();
        if (missing(ec))
            return out;
        return ec;
    }
    auto loaded = read_text_file(root / node_cache_name);
    std::string const cache_text = loaded ? std::move(*loaded) : std::string();
    dir_list cached = load_cache(cache_text);
    cache_cursor cursor(cached);
    dir_list now;
    now.reserve(cached.size() + 16);
    std::deque<std::string> fresh_names; // names read now (views point here)
    bool changed = false;
    std::string rel;
    // Index into `now`, or -1 when the directory vanished while we looked.
    auto visit = [&](std::string_view path) -> result<std::ptrdiff_t> {
        rel.assign(path);
        auto [stored_path, state] = cursor.take(path);
        bool reread = false;
        if (auto ec = refresh(nodes_fd.get(), rel, state, reread, fresh_names)) {
            if (missing(ec)) {
                changed = true;
                return std::ptrdiff_t{-1};
            }
            return ec;
        }
        changed |= reread;
        // `path` may be a reused buffer: keep the cache's view of it, or a copy.
        now.emplace_back(stored_path.empty() && !path.empty() ? fresh_names.emplace_back(path) : stored_path,
                         std::move(state));
        return static_cast<std::ptrdiff_t>(now.size() - 1);
    };
    auto top = visit("");
    if (!top)
        return top.error();
    if (*top < 0)
        return out;
    auto const targets = now[static_cast<std::size_t>(*top)].second.entries; // `now` grows below
    out.reserve(targets.size());
    std::string path;
    for (auto const& [target, target_is_dir] : targets) {
        if (!target_is_dir)
            continue;
        auto t = visit(target);
        if (!t)
            return t.error();
        if (*t < 0)
            continue;
        auto const portals = now[static_cast<std::size_t>(*t)].second.entries;
        for (auto const& [portal, portal_is_dir] : portals) {
            if (!portal_is_dir) {
                out.push_back({std::string(target), std::string(portal), ""});
                continue;
            }
            path.assign(target).append("/").append(portal);
            auto p = visit(path);
            if (!p)
                return p.error();
            if (*p < 0)
                continue;
            for (auto const& [iface, iface_is_dir] : now[static_cast<std::size_t>(*p)].second.entries)
                if (!iface_is_dir)
                    out.push_back({std::string(target), std::string(portal), std::string(iface)});
        }
    }
    // Directories gone since the cache was written make it stale too.
    if (changed || now.size() != cached.size() || cursor.out_of_order())
        save_cache(root, now, start);
    return out;
}

} // namespace iscsi::db::detail
