// iSNS discovery (RFC 4171) against open-isns's isnsd, with targets
// registered by isnsadm and by tgtd's own iSNS client, and against a
// hostile server that answers with malformed PDUs.
#include "iscsi/discovery/isns/errors.hpp"
#include "iscsi/transport/blocking.hpp"
#include "iscsi/transport/errors.hpp"
#include "iscsi/transport/isns.hpp"
#include "support/initiator_client.hpp"
#include "support/isnsd_process.hpp"
#include "support/loopback_listener.hpp"
#include "support/target_process.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <sys/socket.h>
#include <thread>

namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
namespace isns = discovery::isns;

std::string const initiator = "iqn.2026-12.org.example.test:initiator";

struct outcome {
    result<std::vector<discovery::target_record>> targets = std::vector<discovery::target_record>{};
    diagnostics diag;
};

outcome discover(portal_address const& server, std::string const& me = initiator,
                 duration timeout = std::chrono::seconds(10))
{
    boost::asio::io_context io;
    outcome o;
    isns::registration reg{me, "", "", std::nullopt, 0, std::nullopt};
    o.targets = transport::run_blocking(
        io, transport::discover_isns(io.get_executor(), {server.host, server.port, std::nullopt}, reg, timeout,
                                     &o.diag));
    return o;
}

std::vector<std::string> names(std::vector<discovery::target_record> const& targets)
{
    std::vector<std::string> n;
    for (auto const& t : targets)
        n.push_back(t.name);
    std::sort(n.begin(), n.end());
    return n;
}

class IsnsDiscovery : public isolated_test {};

TEST_F(IsnsDiscovery, TargetsRegisteredWithIsnsadmAreFoundWithTheirPortalGroups)
{
    isnsd_process isnsd;
    ASSERT_TRUE(isnsd.start());
    ASSERT_TRUE(isnsd.register_targets("array1", {{"127.0.0.1", 3260}},
                                       {"iqn.2026-12.org.example.test:a", "iqn.2026-12.org.example.test:b"}));
    ASSERT_TRUE(isnsd.register_targets("array2", {{"127.0.0.2", 3260}, {"127.0.0.3", 3261}},
                                       {"iqn.2026-12.org.example.test:c"}, 7));
    auto o = discover(isnsd.portal());
    ASSERT_TRUE(o.targets) << o.targets.error().message() << ": " << o.diag.message;
    EXPECT_EQ(names(*o.targets), (std::vector<std::string>{"iqn.2026-12.org.example.test:a",
                                                           "iqn.2026-12.org.example.test:b",
                                                           "iqn.2026-12.org.example.test:c"}));
    for (auto const& t : *o.targets) {
        if (t.name != "iqn.2026-12.org.example.test:c") {
            EXPECT_EQ(t.portals, (std::vector<discovery::portal>{{"127.0.0.1", 3260, 1}})) << t.name;
            continue;
        }
        // The second portal joined Portal Group 7; the first has the default group 1.
        auto portals = t.portals;
        std::sort(portals.begin(), portals.end(), [](auto const& x, auto const& y) { return x.address < y.address; });
        EXPECT_EQ(portals, (std::vector<discovery::portal>{{"127.0.0.2", 3260, 1}, {"127.0.0.3", 3261, 7}}));
    }
}

TEST_F(IsnsDiscovery, AnAnswerTooLargeForTheServerIsCollectedOneTargetAtATime)
{
    // isnsd cannot send more than 8 KiB in a message: asked for 300
    // targets at once it answers Internal Error (open-iscsi gives up
    // there); we list them with DevGetNext and query each.
    isnsd_process isnsd;
    ASSERT_TRUE(isnsd.start());
    for (int batch = 0; batch < 6; ++batch) {
        std::vector<std::string> batch_targets;
        for (int i = 0; i < 50; ++i)
            batch_targets.push_back("iqn.2026-12.org.example.test:many-" + std::to_string(batch * 50 + i));
        // A portal belongs to one entity: each batch gets its own.
        ASSERT_TRUE(isnsd.register_targets("array" + std::to_string(batch),
                                           {{"127.0.1." + std::to_string(batch + 1), 3260}}, batch_targets));
    }
    auto o = discover(isnsd.portal());
    ASSERT_TRUE(o.targets) << o.targets.error().message() << ": " << o.diag.message;
    ASSERT_EQ(o.targets->size(), 300U);
    for (auto const& t : *o.targets) {
        auto const i = std::stoi(t.name.substr(t.name.rfind('-') + 1));
        EXPECT_EQ(t.portals, (std::vector<discovery::portal>{{"127.0.1." + std::to_string(i / 50 + 1), 3260, 1}}))
            << t.name;
    }
}

