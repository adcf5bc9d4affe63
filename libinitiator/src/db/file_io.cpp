#include "file_io.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace iscsi::db {

namespace fs = std::filesystem;

void unique_fd::reset(int fd) noexcept
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

std::error_code last_error() noexcept { return {errno, std::system_category()}; }

result<std::string> read_text_file(fs::path const& file)
{
    unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return last_error();
    std::string out;
    char buf[8192];
    while (true) {
        auto const n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return last_error();
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

result<void> write_all(int fd, std::string_view content)
{
    while (!content.empty()) {
        auto const n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return last_error();
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

namespace {

/// A temporary file that is written but not yet renamed into place.
struct staged_file {
    std::filesystem::path temp, target;
};

result<staged_file> stage_file(fs::path const& file, std::string_view content, unsigned mode)
{
    // mkstemp gives a unique name even with many concurrent writers.
    std::string tmpl = (file.parent_path() / (std::string(temp_prefix) + "XXXXXX")).string();
    unique_fd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd)
        return last_error();
    auto fail = [&](std::error_code ec) -> result<staged_file> {
        ::unlink(tmpl.c_str());
        return ec;
    };
    // mkstemp creates files 0600 already; other modes need a change.
    if (mode != 0600 && ::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0)
        return fail(last_error());
    if (auto w = write_all(fd.get(), content); !w)
        return fail(w.error());
    return staged_file{tmpl, file};
}

result<void> rename_into_place(staged_file const& f)
{
    if (::rename(f.temp.c_str(), f.target.c_str()) != 0) {
        auto ec = last_error();
        ::unlink(f.temp.c_str());
        return ec;
    }
    return {};
}

} // namespace

result<void> replace_file(fs::path const& file, std::string_view content, unsigned mode)
{
    auto staged = stage_file(file, content, mode);
    if (!staged)
        return staged.error();
    unique_fd fd(::open(staged->temp.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0) {
        auto ec = last_error();
        ::unlink(staged->temp.c_str());
        return ec;
    }
    if (auto c = rename_into_place(*staged); !c)
        return c;
    return sync_dir(file.parent_path());
}

result<void> make_dirs(fs::path const& dir, unsigned mode)
{
    if (::mkdir(dir.c_str(), static_cast<mode_t>(mode)) == 0 || errno == EEXIST)
        return {};
    if (errno != ENOENT || !dir.has_parent_path() || dir.parent_path() == dir)
        return last_error();
    if (auto r = make_dirs(dir.parent_path(), mode); !r)
        return r;
    if (::mkdir(dir.c_str(), static_cast<mode_t>(mode)) == 0 || errno == EEXIST)
        return {};
    return last_error();
}

result<void> sync_dir(fs::path const& dir)
{
    unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0)
        return last_error();
    return {};
}

result<void> sync_filesystem(fs::path const& path)
{
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::syncfs(fd.get()) != 0)
        return last_error();
    return {};
}

void remove_stale_temps(fs::path const& dir, std::string_view keep) noexcept
{
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto const name = it->path().filename().string();
        if (name.starts_with(temp_prefix) && (keep.empty() || !name.starts_with(keep)))
            ::unlink(it->path().c_str());
    }
}

result<write_lock> write_lock::acquire(fs::path const& root)
{
    unique_fd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return last_error();
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR)
            return last_error();
    }
    return write_lock(std::move(fd));
}

} // namespace iscsi::db
