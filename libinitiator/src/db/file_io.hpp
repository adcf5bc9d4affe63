// File primitives of the database (private to src/db): whole-file reads,
// crash-safe replacement, and the writers' lock. Every fd is owned by a
// unique_fd. Crash safety (issue: "kill -9 during a write leaves the old or
// the new record, never a torn one"): new content goes to a temporary file
// in the same directory, is flushed, and is renamed over the old name; rename
// is atomic on POSIX file systems, so a reader sees one version or the other.
#pragma once

#include "iscsi/core/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

namespace iscsi::db {

class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& o) noexcept
    {
        reset(std::exchange(o.fd_, -1));
        return *this;
    }
    unique_fd(unique_fd const&) = delete;
    unique_fd& operator=(unique_fd const&) = delete;
    ~unique_fd() { reset(); }
    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] explicit operator bool() const noexcept { return fd_ >= 0; }
    void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

/// errno as an error code.
[[nodiscard]] std::error_code last_error() noexcept;

[[nodiscard]] result<std::string> read_text_file(std::filesystem::path const& file);

/// Prefix of temporary files; names starting with '.' are skipped by every
/// listing (ours) and never match a record name.
inline constexpr std::string_view temp_prefix = ".tmp-";

/// Writes `content` to a temporary file next to `file` (mode `mode`),
/// fsyncs it, renames it over `file` and fsyncs the directory.
[[nodiscard]] result<void> replace_file(std::filesystem::path const& file, std::string_view content,
                                        unsigned mode);

/// Writes all of `content` to `fd`, retrying short writes and EINTR.
[[nodiscard]] result<void> write_all(int fd, std::string_view content);

/// mkdir -p with `mode` for every directory created.
[[nodiscard]] result<void> make_dirs(std::filesystem::path const& dir, unsigned mode);

/// fsync a directory, so renames and creations in it survive a crash.
[[nodiscard]] result<void> sync_dir(std::filesystem::path const& dir);

/// syncfs() of the file system holding `path`: one flush for a batch.
[[nodiscard]] result<void> sync_filesystem(std::filesystem::path const& path);

/// Removes temporaries a killed writer left in `dir` (called under the lock),
/// except those whose names start with `keep` (the caller's own batch).
void remove_stale_temps(std::filesystem::path const& dir, std::string_view keep = {}) noexcept;

/**
 * The writers' lock: flock(LOCK_EX) on the database root directory. The
 * kernel drops it when the holder dies, so a crashed writer never blocks
 * anyone, and it needs no lock file. Readers take no lock: they see whole
 * files thanks to the rename.
 */
class write_lock {
public:
    [[nodiscard]] static result<write_lock> acquire(std::filesystem::path const& root);

private:
    explicit write_lock(unique_fd fd) : fd_(std::move(fd)) {}
    unique_fd fd_;
};

} // namespace iscsi::db
