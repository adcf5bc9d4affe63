#pragma once
// A loop block device over a file (the FUSE view of a LUN), and the
// /dev/disk/by-path style link that names it. RAII: the destructor removes
// the link and detaches the device; detach() first reports when the device
// is still in use (mounted), so the caller can say so: the kernel then
// detaches it when it is unmounted.
#include "iscsi/core/error.hpp"

#include <filesystem>
#include <string>

namespace iscsi::tools {

/// open-iscsi's udev name for a LUN: "ip-ADDR:PORT-iscsi-IQN-lun-N"
/// (ADDR bracketed when IPv6), under /dev/disk/by-path.
std::string by_path_name(std::string const& address, std::uint16_t port, std::string const& iqn, std::uint64_t lun);

class loop_device {
public:
    loop_device() = default;
    loop_device(loop_device&& o) noexcept;
    loop_device& operator=(loop_device&& o) noexcept;
    loop_device(loop_device const&) = delete;
    loop_device& operator=(loop_device const&) = delete;
    ~loop_device();

    /// LOOP_CTL_GET_FREE, then LOOP_CONFIGURE with `file` as backing file
    /// and `block_size` as the device's logical block size.
    static result<loop_device> attach(std::filesystem::path const& file, unsigned block_size, diagnostics* diag);

    /// Makes `link` a symlink to the device (replacing an older link).
    std::error_code link(std::filesystem::path const& link_path);
    /// True while something holds the device exclusively (a mounted file
    /// system, mkfs, another loop user).
    [[nodiscard]] bool in_use() const;
    /// Removes the link and detaches. A device still in use is detached by
    /// the kernel when its last user closes it (LOOP_CLR_FD sets autoclear).
    std::error_code detach();

    [[nodiscard]] std::filesystem::path const& path() const noexcept { return dev_; }

private:
    int fd_ = -1;
    std::filesystem::path dev_;
    std::filesystem::path link_;
};

} // namespace iscsi::tools