TEST_F(IsnsDiscovery, TgtdRegistersItselfAndItsTargetIsFoundAndLoggedInTo)
{
    isnsd_process isnsd;
    ASSERT_TRUE(isnsd.start());
    tgtd_process tgt;
    ASSERT_TRUE(tgt.start());
    // tgt's iSNS client must be switched on before targets exist (README.iscsi).
    ASSERT_TRUE(tgt.tgtadm_ok({"--op", "update", "--mode", "sys", "--name", "iSNSServerIP", "-v", "127.0.0.1"}));
    ASSERT_TRUE(tgt.tgtadm_ok(
        {"--op", "update", "--mode", "sys", "--name", "iSNSServerPort", "-v", std::to_string(isnsd.portal().port)}));
    ASSERT_TRUE(tgt.tgtadm_ok({"--op", "update", "--mode", "sys", "--name", "iSNS", "-v", "On"}));
    ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2026-12.org.example.test:by-tgtd", .size_mib = 16}));

    // tgtd registers in the background: ask until it has (bounded).
    outcome o;
    auto const deadline = std::chrono::steady_clock::now() + 15s;
    do {
        o = discover(isnsd.portal());
        ASSERT_TRUE(o.targets) << o.targets.error().message() << ": " << o.diag.message;
        if (!o.targets->empty())
            break;
        std::this_thread::sleep_for(200ms);
    } while (std::chrono::steady_clock::now() < deadline);
    ASSERT_EQ(names(*o.targets), (std::vector<std::string>{"iqn.2026-12.org.example.test:by-tgtd"}));
    auto const& t = o.targets->front();
    auto at = std::find_if(t.portals.begin(), t.portals.end(),
                           [&](auto const& p) { return p.address == "127.0.0.1" && p.port == tgt.portal().port; });
    ASSERT_NE(at, t.portals.end()) << "tgtd's portal is not among those iSNS gave";

    // What iSNS named is a real target: log in to it and read its capacity.
    initiator_client client;
    ASSERT_FALSE(client.login(tgt.portal(), login_to(t.name))) << client.diag.message;
    EXPECT_TRUE(client.write_read_verify(tgtd_process::disk_lun, 8, 4));
    EXPECT_FALSE(client.logout());
}

TEST_F(IsnsDiscovery, ADiscoveryDomainHidesTheTargetsOutsideIt)
{
    // Without the default domain, a node sees only what shares a domain
    // with it. 61 targets in ours (more than one isnsd message holds, so
    // they are collected one at a time), 11 outside it.
    isnsd_process isnsd({.default_discovery_domain = false});
    ASSERT_TRUE(isnsd.start());
    std::vector<std::string> ours{initiator};
    for (int batch = 0; batch < 2; ++batch) {
        std::vector<std::string> batch_targets;
        for (int i = 0; i < 36; ++i) {
            batch_targets.push_back("iqn.2026-12.org.example.test:dd-" + std::to_string(batch * 36 + i));
            if (ours.size() < 62)
                ours.push_back(batch_targets.back());
        }
        ASSERT_TRUE(isnsd.register_targets("array" + std::to_string(batch),
                                           {{"127.0.2." + std::to_string(batch + 1), 3260}}, batch_targets));
    }
    // One domain with every member at once: isnsd 0.101 does not add a
    // node that is not registered to a second domain.
    ASSERT_TRUE(isnsd.register_discovery_domain("ours", ours));
    auto o = discover(isnsd.portal());
    ASSERT_TRUE(o.targets) << o.targets.error().message() << ": " << o.diag.message;
    auto const want = std::vector<std::string>(ours.begin() + 1, ours.end());
    auto got = names(*o.targets);
    auto sorted_want = want;
    std::sort(sorted_want.begin(), sorted_want.end());
    EXPECT_EQ(got, sorted_want);

    auto other = discover(isnsd.portal(), "iqn.2026-12.org.example.test:stranger");
    ASSERT_TRUE(other.targets) << other.diag.message;
    EXPECT_TRUE(other.targets->empty()) << "a node in no domain sees nothing";
}

TEST_F(IsnsDiscovery, ARestartedServerKeepsItsRegistrations)
{
    isnsd_process isnsd;
    ASSERT_TRUE(isnsd.start());
    ASSERT_TRUE(isnsd.register_targets("array1", {{"127.0.0.1", 3260}}, {"iqn.2026-12.org.example.test:a"}));
    ASSERT_TRUE(isnsd.restart());
    auto o = discover(isnsd.portal());
    ASSERT_TRUE(o.targets) << o.targets.error().message() << ": " << o.diag.message;
    EXPECT_EQ(names(*o.targets), (std::vector<std::string>{"iqn.2026-12.org.example.test:a"}));
}

