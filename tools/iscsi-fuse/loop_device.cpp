#include "loop_device.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <utility>

namespace iscsi::tools {

namespace {
std::error_code last_error() { return {errno, std::system_category()}; }

/// Closes an fd on scope exit unless released.
struct fd_guard {
    int fd;
    ~fd_guard()
    {
        if (fd >= 0) ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
};
} // namespace

std::string by_path_name(std::string const& address, std::uint16_t port, std::string const& iqn, std::uint64_t lun)
{
    bool const v6 = address.find(':') != std::string::npos;
    std::string const host = v6 ? "[" + address + "]" : address;
    return "ip-" + host + ":" + std::to_string(port) + "-iscsi-" + iqn + "-lun-" + std::to_string(lun);
}

loop_device::loop_device(loop_device&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), dev_(std::move(o.dev_)), link_(std::move(o.link_))
{
}

loop_device& loop_device::operator=(loop_device&& o) noexcept
{
    if (this != &o) {
        (void)detach();
        fd_ = std::exchange(o.fd_, -1);
        dev_ = std::move(o.dev_);
        link_ = std::move(o.link_);
    }
    return *this;
}

loop_device::~loop_device() { (void)detach(); }

result<loop_device> loop_device::attach(std::filesystem::path const& file, unsigned block_size, diagnostics* diag)
{
    auto fail = [&](std::string what) {
        auto ec = last_error();
        if (diag) diag->set(what + ": " + ec.message());
        return ec;
    };
    fd_guard ctl{::open("/dev/loop-control", O_RDWR | O_CLOEXEC)};
    if (ctl.fd < 0) return fail("/dev/loop-control");
    fd_guard backing{::open(file.c_str(), O_RDWR | O_CLOEXEC)};
    if (backing.fd < 0) return fail(file.string());
    // Another process may take the free device between the two calls; try a few.
    for (int attempt = 0; attempt < 8; ++attempt) {
        int const n = ::ioctl(ctl.fd, LOOP_CTL_GET_FREE);
        if (n < 0) return fail("LOOP_CTL_GET_FREE");
        std::filesystem::path dev = "/dev/loop" + std::to_string(n);
        fd_guard loop{::open(dev.c_str(), O_RDWR | O_CLOEXEC)};
        if (loop.fd < 0) return fail(dev.string());
        loop_config cfg{};
        cfg.fd = static_cast<__u32>(backing.fd);
        cfg.block_size = block_size;
        // Direct I/O: the loop driver hands FUSE each request whole rather
        // than a page at a time through the page cache (a 256 KiB write was
        // 64 FUSE writes, so 64 round trips to the target, not one or two);
        // and no second cache of the LUN sits beside the file's.
        cfg.info.lo_flags = LO_FLAGS_DIRECT_IO;
        std::strncpy(reinterpret_cast<char*>(cfg.info.lo_file_name), file.c_str(), LO_NAME_SIZE - 1); // NOLINT
        int rc = ::ioctl(loop.fd, LOOP_CONFIGURE, &cfg);
        if (rc != 0 && errno == EINVAL) { // a kernel that refuses direct I/O here: buffered, as before
            cfg.info.lo_flags = 0;
            rc = ::ioctl(loop.fd, LOOP_CONFIGURE, &cfg);
        }
        if (rc == 0) {
            loop_device d;
            d.fd_ = loop.release();
            d.dev_ = std::move(dev);
            return d;
        }
        if (errno != EBUSY) return fail("LOOP_CONFIGURE " + dev.string());
    }
    return fail("no free loop device");
}

std::error_code loop_device::link(std::filesystem::path const& link_path)
{
    std::error_code ec;
    std::filesystem::create_directories(link_path.parent_path(), ec);
    if (ec) return ec;
    std::filesystem::remove(link_path, ec);
    std::filesystem::create_symlink(dev_, link_path, ec);
    if (!ec) link_ = link_path;
    return ec;
}

bool loop_device::in_use() const
{
    if (fd_ < 0) return false;
    int const fd = ::open(dev_.c_str(), O_RDONLY | O_EXCL | O_CLOEXEC);
    if (fd >= 0) ::close(fd);
    return fd < 0 && errno == EBUSY;
}

std::error_code loop_device::detach()
{
    if (fd_ < 0) return {};
    if (::ioctl(fd_, LOOP_CLR_FD) != 0) return last_error();
    if (!link_.empty()) {
        std::error_code ignored;
        std::filesystem::remove(link_, ignored);
        link_.clear();
    }
    ::close(std::exchange(fd_, -1));
    return {};
}

} // namespace iscsi::tools
