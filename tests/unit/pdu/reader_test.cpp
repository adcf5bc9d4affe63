#include "iscsi/pdu/reader.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

// Records the largest single allocation while a test asks for it, to show
// the reader checks peer lengths before it sizes buffers from them.
namespace {
bool g_track_allocations = false;
std::size_t g_largest_allocation = 0;
} // namespace

void* operator new(std::size_t n)
{
    if (g_track_allocations && n > g_largest_allocation) g_largest_allocation = n;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc{};
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace iscsi::pdu {
namespace {

constexpr digest_options all_digest_options[] = {{false, false}, {true, false}, {false, true}, {true, true}};

struct fed {
    std::vector<raw_pdu> pdus;
    std::error_code ec;
    std::size_t consumed = 0;
};

/// Feeds each chunk in turn, taking PDUs as they complete.
fed feed(reader& r, std::vector<std::span<std::byte const>> const& chunks, diagnostics* diag = nullptr)
{
    fed out;
    for (auto chunk : chunks) {
        while (!chunk.empty()) {
            std::size_t const n = r.put(chunk, out.ec, diag);
            out.consumed += n;
            chunk = chunk.subspan(n);
            if (r.has_pdu()) out.pdus.push_back(r.take());
            if (out.ec) return out;
            if (n == 0) {
                ADD_FAILURE() << "put() made no progress";
                return out;
            }
        }
    }
    return out;
}

fed feed_all(reader& r, std::span<std::byte const> stream, diagnostics* diag = nullptr)
{
    return feed(r, {stream}, diag);
}

/// What pdu_stream does: `step` bytes at a time, alternately written in
/// place into data_space() (inside a data segment) and given to put().
fed feed_mixed(reader& r, std::vector<std::byte> const& stream, std::size_t step)
{
    fed out;
    bool direct = false;
    for (std::size_t i = 0; i < stream.size() && !out.ec;) {
        std::size_t const n0 = std::min(step, stream.size() - i);
        direct = !direct;
        if (direct && r.data_remaining() > 0) {
            auto room = r.data_space();
            EXPECT_EQ(room.empty(), false);
            std::size_t const n = std::min(n0, room.size());
            std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(i), n, room.begin());
            r.data_filled(n);
            i += n;
        } else {
            i += r.put(std::span{stream}.subspan(i, n0), out.ec);
        }
        if (r.has_pdu()) out.pdus.push_back(r.take());
    }
    return out;
}

std::vector<std::byte> stream_of(std::vector<raw_pdu> const& pdus, digest_options d)
{
    std::vector<std::byte> out;
    for (auto const& p : pdus) serialize(p, d, out);
    return out;
}

std::string describe(digest_options d)
{
    return std::string{"header digest "} + (d.header ? "on" : "off") + ", data digest " + (d.data ? "on" : "off");
}

reader_limits roomy() { return {.max_data_segment_length = 65536, .max_ahs_length = 1024}; }

TEST(Reader, FramesEveryPduOfAStreamFedAtOnce)
{
    auto const pdus = test::all_samples_encoded();
    for (auto d : all_digest_options) {
        reader r{roomy(), d};
        auto const stream = stream_of(pdus, d);
        auto const got = feed_all(r, stream);
        EXPECT_FALSE(got.ec) << describe(d) << ": " << got.ec.message();
        EXPECT_EQ(got.pdus, pdus) << describe(d);
        EXPECT_TRUE(r.idle());
    }
}

TEST(Reader, FramesEveryPduFedOneByteAtATime)
{
    auto const pdus = test::all_samples_encoded();
    for (auto d : all_digest_options) {
        auto const stream = stream_of(pdus, d);
        std::vector<std::span<std::byte const>> chunks;
        for (std::size_t i = 0; i < stream.size(); ++i) chunks.push_back(std::span{stream}.subspan(i, 1));
        reader r{roomy(), d};
        auto const got = feed(r, chunks);
        EXPECT_FALSE(got.ec) << describe(d);
        EXPECT_EQ(got.pdus, pdus) << describe(d);
    }
}

TEST(Reader, FramesEveryPduAtEveryTwoWaySplit)
{
    auto const pdus = test::all_samples_encoded();
    for (auto d : all_digest_options) {
        auto const stream = stream_of(pdus, d);
        std::span<std::byte const> const all{stream};
        for (std::size_t split = 0; split <= stream.size(); ++split) {
            reader r{roomy(), d};
            auto const got = feed(r, {all.first(split), all.subspan(split)});
            ASSERT_FALSE(got.ec) << describe(d) << ", split at " << split;
            ASSERT_EQ(got.pdus, pdus) << describe(d) << ", split at " << split;
        }
    }
}

/// What pdu_stream does for large segments, at every step size and mixed
/// with put(): data written into data_space() frames the same PDUs, digests
/// included.
TEST(Reader, DataReadInPlaceFramesTheSamePdusMixedWithPut)
{
    auto const pdus = test::all_samples_encoded();
    for (auto d : all_digest_options) {
        auto const stream = stream_of(pdus, d);
        for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{64}, std::size_t{5000}}) {
            reader r{roomy(), d};
            auto const got = feed_mixed(r, stream, step);
            ASSERT_FALSE(got.ec) << describe(d) << ", step " << step << ": " << got.ec.message();
            ASSERT_EQ(got.pdus, pdus) << describe(d) << ", step " << step;
        }
    }
}

