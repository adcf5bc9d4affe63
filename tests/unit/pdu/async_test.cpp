#include "iscsi/pdu/async.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(AsyncMessage, RoundTrips)
{
    auto const p = test::sample_async_message();
    auto const back = decode_async_message(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(AsyncMessage, FieldsFollowSection11_9)
{
    auto const raw = encode(test::sample_async_message());
    EXPECT_EQ(raw.bhs[0], std::byte{0x32});
    EXPECT_EQ(raw.task_tag(), reserved_itt);
    EXPECT_EQ(raw.bhs[36], std::byte{2});   // AsyncEvent: connection drop
    EXPECT_EQ(raw.bhs[39], std::byte{3});   // Parameter1: CID
    EXPECT_EQ(raw.bhs[41], std::byte{2});   // Parameter2: Time2Wait
    EXPECT_EQ(raw.bhs[43], std::byte{20});  // Parameter3: Time2Retain
    ASSERT_EQ(raw.data.size(), 2U + 6 + 2);
    EXPECT_EQ(raw.data[1], std::byte{6});   // SenseLength
}

TEST(AsyncMessage, NoSenseNoData)
{
    async_message p;
    p.event = async_event::logout_requested;
    p.parameter3 = 5;
    auto const raw = encode(p);
    EXPECT_TRUE(raw.data.empty());
    auto const back = decode_async_message(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, p);
}

TEST(AsyncMessage, SenseLengthOverrunIsMalformed)
{
    auto raw = encode(test::sample_async_message());
    raw.data[1] = std::byte{9};
    EXPECT_EQ(decode_async_message(raw).error(), errc::malformed);
}

} // namespace
} // namespace iscsi::pdu
