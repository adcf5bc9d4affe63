// The driver's deadlines against a peer that accepts TCP and then says
// nothing: a login must end with a timeout, never hang.
#include "iscsi/login/errors.hpp"
#include "iscsi/transport/errors.hpp"
#include "support/initiator_client.hpp"
#include "support/isolation.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace iscsi::test {
namespace {

using namespace std::chrono_literals;

/// Listens on 127.0.0.1 and never reads or writes (a hung target).
class silent_listener {
public:
    silent_listener() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {}
    [[nodiscard]] portal_address portal() const { return {"127.0.0.1", acceptor_.local_endpoint().port()}; }

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_; // the kernel completes handshakes into the backlog
};

TEST(DriverTimeout, LoginToATargetThatNeverAnswersTimesOut)
{
    ASSERT_TRUE(check_isolation());
    silent_listener silent;
    initiator_client client;
    auto p = login_to("iqn.2026-11.org.example.test:silent");
    p.login_timeout = 300ms;
    auto const t0 = std::chrono::steady_clock::now();
    auto ec = client.login(silent.portal(), p);
    auto const took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(ec, login::errc::timeout) << ec.message() << " / " << client.diag.message;
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 5s) << "the deadline was not honoured";
}

TEST(DriverTimeout, DiscoveryFromATargetThatNeverAnswersTimesOut)
{
    ASSERT_TRUE(check_isolation());
    silent_listener silent;
    initiator_client client;
    client.discovery_login_timeout = 400ms;
    auto const t0 = std::chrono::steady_clock::now();
    auto r = client.discover(silent.portal());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), login::errc::timeout) << r.error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(DriverTimeout, ConnectionRefusedIsReportedWithThePortal)
{
    ASSERT_TRUE(check_isolation());
    std::uint16_t port = 0;
    {
        silent_listener closed; // bind, note the port, close: nothing listens there now
        port = closed.portal().port;
    }
    initiator_client client;
    auto ec = client.login(portal_address{"127.0.0.1", port}, login_to("iqn.2026-11.org.example.test:none"));
    EXPECT_TRUE(ec);
    EXPECT_NE(client.diag.message.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << client.diag.message;
}

} // namespace
} // namespace iscsi::test
