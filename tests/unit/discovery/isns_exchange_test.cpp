#include "iscsi/discovery/isns/exchange.hpp"

#include "iscsi/discovery/isns/errors.hpp"
#include "unit/discovery/isns_transcript.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace iscsi::discovery::isns {
namespace {

using state = discovery_exchange::state;

std::string const me = "iqn.2026-12.test:init";

/// The one message the machine has to send now.
using test::answer;
using test::sent;

std::vector<attribute> one_target()
{
    return {u32_attribute(tag::iscsi_node_type, 1),
            empty_attribute(tag::delimiter),
            string_attribute(tag::iscsi_name, "iqn.2026-12.test:t1"),
            u32_attribute(tag::iscsi_node_type, 1),
            *address_attribute(tag::portal_ip_address, "127.0.0.1"),
            u32_attribute(tag::portal_port, 3260),
            string_attribute(tag::pg_iscsi_name, "iqn.2026-12.test:t1"),
            *address_attribute(tag::pg_portal_ip_address, "127.0.0.1"),
            u32_attribute(tag::pg_portal_port, 3260),
            u32_attribute(tag::pg_tag, 1)};
}

TEST(IsnsExchange, AKnownSourceIsAnsweredWithOneQuery)
{
    // open-iscsi's order: ask first, register only if the server says so.
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 100);
    auto q = sent(x);
    EXPECT_EQ(q.fn, function::dev_attr_qry);
    EXPECT_EQ(q.xid, 100);
    EXPECT_EQ(string_value(q.attributes.at(0)), me) << "the Source attribute";
    ASSERT_TRUE(x.on_message(answer(q, 0, one_target())));
    EXPECT_EQ(x.current(), state::done);
    EXPECT_TRUE(x.take_output().empty()) << "nothing to deregister";
    ASSERT_EQ(x.targets().size(), 1U);
    EXPECT_EQ(x.targets()[0].portals, (std::vector<portal>{{"127.0.0.1", 3260, 1}}));
}

TEST(IsnsExchange, SourceUnknownRegistersQueriesAgainAndDeregisters)
{
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 1);
    auto q = sent(x);
    ASSERT_TRUE(x.on_message(answer(q, 6))); // Source Unknown
    auto reg = sent(x);
    EXPECT_EQ(reg.fn, function::dev_attr_reg);
    EXPECT_EQ(reg.xid, 2);
    ASSERT_TRUE(x.on_message(answer(reg, 0, {string_attribute(tag::entity_identifier, "isns.entity.0007")})));
    auto q2 = sent(x);
    EXPECT_EQ(q2.fn, function::dev_attr_qry);
    ASSERT_TRUE(x.on_message(answer(q2, 0, one_target())));
    auto dereg = sent(x);
    EXPECT_EQ(dereg.fn, function::dev_dereg);
    EXPECT_EQ(string_value(dereg.attributes.back()), "isns.entity.0007");
    EXPECT_EQ(x.current(), state::deregistering);
    ASSERT_TRUE(x.on_message(answer(dereg, 0)));
    EXPECT_EQ(x.current(), state::done);
    EXPECT_EQ(x.targets().size(), 1U);
}

TEST(IsnsExchange, ARefusedQueryAfterRegisteringStillDeregisters)
{
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 1);
    ASSERT_TRUE(x.on_message(answer(sent(x), 6)));
    ASSERT_TRUE(x.on_message(answer(sent(x), 0, {string_attribute(tag::entity_identifier, "e1")})));
    ASSERT_TRUE(x.on_message(answer(sent(x), 8))); // Source Unauthorized
    auto dereg = sent(x);
    EXPECT_EQ(dereg.fn, function::dev_dereg);
    ASSERT_TRUE(x.on_message(answer(dereg, 0)));
    EXPECT_EQ(x.current(), state::failed);
    EXPECT_EQ(x.error(), make_error_code(errc::query_refused));
    EXPECT_EQ(x.diag().message, "query: Source Unauthorized");
}

TEST(IsnsExchange, ARefusedRegistrationFails)
{
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 1);
    ASSERT_TRUE(x.on_message(answer(sent(x), 6)));
    ASSERT_TRUE(x.on_message(answer(sent(x), 3))); // Invalid Registration
    EXPECT_EQ(x.current(), state::failed);
    EXPECT_TRUE(x.take_output().empty());
    EXPECT_EQ(x.error(), make_error_code(errc::registration_refused));
    EXPECT_EQ(x.diag().message, "registration: Invalid Registration");
}

