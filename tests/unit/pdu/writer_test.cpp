#include "iscsi/pdu/writer.hpp"

#include "samples.hpp"

#include "iscsi/core/crc32c.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

using test::from_hex;

constexpr digest_options all_digest_options[] = {{false, false}, {true, false}, {false, true}, {true, true}};

std::vector<std::byte> wire(raw_pdu const& p, digest_options d)
{
    std::vector<std::byte> out;
    serialize(p, d, out);
    return out;
}

// §11.1 by hand: BHS, then 5 data bytes and 3 zero pad bytes, no digests.
TEST(Writer, PadsTheDataSegmentToFourBytes)
{
    login_request p;
    p.csg = stage::security_negotiation;
    p.itt_ = itt{2};
    p.data = test::bytes_of(std::string_view{"A=B\0X", 5});
    auto const expected = from_hex(
        "43 00 00 00 00 00 00 05 00 00 00 00 00 00 00 00"
        "00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00"
        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
        "41 3d 42 00 58 00 00 00");
    EXPECT_EQ(wire(encode(p), {}), expected);
}

TEST(Writer, DataDigestMatchesRfc7143AppendixB4)
{
    // B.4: 32 bytes of zeros have CRC32C 0x8A9136AA, sent as aa 36 91 8a.
    nop_out p;
    p.data.assign(32, std::byte{0});
    auto const out = wire(encode(p), {false, true});
    ASSERT_EQ(out.size(), bhs_size + 32 + 4);
    EXPECT_EQ(std::vector<std::byte>(out.end() - 4, out.end()), from_hex("aa 36 91 8a"));
}

TEST(Writer, HeaderDigestCoversBhsAndAhs)
{
    auto const raw = encode(test::sample_scsi_command());  // has 28 AHS bytes
    auto const out = wire(raw, {true, false});
    std::size_t const header = bhs_size + raw.ahs.size();
    std::uint32_t const crc = crc32c::of(std::span{out}.first(header));
    EXPECT_EQ(load_digest(std::span{out}.subspan(header, 4)), crc);
    // And the bytes themselves go least significant first (Appendix B.4).
    EXPECT_EQ(out[header], static_cast<std::byte>(crc & 0xffU));
}

TEST(Writer, DataDigestCoversThePadding)
{
    auto const raw = encode(test::sample_data_in());  // 511 bytes: one pad byte
    auto const out = wire(raw, {false, true});
    std::size_t const data_at = bhs_size;
    std::uint32_t const crc = crc32c::of(std::span{out}.subspan(data_at, 512));
    EXPECT_EQ(load_digest(std::span{out}.last(4)), crc);
    EXPECT_EQ(out[data_at + 511], std::byte{0});
}

TEST(Writer, NoDataSegmentMeansNoDataDigest)
{
    auto const raw = encode(test::sample_r2t());
    EXPECT_EQ(wire(raw, {false, true}).size(), bhs_size);
    EXPECT_EQ(wire(raw, {true, true}).size(), bhs_size + 4);
}

TEST(Writer, WireSizeIsWhatSerializeAppends)
{
    for (auto const& raw : test::all_samples_encoded())
        for (auto d : all_digest_options) {
            std::vector<std::byte> out(3, std::byte{0xee});  // serialize appends
            serialize(raw, d, out);
            EXPECT_EQ(out.size(), 3 + wire_size(raw, d)) << name_of(raw.op());
            EXPECT_EQ(out[0], std::byte{0xee});
        }
}

TEST(Writer, LengthFieldsComeFromTheContents)
{
    auto raw = encode(test::sample_text_request());
    raw.bhs[4] = std::byte{9};    // stale TotalAHSLength
    raw.bhs[7] = std::byte{0x77}; // stale DataSegmentLength
    auto const out = wire(raw, {});
    EXPECT_EQ(out[4], std::byte{0});
    EXPECT_EQ(load_be24(std::span{out}.subspan(5)), 16U);
}

TEST(Writer, ScatterGatherEqualsSerialize)
{
    for (auto const& raw : test::all_samples_encoded())
        for (auto d : all_digest_options) {
            std::vector<std::byte> gathered;
            serialize_header(raw, d, gathered);
            gathered.insert(gathered.end(), raw.data.begin(), raw.data.end());
            auto const trailer = make_trailer(raw.data, d);
            gathered.insert(gathered.end(), trailer.bytes().begin(), trailer.bytes().end());
            EXPECT_EQ(gathered, wire(raw, d)) << name_of(raw.op());
        }
}

} // namespace
} // namespace iscsi::pdu