/// Direct placement: every data segment goes to caller pieces (three of
/// uneven sizes), through put() and data_space() alike, at every step size;
/// digests are checked over the placed bytes.
TEST(Reader, PlacedDataLandsInTheCallersPiecesAndPassesTheDigest)
{
    auto const pdus = test::all_samples_encoded();
    for (auto d : all_digest_options) {
        auto const stream = stream_of(pdus, d);
        for (std::size_t step : {std::size_t{1}, std::size_t{5}, std::size_t{4096}}) {
            reader r{roomy(), d};
            std::vector<std::vector<std::byte>> buffers; // one per placed PDU, filled in three pieces
            r.set_placement([&](raw_pdu const& h) {
                std::size_t const n = h.data_segment_length();
                auto& buf = buffers.emplace_back(n);
                std::span<std::byte> const all{buf};
                std::size_t const a = n / 3, b = n / 2;
                return std::vector<std::span<std::byte>>{all.first(a), all.subspan(a, b - a), all.subspan(b)};
            });
            auto const fed_pdus = feed_mixed(r, stream, step);
            ASSERT_FALSE(fed_pdus.ec) << describe(d) << ", step " << step << ": " << fed_pdus.ec.message();
            auto const& got = fed_pdus.pdus;
            ASSERT_EQ(got.size(), pdus.size());
            std::size_t placed = 0;
            for (std::size_t k = 0; k < pdus.size(); ++k) {
                EXPECT_EQ(got[k].bhs, pdus[k].bhs);
                if (pdus[k].data.empty()) continue;
                ASSERT_TRUE(got[k].data_placed) << k;
                EXPECT_TRUE(got[k].data.empty());
                ASSERT_LT(placed, buffers.size());
                EXPECT_EQ(buffers[placed++], pdus[k].data) << describe(d) << ", step " << step << ", PDU " << k;
            }
        }
    }
}

TEST(Reader, PlacementOfTheWrongSizeKeepsTheDataInThePdu)
{
    auto const pdus = test::all_samples_encoded();
    reader r{roomy(), {}};
    std::vector<std::byte> small(1);
    r.set_placement([&](raw_pdu const&) { return std::vector<std::span<std::byte>>{small}; });
    auto const got = feed_all(r, stream_of(pdus, {}));
    ASSERT_FALSE(got.ec);
    for (auto const& p : got.pdus) EXPECT_FALSE(p.data_placed && !p.data.empty());
    EXPECT_EQ(got.pdus.size(), pdus.size());
    for (std::size_t k = 0; k < pdus.size(); ++k) {
        if (pdus[k].data.size() != 1) {
            EXPECT_EQ(got.pdus[k].data, pdus[k].data) << k;
        }
    }
}

TEST(Reader, DataSpaceIsEmptyOutsideADataSegment)
{
    reader r{roomy(), {}};
    EXPECT_EQ(r.data_remaining(), 0U);
    EXPECT_TRUE(r.data_space().empty());
}

