#include "iscsi/kernel/session_params.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iscsi::kernel {
namespace {

session_settings node()
{
    session_settings s;
    s.target_name = "iqn.2026-12.org.example:disk";
    s.persistent_address = "127.0.0.1";
    s.persistent_port = 3260;
    s.initiator_name = "iqn.2026-12.org.example:host";
    s.username = "alice";
    return s;
}

std::string value_of(std::vector<param_setting> const& all, param p)
{
    auto it = std::find_if(all.begin(), all.end(), [&](param_setting const& x) { return x.id == p; });
    return it == all.end() ? std::string("<absent>") : it->value;
}

TEST(SessionParams, NegotiatedValuesAndExpStatSnAsDecimalText)
{
    text::negotiated_params n;
    n.header_digest = text::digest::crc32c;
    n.max_recv_data_segment_length = 262144;
    n.max_xmit_data_segment_length = 65536;
    n.initial_r2t = false;
    n.first_burst_length = 65536;
    n.max_burst_length = 1048576;
    n.target_portal_group_tag = 7;
    auto all = connection_params(node(), n, 0xfffffff0U);
    EXPECT_EQ(value_of(all, param::hdrdgst_en), "1");
    EXPECT_EQ(value_of(all, param::datadgst_en), "0");
    EXPECT_EQ(value_of(all, param::max_recv_dlength), "262144");
    EXPECT_EQ(value_of(all, param::max_xmit_dlength), "65536");
    EXPECT_EQ(value_of(all, param::initial_r2t_en), "0");
    EXPECT_EQ(value_of(all, param::max_burst), "1048576");
    EXPECT_EQ(value_of(all, param::exp_statsn), "4294967280"); // unsigned, as the kernel parses %u
    EXPECT_EQ(value_of(all, param::tpgt), "7");
}

TEST(SessionParams, TpgtFallsBackToTheRecordsWhenTheTargetDeclaredNone)
{
    auto s = node();
    s.tpgt = 3;
    EXPECT_EQ(value_of(connection_params(s, {}, 1), param::tpgt), "3");
}

TEST(SessionParams, EmptyStringsAreLeftOutAndSecretsNeverSent)
{
    auto all = connection_params(node(), {}, 1);
    EXPECT_EQ(value_of(all, param::username_in), "<absent>");
    EXPECT_EQ(value_of(all, param::username), "alice");
    EXPECT_EQ(value_of(all, param::password), "<absent>");
    EXPECT_EQ(value_of(all, param::password_in), "<absent>");
}

TEST(SessionParams, IdentityFirstThenNegotiatedKeysThenExpStatSn)
{
    auto all = connection_params(node(), {}, 1);
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.front().id, param::target_name);
    auto pos = [&](param p) {
        return std::find_if(all.begin(), all.end(), [&](param_setting const& x) { return x.id == p; }) - all.begin();
    };
    EXPECT_LT(pos(param::initiator_name), pos(param::max_recv_dlength));
    EXPECT_LT(pos(param::erl), pos(param::exp_statsn));
    EXPECT_EQ(value_of(all, param::ping_tmo), "5");
    EXPECT_EQ(value_of(all, param::sess_recovery_tmo), "120");
}

} // namespace
} // namespace iscsi::kernel