TEST_F(IsnsDiscovery, NothingListeningIsAConnectionError)
{
    auto port = detail::pick_free_port("127.0.0.1");
    ASSERT_TRUE(port);
    auto o = discover({"127.0.0.1", *port});
    ASSERT_FALSE(o.targets);
    EXPECT_EQ(o.targets.error(), std::errc::connection_refused);
}

/// A server on 127.0.0.1 that reads one request and answers with what
/// `reply` makes of the request's Transaction ID, then keeps the
/// connection open until the test ends.
/// Answers the first request of a connection with `reply(its xid)`, then
/// reads until the client closes.
class hostile_server {
public:
    explicit hostile_server(std::function<std::vector<std::uint8_t>(std::uint16_t xid)> reply)
        : reply_(std::move(reply)), listener_([this](int c) { answer(c); })
    {
    }
    [[nodiscard]] portal_address portal() const { return listener_.portal(); }

private:
    void answer(int c) const
    {
        std::uint8_t h[12];
        if (::recv(c, h, sizeof h, MSG_WAITALL) != sizeof h)
            return;
        std::vector<std::uint8_t> body(static_cast<std::size_t>(h[4] << 8 | h[5]));
        if (!body.empty() && ::recv(c, body.data(), body.size(), MSG_WAITALL) != static_cast<ssize_t>(body.size()))
            return;
        auto out = reply_(static_cast<std::uint16_t>(h[8] << 8 | h[9]));
        if (!out.empty())
            (void)::send(c, out.data(), out.size(), MSG_NOSIGNAL);
        char sink;
        while (::recv(c, &sink, 1, 0) > 0) {
        }
    }

    std::function<std::vector<std::uint8_t>(std::uint16_t)> reply_;
    loopback_listener listener_; // last: its thread stops before reply_ goes
};

/// A DevAttrQryRsp of one PDU carrying `payload`, for transaction `xid`.
std::vector<std::uint8_t> query_response(std::uint16_t xid, std::vector<std::uint8_t> const& payload, int version = 1)
{
    auto const n = payload.size();
    auto const byte = [](auto v) { return static_cast<std::uint8_t>(v & 0xff); };
    std::vector<std::uint8_t> out;
    out.reserve(12 + n);
    // Version, Function 0x8002, PDU Length, Flags server|last|first, XID, Sequence 0.
    for (auto b : {byte(version >> 8), byte(version), byte(0x80), byte(0x02), byte(n >> 8), byte(n), byte(0x4c),
                   byte(0x00), byte(xid >> 8), byte(xid), byte(0), byte(0)})
        out.push_back(b);
    for (auto b : payload)
        out.push_back(b);
    return out;
}

TEST_F(IsnsDiscovery, AHostileServerGetsASpecificErrorNeverACrashOrAHang)
{
    struct bad_server {
        char const* what;
        std::function<std::vector<std::uint8_t>(std::uint16_t)> reply;
        std::error_code want;
    };
    std::vector<bad_server> const cases{
        {"an attribute length that is not a multiple of 4",
         [](std::uint16_t xid) {
             return query_response(xid, {0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 5, 'a', 'b', 'c', 'd'});
         },
         isns::errc::bad_attribute_length},
        {"an attribute longer than the message",
         [](std::uint16_t xid) {
             return query_response(xid, {0, 0, 0, 0, 0, 0, 0, 32, 0x7f, 0xff, 0xff, 0xfc, 'a', 'b', 'c', 0});
         },
         isns::errc::bad_attribute_length},
        {"iSNSP version 2", [](std::uint16_t xid) { return query_response(xid, {0, 0, 0, 0}, 2); },
         isns::errc::bad_version},
        {"an answer to another transaction",
         [](std::uint16_t xid) { return query_response(static_cast<std::uint16_t>(xid + 1), {0, 0, 0, 0}); },
         isns::errc::unexpected_response},
        {"a target name that is not an iSCSI name",
         [](std::uint16_t xid) {
             return query_response(xid, {0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 4, 'x', '/', 'y', 0,
                                         0, 0, 0, 33, 0, 0, 0, 4, 0, 0, 0, 1});
         },
         isns::errc::bad_attribute_value},
        {"silence", [](std::uint16_t) { return std::vector<std::uint8_t>{}; }, isns::errc::timed_out},
    };
    for (auto const& c : cases) {
        hostile_server server(c.reply);
        auto const started = std::chrono::steady_clock::now();
        auto o = discover(server.portal(), initiator, 2s);
        ASSERT_FALSE(o.targets) << c.what;
        EXPECT_EQ(o.targets.error(), c.want) << c.what << ": " << o.targets.error().message();
        EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << c.what;
        if (c.want != isns::errc::timed_out && c.want != isns::errc::unexpected_response) {
            EXPECT_FALSE(o.diag.message.empty()) << c.what;
        }
    }
}

} // namespace
} // namespace iscsi::test
