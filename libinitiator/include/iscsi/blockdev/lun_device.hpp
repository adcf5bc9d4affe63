/**
 * @file
 * A LUN as a byte-addressed device: what a FUSE file or an NBD export needs
 * (read and write at any offset and length, flush, zeroing and discard),
 * carried out with SCSI block commands (SBC-3) through any executor, e.g.
 * transport::blocking_session::execute.
 *
 * Reads and writes that are not block-aligned are completed with a
 * read-modify-write of the partial blocks at either end; such writes take
 * an exclusive lock so two of them cannot lose each other's bytes, aligned
 * ones a shared lock. Large requests are split at the LU's MAXIMUM TRANSFER
 * LENGTH (Block Limits VPD page) or 8 MiB.
 *
 * Thread safety: every operation may be called from many threads at once.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/session/task.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>

namespace iscsi::blockdev {

enum class errc : std::uint8_t {
    beyond_end = 1,   ///< the range ends past the last block
    write_protected,  ///< DATA PROTECT sense (EROFS)
    medium_error,     ///< MEDIUM ERROR / HARDWARE ERROR sense (EIO)
    illegal_request,  ///< ILLEGAL REQUEST sense: the LU refused the command (EIO)
    scsi_failure,     ///< any other status or sense (EIO)
    not_a_disk,       ///< READ CAPACITY failed: not a direct-access LU
};
[[nodiscard]] error_category const& blockdev_category() noexcept;
[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), blockdev_category()};
}
/// The errno a file system interface should return for `ec` (EIO by default).
[[nodiscard]] int to_errno(std::error_code ec) noexcept;

/// Runs one SCSI command to completion (thread-safe).
using execute_fn = std::function<result<session::scsi_outcome>(session::scsi_request)>;

struct geometry {
    std::uint64_t blocks = 0;
    std::uint32_t block_size = 512;
    std::uint32_t max_transfer_blocks = 0; ///< per command, after defaults
    bool write_same_unmap = false;         ///< LBPWS: WRITE SAME(16) with UNMAP deallocates
    std::uint64_t max_write_same_blocks = 0;
    [[nodiscard]] std::uint64_t size_bytes() const noexcept { return blocks * block_size; }
};

class lun_device {
public:
    /**
     * Asks the LU what it is: READ CAPACITY(16), and the Block Limits and
     * Logical Block Provisioning VPD pages where it lists them. Unit
     * attentions are the session's business (it retries).
     */
    static result<std::unique_ptr<lun_device>> open(execute_fn exec, lun l, diagnostics* diag = nullptr);

    [[nodiscard]] geometry const& geom() const noexcept { return geom_; }
    [[nodiscard]] std::uint64_t size() const noexcept { return geom_.size_bytes(); }

    std::error_code read(std::uint64_t offset, std::span<std::byte> out);
    std::error_code write(std::uint64_t offset, std::span<std::byte const> in);
    /// SYNCHRONIZE CACHE(16) of the whole LU.
    std::error_code flush();
    /**
     * Makes the range read back as zeros. With `deallocate` (a discard or
     * hole punch) the LU may free the blocks: WRITE SAME(16) with UNMAP when
     * it supports that (LBPWS); otherwise WRITE SAME(16) of a zero block,
     * and plain zero writes where WRITE SAME is refused. Partial blocks at
     * either end are zeroed by read-modify-write.
     */
    std::error_code zero_range(std::uint64_t offset, std::uint64_t length, bool deallocate);

    /// Called once for every command that fails, with a sentence naming
    /// the command, the range and the reason (sense described): the place
    /// to log it. Set before use; called from the calling thread.
    std::function<void(std::string const&)> on_error;

    lun_device(execute_fn exec, lun l, geometry g);

private:
    [[nodiscard]] std::uint32_t chunk_blocks(std::uint64_t left) const noexcept;
    std::error_code read_blocks(std::uint64_t lba, std::span<std::byte> out);
    std::error_code write_blocks(std::uint64_t lba, std::span<std::byte const> in);
    std::error_code run(char const* what, std::uint64_t lba, std::uint64_t blocks, session::scsi_request req,
                        session::scsi_outcome* out = nullptr);
    std::error_code write_partial(std::uint64_t offset, std::span<std::byte const> in);
    std::error_code zero_blocks(std::uint64_t lba, std::uint64_t count, bool deallocate);

    execute_fn exec_;
    lun lun_;
    geometry geom_;
    std::shared_mutex rmw_;
    std::atomic<bool> write_same_ok_{true};
};

} // namespace iscsi::blockdev

template <>
struct std::is_error_code_enum<iscsi::blockdev::errc> : std::true_type {};
