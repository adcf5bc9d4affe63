#pragma once
// LUNs as files in a FUSE file system: one regular file per LUN, named
// "lun-N", whose size is the LU's capacity. read, write, fsync (SYNCHRONIZE
// CACHE) and fallocate (punch hole = discard, zero range) map onto
// blockdev::lun_device; nothing is cached in this process.
#include "common/lun_login.hpp"

#include <map>
#include <memory>
#include <string>

struct fuse;

namespace iscsi::tools {

class fuse_export {
public:
    explicit fuse_export(std::map<std::string, opened_lun> files) : files_(std::move(files)) {}

    /**
     * Creates the file system and mounts it (libfuse high-level API).
     * `options` is a comma-separated -o list (fsname=..., allow_other).
     */
    std::error_code mount(std::string const& mountpoint, std::string const& options, diagnostics* diag);
    /// Serves requests on `threads` threads until the file system is unmounted.
    int run(unsigned threads);
    /// Unmounts (if still mounted) and frees the FUSE handle.
    void close();
    ~fuse_export() { close(); }

    [[nodiscard]] std::map<std::string, opened_lun> const& files() const noexcept { return files_; }
    [[nodiscard]] blockdev::lun_device* find(char const* path) const noexcept;

private:
    std::map<std::string, opened_lun> files_; ///< "lun-1" -> device; fixed after construction
    struct fuse* fuse_ = nullptr;
    bool mounted_ = false;
};

} // namespace iscsi::tools