TEST(Reader, StopsRightAfterEachPdu)
{
    auto const first = encode(test::sample_login_response());
    auto const second = encode(test::sample_nop_in());
    auto const stream = stream_of({first, second}, {});
    reader r;
    std::error_code ec;
    std::size_t const n = r.put(stream, ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(n, wire_size(first, {}));
    ASSERT_TRUE(r.has_pdu());
    EXPECT_EQ(r.put(std::span{stream}.subspan(n), ec), 0U);  // waits for take()
    EXPECT_EQ(r.take(), first);
    EXPECT_EQ(r.put(std::span{stream}.subspan(n), ec), wire_size(second, {}));
    EXPECT_EQ(r.take(), second);
}

TEST(Reader, DigestsSwitchedOnAfterLoginApplyFromTheNextPdu)
{
    // §13.1 / §6.2: digests start with the first PDU after the final Login
    // Response, which itself travels without them.
    auto const login = encode(test::sample_login_response());
    auto const nop = encode(test::sample_nop_in());
    std::vector<std::byte> stream;
    serialize(login, {}, stream);
    serialize(nop, {true, true}, stream);

    reader r;
    std::error_code ec;
    std::size_t const half = 20;
    std::size_t n = r.put(std::span{stream}.first(half), ec);
    r.set_digests({true, true});  // mid-PDU: must not affect the login response
    n += r.put(std::span{stream}.subspan(n), ec);
    ASSERT_FALSE(ec);
    ASSERT_TRUE(r.has_pdu());
    EXPECT_EQ(r.take(), login);
    n += r.put(std::span{stream}.subspan(n), ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_TRUE(r.has_pdu());
    EXPECT_EQ(r.take(), nop);
    EXPECT_EQ(n, stream.size());
}

TEST(Reader, NewLimitsApplyFromTheNextPdu)
{
    auto const big = encode(test::sample_data_in());  // 511 data bytes
    auto const stream = stream_of({big, big}, {});
    reader r;
    std::error_code ec;
    std::size_t n = r.put(std::span{stream}.first(10), ec);
    r.set_limits({.max_data_segment_length = 100, .max_ahs_length = 0});
    n += r.put(std::span{stream}.subspan(n), ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(r.take(), big);
    r.put(std::span{stream}.subspan(n), ec);
    EXPECT_EQ(ec, errc::data_segment_too_long);
}

TEST(Reader, ZeroLengthPduCompletesAtTheEndOfItsHeader)
{
    auto const raw = encode(test::sample_r2t());
    for (auto d : all_digest_options) {
        auto const stream = stream_of({raw}, d);
        reader r{{}, d};
        std::error_code ec;
        EXPECT_EQ(r.put(stream, ec), d.header ? bhs_size + 4 : bhs_size);
        EXPECT_TRUE(r.has_pdu()) << describe(d);
    }
}

TEST(Reader, CorruptHeaderDigestIsAHeaderDigestError)
{
    auto const raw = encode(test::sample_scsi_command());
    auto stream = stream_of({raw}, {true, true});
    std::size_t const digest_at = bhs_size + raw.ahs.size();
    stream[digest_at + 2] ^= std::byte{0x01};
    reader r{{}, {true, true}};
    diagnostics d;
    auto const got = feed_all(r, stream, &d);
    EXPECT_EQ(got.ec, errc::header_digest_error);
    EXPECT_EQ(got.consumed, digest_at + 4);
    EXPECT_TRUE(got.pdus.empty());
    EXPECT_NE(d.message.find("Header digest"), std::string::npos);
    EXPECT_EQ(recovery_for(got.ec), recovery::drop_connection);

    // The reader is finished: a framing error drops the connection.
    std::error_code ec;
    EXPECT_EQ(r.put(stream, ec), 0U);
    EXPECT_EQ(ec, errc::reader_failed);
}

TEST(Reader, CorruptBhsFieldIsAHeaderDigestError)
{
    auto stream = stream_of({encode(test::sample_nop_in())}, {true, false});
    stream[17] ^= std::byte{0x80};  // a bit of the ITT
    reader r{{}, {true, false}};
    EXPECT_EQ(feed_all(r, stream).ec, errc::header_digest_error);
}

TEST(Reader, CorruptDataIsADataDigestErrorAndTheStreamGoesOn)
{
    auto const bad = encode(test::sample_data_in());
    auto const next = encode(test::sample_nop_in());
    auto stream = stream_of({bad, next}, {true, true});
    stream[bhs_size + 4 + 100] ^= std::byte{0x10};
    reader r{{}, {true, true}};
    diagnostics d;
    std::error_code ec;
    std::size_t const n = r.put(stream, ec, &d);
    EXPECT_EQ(ec, errc::data_digest_error);
    EXPECT_EQ(n, wire_size(bad, {true, true}));
    EXPECT_FALSE(r.has_pdu());
    EXPECT_EQ(r.discarded_bhs(), bad.bhs);
    EXPECT_NE(d.message.find("Data digest"), std::string::npos);
    EXPECT_EQ(recovery_for(ec), recovery::reject_pdu);

    // §7.8: the framing survived, so the next PDU is read normally.
    EXPECT_EQ(r.put(std::span{stream}.subspan(n), ec), wire_size(next, {true, true}));
    EXPECT_FALSE(ec);
    ASSERT_TRUE(r.has_pdu());
    EXPECT_EQ(r.take(), next);
}

TEST(Reader, CorruptDataDigestBytesAreADataDigestError)
{
    auto stream = stream_of({encode(test::sample_nop_out())}, {false, true});
    stream.back() ^= std::byte{0xff};
    reader r{{}, {false, true}};
    EXPECT_EQ(feed_all(r, stream).ec, errc::data_digest_error);
}

TEST(Reader, OversizeDataSegmentFailsAtTheEndOfTheBhsWithoutAllocating)
{
    raw_pdu raw = encode(test::sample_data_in());
    raw.bhs[5] = std::byte{0xff};  // DataSegmentLength 16 MiB - 1
    raw.bhs[6] = std::byte{0xff};
    raw.bhs[7] = std::byte{0xff};
    std::vector<std::byte> stream(raw.bhs.begin(), raw.bhs.end());
    stream.resize(stream.size() + 100000, std::byte{0x5a});

    reader r;  // MaxRecvDataSegmentLength 8192
    diagnostics d;
    std::error_code ec;
    g_largest_allocation = 0;
    g_track_allocations = true;
    std::size_t const n = r.put(stream, ec, &d);
    g_track_allocations = false;
    EXPECT_EQ(ec, errc::data_segment_too_long);
    EXPECT_EQ(n, bhs_size);  // nothing past the BHS was taken
    EXPECT_LT(g_largest_allocation, 1024U);  // only the diagnostics text
    EXPECT_NE(d.message.find("16777215"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("8192"), std::string::npos) << d.message;
}

TEST(Reader, DataSegmentAtTheLimitIsAccepted)
{
    data_in p = test::sample_data_in();
    p.data = test::counting(8192);
    reader r;
    auto const got = feed_all(r, stream_of({encode(p)}, {}));
    EXPECT_FALSE(got.ec);
    ASSERT_EQ(got.pdus.size(), 1U);
    EXPECT_EQ(got.pdus[0].data.size(), 8192U);
}

TEST(Reader, OversizeAhsFailsAtTheEndOfTheBhsWithoutAllocating)
{
    auto const raw = encode(test::sample_scsi_command());  // 28 AHS bytes
    auto const stream = stream_of({raw}, {});
    reader r{{.max_data_segment_length = 8192, .max_ahs_length = 16}};
    diagnostics d;
    std::error_code ec;
    g_largest_allocation = 0;
    g_track_allocations = true;
    std::size_t const n = r.put(stream, ec, &d);
    g_track_allocations = false;
    EXPECT_EQ(ec, errc::ahs_too_long);
    EXPECT_EQ(n, bhs_size);
    EXPECT_LT(g_largest_allocation, 28U + 100);
    EXPECT_NE(d.message.find("28"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("16"), std::string::npos) << d.message;
}

TEST(Reader, UnknownOpcodesAreFramedButNotDecoded)
{
    raw_pdu raw;
    raw.bhs[0] = std::byte{0x1c};
    raw.data = test::counting(5);
    auto const stream = stream_of({raw, encode(test::sample_nop_in())}, {true, true});
    reader r{{}, {true, true}};
    auto const got = feed_all(r, stream);
    ASSERT_FALSE(got.ec);
    ASSERT_EQ(got.pdus.size(), 2U);
    EXPECT_EQ(got.pdus[0].data, raw.data);
    EXPECT_EQ(decode_target_pdu(got.pdus[0]).error(), errc::unknown_opcode);
    EXPECT_TRUE(decode_target_pdu(got.pdus[1]));
}

TEST(Reader, FramedPdusDecodeToWhatWasEncoded)
{
    // The transcript a connection sees: typed PDU → wire → reader → typed PDU.
    for (auto const& p : test::all_target_samples()) {
        reader r{roomy(), {true, true}};
        auto const got = feed_all(r, stream_of({encode(p)}, {true, true}));
        ASSERT_EQ(got.pdus.size(), 1U);
        auto const back = decode_target_pdu(got.pdus[0]);
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_EQ(*back, p);
    }
}

} // namespace
} // namespace iscsi::pdu