TEST(IsnsExchange, AnEsiMidwayIsAnsweredWithItsOwnAttributes)
{
    // §5.7.5.13: ESIRsp carries the ESI's attributes back.
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 1);
    auto q = sent(x);
    message esi;
    esi.fn = function::esi;
    esi.xid = 77;
    esi.attributes = {string_attribute(tag::entity_identifier, "e1"), *address_attribute(tag::portal_ip_address, "127.0.0.1")};
    ASSERT_TRUE(x.on_message(esi));
    auto rsp = sent(x);
    EXPECT_EQ(rsp.fn, function::esi);
    EXPECT_TRUE(rsp.is_response);
    EXPECT_EQ(rsp.xid, 77);
    EXPECT_EQ(rsp.status, 0U);
    EXPECT_EQ(rsp.attributes, esi.attributes);
    ASSERT_TRUE(x.on_message(answer(q, 0, one_target())));
    EXPECT_EQ(x.current(), state::done);
}

TEST(IsnsExchange, AResponseToNothingOfOursDropsTheConnection)
{
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 1);
    auto q = sent(x);
    auto stray = answer(q, 0);
    stray.xid = 999;
    auto r = x.on_message(stray);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::unexpected_response));
    stray = answer(q, 0);
    stray.fn = function::dev_attr_reg;
    EXPECT_EQ(x.on_message(stray).error(), make_error_code(errc::unexpected_response));
}

TEST(IsnsExchange, AMalformedAnswerDropsTheConnection)
{
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 1);
    auto q = sent(x);
    auto r = x.on_message(answer(q, 0, {u32_attribute(tag::pg_tag, 1)}));
    ASSERT_FALSE(r);
    EXPECT_EQ(recovery_for(r.error()), recovery::drop_connection);
}


std::vector<attribute> target_answer(std::string const& name, std::string const& address)
{
    return {string_attribute(tag::iscsi_name, name),
            empty_attribute(tag::delimiter),
            string_attribute(tag::iscsi_name, name),
            u32_attribute(tag::iscsi_node_type, 1),
            *address_attribute(tag::portal_ip_address, address),
            u32_attribute(tag::portal_port, 3260),
            string_attribute(tag::pg_iscsi_name, name),
            *address_attribute(tag::pg_portal_ip_address, address),
            u32_attribute(tag::pg_portal_port, 3260),
            u32_attribute(tag::pg_tag, 1)};
}

std::vector<attribute> next_answer(std::string const& name)
{
    return {string_attribute(tag::iscsi_name, name), empty_attribute(tag::delimiter),
            string_attribute(tag::iscsi_name, name), u32_attribute(tag::iscsi_node_type, 1)};
}

TEST(IsnsExchange, AnAnswerTooLargeForTheServerIsTakenOneTargetAtATime)
{
    // isnsd answers Internal Error when the reply outgrows its 8 KiB
    // buffer: list the targets with DevGetNext, then query each by name.
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 1);
    ASSERT_TRUE(x.on_message(answer(sent(x), 11)));
    auto first = sent(x);
    EXPECT_EQ(first.fn, function::dev_get_next);
    EXPECT_TRUE(first.attributes.at(1).value.empty()) << "an empty key asks for the first";
    EXPECT_EQ(u32_value(first.attributes.at(3)), node_type::target) << "the filter";
    ASSERT_TRUE(x.on_message(answer(first, 0, next_answer("iqn.2026-12.test:a"))));
    auto second = sent(x);
    EXPECT_EQ(string_value(second.attributes.at(1)), "iqn.2026-12.test:a");
    ASSERT_TRUE(x.on_message(answer(second, 0, next_answer("iqn.2026-12.test:b"))));
    ASSERT_TRUE(x.on_message(answer(sent(x), 9))); // No Such Entry: the end
    EXPECT_EQ(x.current(), state::querying_each);
    auto qa = sent(x);
    EXPECT_EQ(qa.fn, function::dev_attr_qry);
    EXPECT_EQ(string_value(qa.attributes.at(1)), "iqn.2026-12.test:a");
    ASSERT_TRUE(x.on_message(answer(qa, 0, target_answer("iqn.2026-12.test:a", "127.0.0.1"))));
    auto qb = sent(x);
    EXPECT_EQ(string_value(qb.attributes.at(1)), "iqn.2026-12.test:b");
    ASSERT_TRUE(x.on_message(answer(qb, 0, target_answer("iqn.2026-12.test:b", "127.0.0.2"))));
    EXPECT_EQ(x.current(), state::done);
    ASSERT_EQ(x.targets().size(), 2U);
    EXPECT_EQ(x.targets()[1].portals, (std::vector<portal>{{"127.0.0.2", 3260, 1}}));
}

TEST(IsnsExchange, ADevGetNextThatDoesNotMoveOnDropsTheConnection)
{
    // The same name twice would make us ask for ever.
    discovery_exchange x({me, "", "", std::nullopt, 0, std::nullopt}, 1);
    ASSERT_TRUE(x.on_message(answer(sent(x), 11)));
    ASSERT_TRUE(x.on_message(answer(sent(x), 0, next_answer("iqn.2026-12.test:a"))));
    auto r = x.on_message(answer(sent(x), 0, next_answer("iqn.2026-12.test:a")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::bad_response_layout));
}

} // namespace
} // namespace iscsi::discovery::isns
