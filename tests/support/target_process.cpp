// Helpers shared by tgtd_process and istgt_process.
#include "target_process.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace iscsi::test {

std::string portal_address::to_string() const {
    // IPv6 literals take brackets (RFC 3986 style), as in TargetAddress.
    bool const v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

namespace detail {
namespace {

/// A numeric IPv4 or IPv6 address (no brackets) and port as a sockaddr.
struct socket_address {
    sockaddr_storage storage{};
    socklen_t length = 0;
    [[nodiscard]] sockaddr const* get() const { return reinterpret_cast<sockaddr const*>(&storage); }  // NOLINT
    [[nodiscard]] int family() const { return storage.ss_family; }
};

std::optional<socket_address> numeric_address(std::string const& address, std::uint16_t port) {
    socket_address out;
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (::inet_pton(AF_INET, address.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        std::memcpy(&out.storage, &v4, sizeof v4);
        out.length = sizeof v4;
    } else if (::inet_pton(AF_INET6, address.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        std::memcpy(&out.storage, &v6, sizeof v6);
        out.length = sizeof v6;
    } else {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<std::uint16_t> pick_free_port(std::string const& address) {
    auto sa = numeric_address(address, 0);
    if (!sa) {
        return std::nullopt;
    }
    int fd = ::socket(sa->family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return std::nullopt;
    }
    std::optional<std::uint16_t> port;
    socket_address bound;
    bound.length = sizeof bound.storage;
    if (::bind(fd, sa->get(), sa->length) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound.storage), &bound.length) == 0) {  // NOLINT
        // sin_port and sin6_port sit at the same offset.
        port = ntohs(reinterpret_cast<sockaddr_in const*>(&bound.storage)->sin_port);  // NOLINT
    }
    ::close(fd);
    return port;
}

bool can_connect(std::string const& address, std::uint16_t port) {
    auto sa = numeric_address(address, port);
    if (!sa) {
        return false;
    }
    int fd = ::socket(sa->family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    bool ok = ::connect(fd, sa->get(), sa->length) == 0;
    ::close(fd);
    return ok;
}

::testing::AssertionResult start_with_retries(char const* name, std::filesystem::path const& dir,
                                              child_process const& daemon,
                                              std::function<::testing::AssertionResult(bool& retry)> const& attempt) {
    constexpr int start_attempts = 5;
    if (auto iso = check_isolation(); !iso) {
        return iso;
    }
    if (dir.empty()) {
        return ::testing::AssertionFailure() << "no temporary directory for " << name;
    }
    if (daemon.started()) {
        return ::testing::AssertionFailure() << name << " already started (pid " << daemon.pid() << ")";
    }
    ::testing::AssertionResult last = ::testing::AssertionFailure();
    for (int i = 0; i < start_attempts; ++i) {
        bool retry = false;
        last = attempt(retry);
        if (last || !retry) {
            return last;
        }
    }
    return ::testing::AssertionFailure() << name << " failed to start " << start_attempts
                                         << " times; last: " << last.message();
}

::testing::AssertionResult create_sparse_file(std::filesystem::path const& p, std::uint32_t mib) {
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return ::testing::AssertionFailure()
               << "cannot create backing file " << p << ": " << std::strerror(errno);
    }
    auto const size = static_cast<off_t>(mib) * 1024 * 1024;
    bool ok = ::ftruncate(fd, size) == 0;
    int err = errno;
    ::close(fd);
    if (!ok) {
        return ::testing::AssertionFailure()
               << "cannot size backing file " << p << ": " << std::strerror(err);
    }
    return ::testing::AssertionSuccess();
}

std::string tail_of(std::filesystem::path const& p, std::size_t max) {
    std::ifstream in{p, std::ios::binary | std::ios::ate};
    auto const end = static_cast<std::streamoff>(in.tellg());
    if (!in || end <= 0) {
        return "(empty log)";
    }
    auto const limit = static_cast<std::streamoff>(max);
    auto const start = end > limit ? end - limit : std::streamoff{0};
    std::string text(static_cast<std::size_t>(end - start), '\0');
    in.seekg(start);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    return (start > 0 ? "..." : "") + text;
}

}  // namespace detail
}  // namespace iscsi::test
