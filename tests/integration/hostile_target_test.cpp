// A hostile target: a TCP server on loopback, built on our own PDU codec,
// that answers a login with whatever a test tells it to (issue 10). Each
// test checks that the initiator's Asio driver ends the login with a
// specific error, fast, without waiting for data a length field claims.
#include "iscsi/pdu/login.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/writer.hpp"
#include "support/initiator_client.hpp"
#include "support/isolation.hpp"
#include "support/loopback_listener.hpp"
#include "support/pdu_builders.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>

namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
using bytes = std::vector<std::byte>;
constexpr char const* target = "iqn.2026-12.org.example.test:hostile";

/// What the target sends for one request PDU: bytes, then maybe a close.
struct answer {
    bytes out;
    bool close = false;
};
/// The request's BHS (ITT at 16..19, ISID and TSIH at 8..15).
using script = std::function<answer(std::span<std::byte const, 48> request)>;

bytes wire(pdu::raw_pdu const& p)
{
    bytes out;
    pdu::serialize(p, {}, out);
    return out;
}

/// A login response echoing the request's ISID and ITT, as a target must.
login_response_builder reply_to(std::span<std::byte const, 48> req)
{
    std::uint32_t itt_value = 0;
    for (std::size_t i = 16; i < 20; ++i)
        itt_value = itt_value << 8 | std::to_integer<std::uint32_t>(req[i]);
    std::array<std::byte, 6> id{};
    std::copy(req.begin() + 8, req.begin() + 14, id.begin());
    return login_response().isid(isid{id}).itt(itt_value).window(1, 1).version_active(0);
}

/// The Login Response that would end a login: T to the full feature phase.
bytes login_accepted(std::span<std::byte const, 48> req)
{
    return wire(reply_to(req)
                    .stage(pdu::stage::login_operational_negotiation, pdu::stage::full_feature_phase)
                    .transit()
                    .build());
}

/// Answers each request PDU of each connection as the script says.
class hostile_target {
public:
    explicit hostile_target(script s) : script_(std::move(s)), listener_([this](int c) { converse(c); }) {}

    [[nodiscard]] portal_address portal() const { return listener_.portal(); }
    [[nodiscard]] std::uint16_t port() const { return listener_.port(); }
    [[nodiscard]] int connections() const { return listener_.connections(); }
    [[nodiscard]] int requests() const { return requests_; }

private:
    void converse(int c)
    {
        for (;;) {
            std::array<std::byte, 48> bhs{};
            if (::recv(c, bhs.data(), bhs.size(), MSG_WAITALL) != static_cast<ssize_t>(bhs.size()))
                return;
            auto const ahs = std::size_t{std::to_integer<std::uint8_t>(bhs[4])} * 4;
            auto const data = std::size_t{std::to_integer<std::uint8_t>(bhs[5])} << 16 |
                              std::size_t{std::to_integer<std::uint8_t>(bhs[6])} << 8 |
                              std::to_integer<std::uint8_t>(bhs[7]);
            bytes rest(ahs + (data + 3) / 4 * 4);
            if (!rest.empty() && ::recv(c, rest.data(), rest.size(), MSG_WAITALL) != static_cast<ssize_t>(rest.size()))
                return;
            ++requests_;
            auto const a = script_(std::span<std::byte const, 48>(bhs));
            if (!a.out.empty() && ::send(c, a.out.data(), a.out.size(), MSG_NOSIGNAL) < 0)
                return;
            if (a.close)
                return;
        }
    }

    script script_;
    std::atomic<int> requests_ = 0;
    loopback_listener listener_; // last: its thread stops before the rest goes
};

class HostileTarget : public isolated_test {
protected:
    initiator_client client;

    /// Logs in (a 2 s login timeout, 4 redirects at most) and expects it to
    /// fail within `within`, saying `message`.
    void expect_refused(hostile_target const& t, std::string const& message, std::chrono::seconds within = 2s)
    {
        auto p = login_to(target);
        p.login_timeout = 2s;
        auto const start = std::chrono::steady_clock::now();
        EXPECT_TRUE(client.login(t.portal(), std::move(p))) << "the login succeeded";
        EXPECT_LT(std::chrono::steady_clock::now() - start, within) << "the error took too long";
        EXPECT_NE(client.diag.message.find(message), std::string::npos) << client.diag.message;
    }
};

TEST_F(HostileTarget, ATruncatedLoginResponseAndACloseFailTheLogin)
{
    hostile_target t([](auto req) {
        auto out = login_accepted(req);
        out.resize(20); // half a BHS
        return answer{out, true};
    });
    expect_refused(t, "the target closed the connection");
}

TEST_F(HostileTarget, ADataSegmentLengthBeyondTheLimitIsRefusedUnread)
{
    // A header that announces 16 MiB - 1 of data and sends none: the reader
    // must refuse it from the header (no 16 MiB buffer), not wait for it.
    hostile_target t([](auto req) {
        auto out = login_accepted(req);
        out[5] = std::byte{0xff};
        out[6] = std::byte{0xff};
        out[7] = std::byte{0xff};
        return answer{out, false};
    });
    expect_refused(t, "announced a 16777215-byte data segment, above our MaxRecvDataSegmentLength");
}

TEST_F(HostileTarget, APduOfAnotherPhaseDuringLoginFailsIt)
{
    // A SCSI Response (opcode 0x21) where a Login Response must come.
    hostile_target t([](auto req) {
        auto p = scsi_response_builder().itt(0).build();
        (void)req;
        return answer{wire(p), false};
    });
    expect_refused(t, "a PDU other than a Login Response during login (opcode 33)");
}

TEST_F(HostileTarget, ALoginThatNeverTransitsEndsAfterABoundedNumberOfRounds)
{
    // Every answer stays in the initiator's current stage, without T and
    // without keys: a target that would keep the initiator negotiating.
    hostile_target t([](auto req) {
        auto const csg = static_cast<pdu::stage>(std::to_integer<unsigned>(req[1]) >> 2 & 3);
        return answer{wire(reply_to(req).stage(csg, csg).build()), false};
    });
    expect_refused(t, "too many round trips (more than 64 Login Responses)");
    EXPECT_LE(t.requests(), 65);
}

TEST_F(HostileTarget, ARedirectLoopIsFollowedOnlyMaxRedirectsTimes)
{
    // Target Moved Temporarily (0x0101) back to itself, on every connection.
    std::uint16_t port = 0;
    hostile_target t([&port](auto req) {
        return answer{wire(reply_to(req)
                               .status(0x01, 0x01)
                               .keys({{"TargetAddress", "127.0.0.1:" + std::to_string(port) + ",1"}})
                               .build()),
                      true};
    });
    port = t.port();
    expect_refused(t, "gave up after 4 redirects", 5s);
    EXPECT_EQ(t.connections(), static_cast<int>(client.opts.max_redirects) + 1);
}

} // namespace
} // namespace iscsi::test
