#include "iscsi/pdu/reject.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(Reject, RoundTrips)
{
    auto const p = test::sample_reject();
    auto const back = decode_reject(encode(p));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, p);
}

TEST(Reject, CarriesTheRejectedHeaderAsData)
{
    auto const raw = encode(test::sample_reject());
    EXPECT_EQ(raw.bhs[2], std::byte{0x09});
    EXPECT_EQ(raw.task_tag(), reserved_itt);  // §11.17
    EXPECT_EQ(raw.data.size(), bhs_size);
    auto const back = decode_reject(raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(rejected_task_tag(*back), itt{0x2000});
}

TEST(Reject, ShortRejectedHeaderHasNoTaskTag)
{
    auto p = test::sample_reject();
    p.rejected_header.resize(20);
    EXPECT_FALSE(rejected_task_tag(p));
}

} // namespace
} // namespace iscsi::pdu
