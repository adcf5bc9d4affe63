#define FUSE_USE_VERSION 314
#include "fuse_export.hpp"

#include <fuse3/fuse.h>

#include <cerrno>
#include <cstring>
#include <linux/falloc.h>
#include <span>
#include <sys/stat.h>
#include <vector>

namespace iscsi::tools {

namespace {

fuse_export& self() { return *static_cast<fuse_export*>(fuse_get_context()->private_data); }

void* on_init(fuse_conn_info* conn, fuse_config* cfg)
{
    // Large requests cut the per-request cost; the LU splits them further.
    conn->max_write = 1U << 20U;
    conn->max_readahead = 1U << 20U;
    cfg->use_ino = 0;
    cfg->attr_timeout = 60; // sizes never change while mounted
    cfg->entry_timeout = 60;
    return fuse_get_context()->private_data;
}

int on_getattr(char const* path, struct stat* st, fuse_file_info*)
{
    std::memset(st, 0, sizeof *st);
    if (std::strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    }
    auto* dev = self().find(path);
    if (!dev) return -ENOENT;
    st->st_mode = S_IFREG | 0600;
    st->st_nlink = 1;
    st->st_size = static_cast<off_t>(dev->size());
    st->st_blksize = static_cast<blksize_t>(dev->geom().block_size);
    st->st_blocks = static_cast<blkcnt_t>(dev->size() / 512);
    return 0;
}

int on_readdir(char const* path, void* buf, fuse_fill_dir_t fill, off_t, fuse_file_info*, fuse_readdir_flags)
{
    if (std::strcmp(path, "/") != 0) return -ENOENT;
    fill(buf, ".", nullptr, 0, fuse_fill_dir_flags{});
    fill(buf, "..", nullptr, 0, fuse_fill_dir_flags{});
    for (auto const& [name, lun] : self().files()) fill(buf, name.c_str(), nullptr, 0, fuse_fill_dir_flags{});
    return 0;
}

int on_open(char const* path, fuse_file_info*) { return self().find(path) ? 0 : -ENOENT; }

int on_read(char const* path, char* buf, size_t size, off_t offset, fuse_file_info*)
{
    auto* dev = self().find(path);
    if (!dev) return -ENOENT;
    auto const off = static_cast<std::uint64_t>(offset);
    if (off >= dev->size()) return 0;
    std::size_t const n = static_cast<std::size_t>(std::min<std::uint64_t>(size, dev->size() - off));
    if (auto ec = dev->read(off, {reinterpret_cast<std::byte*>(buf), n})) return -blockdev::to_errno(ec); // NOLINT
    return static_cast<int>(n);
}

int on_write(char const* path, char const* buf, size_t size, off_t offset, fuse_file_info*)
{
    auto* dev = self().find(path);
    if (!dev) return -ENOENT;
    std::span<std::byte const> const data{reinterpret_cast<std::byte const*>(buf), size}; // NOLINT
    if (auto ec = dev->write(static_cast<std::uint64_t>(offset), data)) return -blockdev::to_errno(ec);
    return static_cast<int>(size);
}

int on_fsync(char const* path, int, fuse_file_info*)
{
    auto* dev = self().find(path);
    if (!dev) return -ENOENT;
    return dev->flush() ? -EIO : 0;
}

/// fallocate(2) on a LUN: its size is fixed, so only the modes that keep it.
int on_fallocate(char const* path, int mode, off_t offset, off_t length, fuse_file_info*)
{
    auto* dev = self().find(path);
    if (!dev) return -ENOENT;
    auto const off = static_cast<std::uint64_t>(offset);
    auto const len = static_cast<std::uint64_t>(length);
    if (off > dev->size() || len > dev->size() - off) return mode & FALLOC_FL_KEEP_SIZE ? -EINVAL : -EFBIG;
    std::error_code ec;
    if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
        ec = dev->zero_range(off, len, true); // a discard (loop devices send these)
    else if ((mode & ~FALLOC_FL_KEEP_SIZE) == FALLOC_FL_ZERO_RANGE)
        ec = dev->zero_range(off, len, false);
    else if (mode == 0 || mode == FALLOC_FL_KEEP_SIZE)
        return 0; // every block of a LUN is already there
    else
        return -EOPNOTSUPP;
    return ec ? -blockdev::to_errno(ec) : 0;
}

int on_truncate(char const* path, off_t size, fuse_file_info*)
{
    auto* dev = self().find(path);
    if (!dev) return -ENOENT;
    return static_cast<std::uint64_t>(size) == dev->size() ? 0 : -EPERM; // a LUN cannot grow or shrink
}

fuse_operations make_operations()
{
    fuse_operations ops{};
    ops.init = on_init;
    ops.getattr = on_getattr;
    ops.readdir = on_readdir;
    ops.open = on_open;
    ops.read = on_read;
    ops.write = on_write;
    ops.fsync = on_fsync;
    ops.fallocate = on_fallocate;
    ops.truncate = on_truncate;
    return ops;
}

} // namespace

blockdev::lun_device* fuse_export::find(char const* path) const noexcept
{
    if (path[0] != '/') return nullptr;
    auto it = files_.find(path + 1);
    return it == files_.end() ? nullptr : it->second.device.get();
}

std::error_code fuse_export::mount(std::string const& mountpoint, std::string const& options, diagnostics* diag)
{
    static fuse_operations const ops = make_operations();
    std::vector<std::string> argv_text{"iscsi-fuse", "-o", options};
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    fuse_args args = FUSE_ARGS_INIT(static_cast<int>(argv.size()), argv.data());
    fuse_ = fuse_new(&args, &ops, sizeof ops, this);
    fuse_opt_free_args(&args); // fuse_new may have copied them into allocations of its own
    if (!fuse_) {
        if (diag) diag->set("fuse_new failed (bad -o options: " + options + ")");
        return std::make_error_code(std::errc::invalid_argument);
    }
    if (fuse_mount(fuse_, mountpoint.c_str()) != 0) {
        if (diag) diag->set("cannot mount FUSE at " + mountpoint + " (is /dev/fuse available, and are we root?)");
        return std::make_error_code(std::errc::operation_not_permitted);
    }
    mounted_ = true;
    return {};
}

int fuse_export::run(unsigned threads)
{
    fuse_loop_config* cfg = fuse_loop_cfg_create();
    fuse_loop_cfg_set_max_threads(cfg, threads);
    fuse_loop_cfg_set_idle_threads(cfg, threads);
    int const rc = fuse_loop_mt(fuse_, cfg);
    fuse_loop_cfg_destroy(cfg);
    return rc;
}

void fuse_export::close()
{
    if (!fuse_) return;
    if (mounted_) fuse_unmount(fuse_);
    mounted_ = false;
    fuse_destroy(fuse_);
    fuse_ = nullptr;
}

} // namespace iscsi::tools
