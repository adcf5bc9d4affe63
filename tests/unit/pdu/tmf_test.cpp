#include "iscsi/pdu/tmf.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(TaskMgmtRequest, RoundTrips)
{
    auto const p = test::sample_task_mgmt_request();
    auto const back = decode_task_mgmt_request(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(TaskMgmtRequest, FunctionSitsBelowTheFinalBit)
{
    auto p = test::sample_task_mgmt_request();
    p.function = tmf_function::logical_unit_reset;
    auto const raw = encode(p);
    EXPECT_EQ(raw.bhs[0], std::byte{0x42});
    EXPECT_EQ(raw.bhs[1], std::byte{0x85});
    EXPECT_EQ(raw.bhs[23], std::byte{0x00});  // Referenced Task Tag 0x1000
    EXPECT_EQ(raw.bhs[22], std::byte{0x10});
}

TEST(TaskMgmtRequest, UnknownFunctionStillDecodes)
{
    // A target answers "function not supported" (§11.6.1), so it must see it.
    auto raw = encode(test::sample_task_mgmt_request());
    raw.bhs[1] = std::byte{0x80 | 0x2a};
    auto const back = decode_task_mgmt_request(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(static_cast<unsigned>(back->function), 0x2aU);
}

TEST(TaskMgmtResponse, RoundTrips)
{
    auto const p = test::sample_task_mgmt_response();
    auto const back = decode_task_mgmt_response(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(TaskMgmtResponse, DataSegmentIsMalformed)
{
    auto raw = encode(test::sample_task_mgmt_response());
    raw.data = test::counting(1);
    raw.bhs[7] = std::byte{1};
    EXPECT_EQ(decode_task_mgmt_response(raw).error(), errc::malformed);
}

} // namespace
} // namespace iscsi::pdu
