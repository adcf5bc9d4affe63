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

std::string portal_address::to_string() const { return host + ":" + std::to_string(port); }

namespace detail {
namespace {

std::optional<sockaddr_in> ipv4(std::string const& address, std::uint16_t port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
        return std::nullopt;
    }
    return sa;
}

// reinterpret_cast is how the sockets API is used; confine it here.
sockaddr const* as_sockaddr(sockaddr_in const& sa) {
    return reinterpret_cast<sockaddr const*>(&sa);  // NOLINT
}

}  // namespace

std::optional<std::uint16_t> pick_free_port(std::string const& address) {
    auto sa = ipv4(address, 0);
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (!sa || fd < 0) {
        return std::nullopt;
    }
    std::optional<std::uint16_t> port;
    sockaddr_in bound{};
    socklen_t len = sizeof bound;
    if (::bind(fd, as_sockaddr(*sa), sizeof *sa) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) == 0) {  // NOLINT
        port = ntohs(bound.sin_port);
    }
    ::close(fd);
    return port;
}

bool can_connect(std::string const& address, std::uint16_t port) {
    auto sa = ipv4(address, port);
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (!sa || fd < 0) {
        return false;
    }
    bool ok = ::connect(fd, as_sockaddr(*sa), sizeof *sa) == 0;
    ::close(fd);
    return ok;
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
