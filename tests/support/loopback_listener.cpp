#include "support/loopback_listener.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace iscsi::test {

loopback_listener::loopback_listener(handler h) : handler_(std::move(h))
{
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ADD_FAILURE() << "loopback listener: cannot listen on 127.0.0.1";
        return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::jthread([this] { serve(); });
}

loopback_listener::~loopback_listener()
{
    stop_ = true;
    if (fd_ >= 0)
        ::shutdown(fd_, SHUT_RDWR);
    if (int c = conn_.load(); c >= 0)
        ::shutdown(c, SHUT_RDWR);
    if (thread_.joinable())
        thread_.join();
    if (fd_ >= 0)
        ::close(fd_);
}

void loopback_listener::serve()
{
    while (!stop_) {
        int const c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0)
            return;
        ++connections_;
        conn_ = c;
        handler_(c);
        conn_ = -1;
        ::close(c);
    }
}

} // namespace iscsi::test
