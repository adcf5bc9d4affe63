// lun_device over an in-memory LU: byte-exact reads and writes at every
// alignment, splitting at the LU's transfer limit, zeroing and discard with
// and without WRITE SAME, errors mapped to errno, concurrent partial writes.
#include "iscsi/blockdev/lun_device.hpp"

#include "fake_lu.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

namespace iscsi::blockdev::test {
namespace {

constexpr std::uint32_t bs = 512;

std::vector<std::byte> random_bytes(std::size_t n, std::uint32_t seed)
{
    std::mt19937 gen(seed);
    std::vector<std::byte> v(n);
    for (auto& b : v) b = static_cast<std::byte>(gen());
    return v;
}

class LunDevice : public ::testing::Test {
protected:
    void open()
    {
        auto d = lun_device::open(lu.executor(), lun::from_index(1));
        ASSERT_TRUE(d) << d.error().message();
        dev = std::move(*d);
        dev->on_error = [this](std::string const& s) { errors.push_back(s); };
    }
    fake_lu lu{64, bs};
    std::unique_ptr<lun_device> dev;
    std::vector<std::string> errors;
};

TEST_F(LunDevice, OpenReadsCapacityAndTheVpdLimits)
{
    lu.max_transfer_blocks = 16;
    lu.lbpws = true;
    open();
    EXPECT_EQ(dev->geom().blocks, 64U);
    EXPECT_EQ(dev->geom().block_size, bs);
    EXPECT_EQ(dev->size(), 64U * bs);
    EXPECT_EQ(dev->geom().max_transfer_blocks, 16U);
    EXPECT_TRUE(dev->geom().write_same_unmap);
}

TEST_F(LunDevice, EveryOffsetAndLengthAroundABlockBoundaryReadsBackExactly)
{
    open();
    auto model = random_bytes(64 * bs, 1);
    lu.fill(model);
    std::uint32_t seed = 2;
    for (std::uint64_t offset = 0; offset <= 2 * bs; ++offset) {
        for (std::size_t len : {std::size_t{1}, std::size_t{bs - 1}, std::size_t{bs}, std::size_t{bs + 1}, std::size_t{3 * bs + 7}}) {
            auto data = random_bytes(len, seed++);
            ASSERT_FALSE(dev->write(offset, data)) << offset << "+" << len;
            std::copy(data.begin(), data.end(), model.begin() + static_cast<std::ptrdiff_t>(offset));
            std::vector<std::byte> back(len);
            ASSERT_FALSE(dev->read(offset, back));
            ASSERT_EQ(back, data) << offset << "+" << len;
        }
    }
    EXPECT_EQ(lu.contents(), model) << "bytes outside the written ranges survived every read-modify-write";
}

TEST_F(LunDevice, LargeRequestsAreSplitAtTheMaximumTransferLength)
{
    lu.max_transfer_blocks = 16;
    open();
    auto data = random_bytes(50 * bs, 3);
    ASSERT_FALSE(dev->write(0, data));
    EXPECT_EQ(lu.count(scsi::opcode::write16), 4U) << "16 + 16 + 16 + 2 blocks";
    EXPECT_EQ(lu.largest_transfer(), 16U);
    std::vector<std::byte> back(data.size());
    ASSERT_FALSE(dev->read(0, back));
    EXPECT_EQ(back, data);
}

TEST_F(LunDevice, DiscardZeroesPartialEndsAndDeallocatesTheMiddle)
{
    lu.lbpws = true;
    open();
    auto model = random_bytes(64 * bs, 4);
    lu.fill(model);
    ASSERT_FALSE(dev->zero_range(100, 10 * bs, true));
    std::fill(model.begin() + 100, model.begin() + 100 + 10 * bs, std::byte{0});
    EXPECT_EQ(lu.contents(), model);
    EXPECT_EQ(lu.count(scsi::opcode::write_same16), 1U);
    EXPECT_EQ(lu.unmapped_write_sames(), 1U) << "LBPWS: WRITE SAME with UNMAP";
}

TEST_F(LunDevice, ZeroRangeWithoutDeallocationNeverUnmaps)
{
    lu.lbpws = true;
    open();
    lu.fill(random_bytes(64 * bs, 5));
    ASSERT_FALSE(dev->zero_range(0, 64 * bs, false));
    EXPECT_EQ(lu.contents(), std::vector<std::byte>(64 * bs));
    EXPECT_EQ(lu.unmapped_write_sames(), 0U);
}

TEST_F(LunDevice, RefusedWriteSameFallsBackToWritingZerosOnce)
{
    lu.write_same = false;
    open();
    lu.fill(random_bytes(64 * bs, 6));
    ASSERT_FALSE(dev->zero_range(0, 8 * bs, true));
    ASSERT_FALSE(dev->zero_range(32 * bs, 8 * bs, true));
    auto const c = lu.contents();
    EXPECT_EQ(std::vector<std::byte>(c.begin(), c.begin() + 8 * bs), std::vector<std::byte>(8 * bs));
    EXPECT_EQ(std::vector<std::byte>(c.begin() + 32 * bs, c.begin() + 40 * bs), std::vector<std::byte>(8 * bs));
    EXPECT_EQ(lu.count(scsi::opcode::write_same16), 1U) << "not asked again after ILLEGAL REQUEST";
}

TEST_F(LunDevice, RangesBeyondTheEndAreRefusedBeforeAnyCommand)
{
    open();
    std::vector<std::byte> buf(20);
    auto const before = lu.count(scsi::opcode::write16) + lu.count(scsi::opcode::read16);
    EXPECT_EQ(dev->write(64 * bs - 10, buf), errc::beyond_end);
    EXPECT_EQ(dev->read(64 * bs + 1, buf), errc::beyond_end);
    EXPECT_EQ(dev->zero_range(0, 64 * bs + 1, true), errc::beyond_end);
    EXPECT_EQ(to_errno(make_error_code(errc::beyond_end)), ENOSPC);
    EXPECT_EQ(lu.count(scsi::opcode::write16) + lu.count(scsi::opcode::read16), before);
}

TEST_F(LunDevice, WriteProtectedLunIsErofsAndTheErrorIsDescribedOnce)
{
    lu.write_protected = true;
    open();
    auto ec = dev->write(0, random_bytes(bs, 7));
    EXPECT_EQ(ec, errc::write_protected);
    EXPECT_EQ(to_errno(ec), EROFS);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors[0].find("WRITE(16) of blocks 0+1"), std::string::npos) << errors[0];
    EXPECT_NE(errors[0].find("Data Protect"), std::string::npos) << errors[0];
}

TEST_F(LunDevice, ConcurrentPartialWritesToOneBlockLoseNothing)
{
    open();
    constexpr unsigned threads = 8;
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([this, t] {
            for (unsigned round = 0; round < 200; ++round) {
                std::vector<std::byte> mine(bs / threads, static_cast<std::byte>(t * 16 + round % 16));
                EXPECT_FALSE(dev->write(t * (bs / threads), mine));
            }
        });
    }
    for (auto& th : pool) th.join();
    auto const c = lu.contents();
    for (unsigned t = 0; t < threads; ++t)
        for (unsigned i = 0; i < bs / threads; ++i)
            ASSERT_EQ(c[t * (bs / threads) + i], static_cast<std::byte>(t * 16 + 199 % 16)) << "thread " << t;
}

} // namespace
} // namespace iscsi::blockdev::test
