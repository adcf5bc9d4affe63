#include "iscsi/discovery/isns/registrar.hpp"

#include "iscsi/discovery/isns/errors.hpp"
#include "unit/discovery/isns_transcript.hpp"

#include <gtest/gtest.h>

namespace iscsi::discovery::isns {
namespace {

using state = registrar::state;
using namespace std::chrono_literals;

std::string const me = "iqn.2026-12.test:init";
time_point const t0{};

using test::answer;
using test::sent;

std::vector<attribute> assigned(std::string const& eid, std::uint32_t period)
{
    return {string_attribute(tag::entity_identifier, eid), empty_attribute(tag::delimiter),
            string_attribute(tag::entity_identifier, eid), u32_attribute(tag::registration_period, period)};
}

registrar registered_one(time_point now)
{
    registrar r({me, "", "", std::nullopt, 0, std::nullopt});
    r.connected(now, 1, "127.0.0.1", 40000);
    auto reg = sent(r);
    EXPECT_TRUE(r.on_message(answer(reg, 0, assigned("isns.entity.0003", 600)), now));
    auto scn = sent(r);
    EXPECT_TRUE(r.on_message(answer(scn, 0), now));
    return r;
}

TEST(IsnsRegistrar, RegistersReplacingThenAsksForStateChangeNotifications)
{
    registrar r({me, "", "", std::nullopt, 0, std::nullopt});
    r.connected(t0, 1, "127.0.0.1", 40000);
    auto reg = sent(r);
    EXPECT_EQ(reg.fn, function::dev_attr_reg);
    EXPECT_TRUE(reg.flags & flag::replace) << "§5.6.5.1: what an earlier run left is replaced";
    // Our portal is where the server reaches us, with the SCN port (§6.3.6).
    std::optional<std::string> address;
    std::optional<std::uint32_t> scn_port;
    for (auto const& a : reg.attributes) {
        if (a.tag_id() == tag::portal_ip_address)
            address = address_value(a);
        if (a.tag_id() == tag::scn_port)
            scn_port = u32_value(a);
    }
    EXPECT_EQ(address, "127.0.0.1");
    EXPECT_EQ(scn_port, 40000U);
    ASSERT_TRUE(r.on_message(answer(reg, 0, assigned("isns.entity.0003", 600)), t0));
    auto scn = sent(r);
    EXPECT_EQ(scn.fn, function::scn_reg);
    EXPECT_EQ(u32_value(scn.attributes.back()), registrar::default_scn_bitmap);
    EXPECT_FALSE(r.take_changed());
    ASSERT_TRUE(r.on_message(answer(scn, 0), t0));
    EXPECT_EQ(r.current(), state::registered);
    EXPECT_EQ(r.entity_id(), "isns.entity.0003");
    EXPECT_TRUE(r.take_changed()) << "registered: query the targets";
    EXPECT_FALSE(r.take_changed()) << "once";
    EXPECT_EQ(r.deadline(), t0 + 300s) << "refresh at half the Registration Period";
}

TEST(IsnsRegistrar, RefreshesAtHalfThePeriodUnderItsEntity)
{
    auto r = registered_one(t0);
    ASSERT_TRUE(r.take_changed());
    ASSERT_TRUE(r.on_timeout(t0 + 299s));
    EXPECT_TRUE(r.take_output().empty()) << "not yet";
    ASSERT_TRUE(r.on_timeout(t0 + 300s));
    auto refresh = sent(r);
    EXPECT_EQ(refresh.fn, function::dev_attr_reg);
    EXPECT_FALSE(refresh.flags & flag::replace);
    EXPECT_EQ(string_value(refresh.attributes.at(1)), "isns.entity.0003") << "the Message Key is our EID";
    ASSERT_TRUE(r.on_message(answer(refresh, 0, assigned("isns.entity.0003", 600)), t0 + 300s));
    EXPECT_EQ(r.current(), state::registered);
    EXPECT_FALSE(r.take_changed()) << "a refresh changes nothing";
    EXPECT_EQ(r.deadline(), t0 + 600s);
}

TEST(IsnsRegistrar, AnScnIsAnsweredWithItsDestinationAndAsksForAQuery)
{
    auto r = registered_one(t0);
    (void)r.take_changed();
    message scn;
    scn.fn = function::scn;
    scn.xid = 42;
    scn.attributes = {string_attribute(tag::iscsi_name, me), attribute{4, std::vector<std::byte>(8)},
                      u32_attribute(tag::iscsi_scn_bitmap, scn::object_added),
                      string_attribute(tag::iscsi_name, "iqn.2026-12.test:new")};
    auto rsp = test::only_message(r.on_scn(scn));
    EXPECT_TRUE(rsp.is_response);
    EXPECT_EQ(rsp.fn, function::scn);
    EXPECT_EQ(rsp.xid, 42);
    EXPECT_EQ(rsp.status, 0U);
    ASSERT_EQ(rsp.attributes.size(), 1U);
    EXPECT_EQ(string_value(rsp.attributes[0]), me);
    EXPECT_TRUE(r.take_changed());
}

TEST(IsnsRegistrar, ARefusalOrASilentServerDropsTheConnection)
{
    registrar r({me, "", "", std::nullopt, 0, std::nullopt});
    r.connected(t0, 1, "127.0.0.1", 40000);
    auto reg = sent(r);
    auto refused = r.on_message(answer(reg, 8), t0);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), make_error_code(errc::registration_refused));
    EXPECT_EQ(r.diag().message, "registration: Source Unauthorized");

    r.connected(t0, 10, "127.0.0.1", 40000);
    (void)sent(r);
    ASSERT_TRUE(r.on_timeout(t0 + 9s));
    auto silent = r.on_timeout(t0 + registrar::response_timeout);
    ASSERT_FALSE(silent);
    EXPECT_EQ(silent.error(), make_error_code(errc::timed_out));
}

TEST(IsnsRegistrar, AReconnectRegistersAgainUnderTheSameEntity)
{
    // After the server restarted: Replace under the EID it gave us before.
    auto r = registered_one(t0);
    r.disconnected();
    EXPECT_EQ(r.current(), state::disconnected);
    r.connected(t0 + 5s, 100, "127.0.0.1", 40001);
    auto reg = sent(r);
    EXPECT_TRUE(reg.flags & flag::replace);
    EXPECT_EQ(string_value(reg.attributes.at(1)), "isns.entity.0003");
}

} // namespace
} // namespace iscsi::discovery::isns
