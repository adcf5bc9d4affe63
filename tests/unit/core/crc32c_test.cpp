#include "iscsi/core/crc32c.hpp"

#include "iscsi/core/byte_io.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace iscsi {
namespace {

TEST(Crc32c, CheckValue) { EXPECT_EQ(crc32c::of(as_bytes("123456789")), 0xE3069283U); }

// RFC 7143 Appendix B.4 test vectors.
TEST(Crc32c, Rfc7143AppendixB4)
{
    std::vector<std::byte> zeros(32, std::byte{0});
    EXPECT_EQ(crc32c::of(zeros), 0x8A9136AAU);
    std::vector<std::byte> ones(32, std::byte{0xff});
    EXPECT_EQ(crc32c::of(ones), 0x62A8AB43U);
    std::vector<std::byte> inc(32);
    for (std::size_t i = 0; i < 32; ++i) inc[i] = static_cast<std::byte>(i);
    EXPECT_EQ(crc32c::of(inc), 0x46DD794EU);
    std::vector<std::byte> dec(32);
    for (std::size_t i = 0; i < 32; ++i) dec[i] = static_cast<std::byte>(31 - i);
    EXPECT_EQ(crc32c::of(dec), 0x113FDB5CU);
}

TEST(Crc32c, IncrementalEqualsOneShotAtEverySplit)
{
    auto const msg = as_bytes("The quick brown fox jumps over the lazy dog");
    for (std::size_t split = 0; split <= msg.size(); ++split) {
        crc32c c;
        c.update(msg.first(split)).update(msg.subspan(split));
        EXPECT_EQ(c.value(), crc32c::of(msg)) << "split at " << split;
    }
}

TEST(Crc32c, DigestIsLittleEndianOnTheWire)
{
    std::array<std::byte, 4> b{};
    store_digest(b, 0x8A9136AAU);
    EXPECT_EQ(b[0], std::byte{0xaa});
    EXPECT_EQ(b[3], std::byte{0x8a});
    EXPECT_EQ(load_digest(b), 0x8A9136AAU);
}

} // namespace
} // namespace iscsi
