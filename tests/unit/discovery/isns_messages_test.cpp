#include "iscsi/discovery/isns/messages.hpp"

#include "iscsi/discovery/isns/errors.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace iscsi::discovery::isns {
namespace {

std::string const me = "iqn.2026-12.test:init";

attribute name(tag t, std::string const& s) { return string_attribute(t, s); }
attribute ip(tag t, std::string const& a) { return *address_attribute(t, a); }
attribute u32(tag t, std::uint32_t v) { return u32_attribute(t, v); }

/// open-isns's isnsadm registers IPv4 portals as ::a.b.c.d.
attribute compatible_ip(tag t, std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
{
    attribute out{static_cast<std::uint32_t>(t), std::vector<std::byte>(16)};
    out.value[12] = std::byte{a};
    out.value[13] = std::byte{b};
    out.value[14] = std::byte{c};
    out.value[15] = std::byte{d};
    return out;
}

message response(std::vector<attribute> attrs, std::uint32_t status = 0)
{
    message m;
    m.fn = function::dev_attr_qry;
    m.is_response = true;
    m.status = status;
    m.attributes = std::move(attrs);
    return m;
}

std::vector<std::uint32_t> tags(message const& m)
{
    std::vector<std::uint32_t> out;
    for (auto const& a : m.attributes)
        out.push_back(a.tag);
    return out;
}

TEST(IsnsMessages, RegistrationSendsSourceKeyDelimiterThenEntityPortalAndNode)
{
    // §5.6.5.1: Source, Message Key (EID, empty: the server assigns one),
    // Delimiter, then the entity, its portal and its node.
    registration r{me, "host1", "", std::string("127.0.0.1"), 3260, std::uint16_t{3206}};
    auto m = dev_attr_reg(r);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->fn, function::dev_attr_reg);
    EXPECT_EQ(tags(*m), (std::vector<std::uint32_t>{32, 1, 0, 1, 2, 16, 17, 23, 32, 33, 34}));
    EXPECT_EQ(string_value(m->attributes[0]), me);
    EXPECT_TRUE(m->attributes[1].value.empty());
    EXPECT_EQ(u32_value(m->attributes[4]), entity_protocol_iscsi);
    EXPECT_EQ(address_value(m->attributes[5]), "127.0.0.1");
    EXPECT_EQ(u32_value(m->attributes[9]), node_type::initiator);

    r.portal_address = "not-an-address";
    EXPECT_EQ(dev_attr_reg(r).error(), make_error_code(errc::bad_address));
}

TEST(IsnsMessages, TheQueryAsksForTargetsAndTheirPortalGroups)
{
    auto m = query_targets(me);
    EXPECT_EQ(tags(m), (std::vector<std::uint32_t>{32, 33, 0, 32, 33, 34, 16, 17, 48, 49, 50, 51}));
    EXPECT_EQ(u32_value(m.attributes[1]), node_type::target);
    for (std::size_t i = 3; i < m.attributes.size(); ++i)
        EXPECT_TRUE(m.attributes[i].value.empty()) << "operating attribute " << i << " asks, it does not set";
}

TEST(IsnsMessages, DeregistrationNamesTheEntity)
{
    auto m = dev_dereg(me, "isns.entity.0001");
    EXPECT_EQ(tags(m), (std::vector<std::uint32_t>{32, 0, 1}));
    EXPECT_EQ(string_value(m.attributes[2]), "isns.entity.0001");
    EXPECT_EQ(tags(dev_dereg(me, "")), (std::vector<std::uint32_t>{32, 0, 32}));
}

TEST(IsnsMessages, RegistrationResponseGivesTheAssignedEntity)
{
    // What isnsd 0.101 answered to dev_attr_reg.
    auto rsp = response({name(tag::entity_identifier, "isns.entity.0001"), empty_attribute(tag::delimiter),
                         name(tag::entity_identifier, "isns.entity.0001"), u32(tag::entity_protocol, 2),
                         u32(tag::registration_period, 600)});
    rsp.fn = function::dev_attr_reg;
    auto r = parse_registration(rsp);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->entity_id, "isns.entity.0001");
    EXPECT_EQ(r->registration_period, 600U);
}

TEST(IsnsMessages, TargetsAreReachedThroughTheirPortalGroups)
{
    // The layout isnsd 0.101 answers query_targets() with: the echoed key,
    // then per node its name and type, its entity's portals, and a Portal
    // Group per portal. t2 has two portals, one with PGT 2.
    auto rsp = response({
        u32(tag::iscsi_node_type, 1), empty_attribute(tag::delimiter),
        name(tag::iscsi_name, "iqn.2026-12.test:t1"), u32(tag::iscsi_node_type, 1),
        compatible_ip(tag::portal_ip_address, 127, 0, 0, 1), u32(tag::portal_port, 3260),
        name(tag::pg_iscsi_name, "iqn.2026-12.test:t1"), compatible_ip(tag::pg_portal_ip_address, 127, 0, 0, 1),
        u32(tag::pg_portal_port, 3260), u32(tag::pg_tag, 1),
        name(tag::iscsi_name, "iqn.2026-12.test:t2"), u32(tag::iscsi_node_type, 1),
        name(tag::iscsi_alias, "second"),
        ip(tag::portal_ip_address, "127.0.0.2"), u32(tag::portal_port, 3260),
        name(tag::pg_iscsi_name, "iqn.2026-12.test:t2"), ip(tag::pg_portal_ip_address, "127.0.0.2"),
        u32(tag::pg_portal_port, 3260), u32(tag::pg_tag, 1),
        ip(tag::portal_ip_address, "2001:db8::3"), u32(tag::portal_port, 3261),
        name(tag::pg_iscsi_name, "iqn.2026-12.test:t2"), ip(tag::pg_portal_ip_address, "2001:db8::3"),
        u32(tag::pg_portal_port, 3261), u32(tag::pg_tag, 2),
    });
    auto r = parse_targets(rsp);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 2U);
    EXPECT_EQ((*r)[0], (target_record{"iqn.2026-12.test:t1", {{"127.0.0.1", 3260, 1}}, ""}));
    EXPECT_EQ((*r)[1], (target_record{"iqn.2026-12.test:t2",
                                      {{"127.0.0.2", 3260, 1}, {"2001:db8::3", 3261, 2}},
                                      "second"}));
}

TEST(IsnsMessages, ANullPgtClosesThePortalAndNoGroupsMeansEveryListedPortal)
{
    // §3.4: a PG with a NULL PGT says the portal does not reach the node.
    // A node with no PG at all is reached through its entity's portals.
    auto rsp = response({
        u32(tag::iscsi_node_type, 1), empty_attribute(tag::delimiter),
        name(tag::iscsi_name, "iqn.2026-12.test:closed"), u32(tag::iscsi_node_type, 1),
        ip(tag::portal_ip_address, "127.0.0.1"), u32(tag::portal_port, 3260),
        name(tag::pg_iscsi_name, "iqn.2026-12.test:closed"), ip(tag::pg_portal_ip_address, "127.0.0.1"),
        u32(tag::pg_portal_port, 3260), empty_attribute(tag::pg_tag),
        name(tag::iscsi_name, "iqn.2026-12.test:open"), u32(tag::iscsi_node_type, 1),
        ip(tag::portal_ip_address, "127.0.0.9"), u32(tag::portal_port, 3260),
        name(tag::iscsi_name, "iqn.2026-12.test:someone"), u32(tag::iscsi_node_type, 2),
    });
    auto r = parse_targets(rsp);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 2U) << "the initiator node is not a target";
    EXPECT_TRUE((*r)[0].portals.empty());
    EXPECT_EQ((*r)[1].portals, (std::vector<portal>{{"127.0.0.9", 3260, std::nullopt}}));
}

TEST(IsnsMessages, ARefusalNamesTheStatus)
{
    diagnostics d;
    auto r = parse_targets(response({}, 7), &d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::query_refused));
    EXPECT_EQ(d.message, "query: Source Absent");
}

TEST(IsnsMessages, HostileLayoutsAreRefusedWithTheReason)
{
    struct bad_case {
        std::vector<attribute> attrs;
        errc want;
    };
    std::vector<bad_case> const cases{
        {{u32(tag::iscsi_node_type, 1)}, errc::bad_response_layout}, // a type before any node
        {{u32(tag::pg_tag, 1)}, errc::bad_response_layout},
        {{name(tag::iscsi_name, "iqn.2026-12.test:t"), attribute{33, {std::byte{1}}}}, errc::bad_attribute_value},
        {{attribute{32, {std::byte{'a'}, std::byte{'b'}, std::byte{'c'}, std::byte{'d'}}}}, errc::bad_attribute_value},
        {{name(tag::iscsi_name, "iqn.2026-12.test:t"), u32(tag::iscsi_node_type, 1),
          attribute{16, {std::byte{127}, std::byte{0}, std::byte{0}, std::byte{1}}}},
         errc::bad_attribute_value},
        {{name(tag::iscsi_name, "not a name"), u32(tag::iscsi_node_type, 1)}, errc::bad_attribute_value},
        {{name(tag::pg_iscsi_name, "iqn.2026-12.test:t"), u32(tag::pg_tag, 0x10000)}, errc::bad_attribute_value},
    };
    for (auto const& c : cases) {
        diagnostics d;
        auto r = parse_targets(response(c.attrs), &d);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), make_error_code(c.want)) << d.message;
        EXPECT_FALSE(d.message.empty());
    }
}

TEST(IsnsMessages, TooManyTargetsAreRefused)
{
    std::vector<attribute> attrs;
    for (std::size_t i = 0; i <= max_targets; ++i) {
        attrs.push_back(name(tag::iscsi_name, "iqn.2026-12.test:t" + std::to_string(i)));
        attrs.push_back(u32(tag::iscsi_node_type, 1));
    }
    EXPECT_EQ(parse_targets(response(attrs)).error(), make_error_code(errc::too_many_objects));
}

} // namespace
} // namespace iscsi::discovery::isns
