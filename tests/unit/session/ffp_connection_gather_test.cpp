// Writes from the caller's buffers (scsi_request::write_from) without a
// copy: the PDUs borrow the bytes (raw_pdu::data_ref), and a command must
// not complete while a PDU still borrowing its buffers waits to be written,
// even when the target answers first (§11.4.7.2 lets it end a command with
// CHECK CONDITION before all its data has arrived).
#include "iscsi/session/ffp_connection.hpp"

#include "connection_transcript.hpp"

#include "iscsi/pdu/data.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iscsi::session::test {
namespace {

using FfpConnection = connection_transcript;

/// True when every piece of `p`'s borrowed segment lies inside `buffer`.
bool borrows_from(pdu::raw_pdu const& p, std::span<std::byte const> buffer)
{
    if (p.data_ref.empty() || !p.data.empty()) return false;
    return std::ranges::all_of(p.data_ref, [&](auto piece) {
        return piece.data() >= buffer.data() && piece.data() + piece.size() <= buffer.data() + buffer.size();
    });
}

/// WRITE(10) of 16 KiB from one caller buffer; InitialR2T=No and
/// ImmediateData=Yes, so it goes out as the command with 8 KiB of
/// immediate data and one unsolicited Data-Out of 8 KiB.
class GatherWrite : public FfpConnection {
protected:
    void SetUp() override
    {
        auto p = lio_params();
        p.params.initial_r2t = false;
        open(p);
        auto req = write_request(32);
        req.data_out.clear();
        req.write_from = {std::span<std::byte const>{source}};
        tag = conn().submit(std::move(req));
    }
    std::vector<std::byte> const source = pattern(16384);
    itt tag{};
};

TEST_F(GatherWrite, PdusBorrowTheCallersBytesInsteadOfCopyingThem)
{
    auto cmd = conn().poll_transmit();
    auto out = conn().poll_transmit();
    ASSERT_TRUE(cmd && out);
    EXPECT_TRUE(borrows_from(*cmd, source));
    EXPECT_TRUE(borrows_from(*out, source));
    EXPECT_EQ(cmd->data_size(), 8192U);
    EXPECT_EQ(cmd->data_segment_length(), 8192U) << "the BHS announces the borrowed length";
    EXPECT_EQ(out->data_size(), 8192U);
    // Once copied in, they are the PDUs a copying initiator would send.
    out->own_data();
    auto d = expect_pdu<pdu::data_out>(*out);
    EXPECT_EQ(d.buffer_offset, 8192U);
    EXPECT_TRUE(std::equal(d.data.begin(), d.data.end(), source.begin() + 8192));
}

TEST_F(GatherWrite, AnEarlyResponseWaitsUntilTheBorrowedDataIsWritten)
{
    auto cmd = conn().poll_transmit();
    auto out = conn().poll_transmit();
    ASSERT_TRUE(cmd && out);
    conn().on_written(std::span{&*cmd, 1});
    // The target ends the command before the Data-Out left this side.
    feed(scsi_response().itt(tag.value()).stat_sn(100).status(0x02));
    EXPECT_TRUE(nothing_completed()) << "the Data-Out still points into the caller's buffer";
    conn().on_written(std::span{&*out, 1});
    auto done = completed();
    EXPECT_EQ(done.tag, tag);
    EXPECT_EQ(outcome_of<scsi_outcome>(done).status, 0x02);
}

TEST_F(GatherWrite, ALaterResponseCompletesAtOnce)
{
    while (transmit()) {
    }
    feed(scsi_response().itt(tag.value()).stat_sn(100));
    EXPECT_EQ(completed().tag, tag);
}

TEST_F(GatherWrite, ALostConnectionGivesBackACommandHeldForItsData)
{
    auto cmd = conn().poll_transmit();
    auto out = conn().poll_transmit();
    ASSERT_TRUE(cmd && out);
    feed(scsi_response().itt(tag.value()).stat_sn(100).status(0x02));
    EXPECT_TRUE(nothing_completed());
    // ERL 0: the answer went with the connection; the command runs again.
    auto retry = conn().take_scsi_requests(errc::connection_closed);
    ASSERT_EQ(retry.size(), 1U);
    EXPECT_EQ(retry[0].first, tag);
    EXPECT_EQ(retry[0].second.write_length(), 16384U);
    EXPECT_TRUE(nothing_completed());
}

TEST_F(GatherWrite, FailingEverythingReleasesHeldCompletions)
{
    (void)conn().poll_transmit();
    (void)conn().poll_transmit();
    feed(scsi_response().itt(tag.value()).stat_sn(100).status(0x02));
    conn().fail_all(errc::connection_closed);
    auto done = completed();
    EXPECT_EQ(done.tag, tag);
    EXPECT_EQ(outcome_of<scsi_outcome>(done).status, 0x02) << "the command did complete";
}

TEST_F(GatherWrite, AHeldCommandKeepsItsTaskTag)
{
    (void)conn().poll_transmit();
    auto out = conn().poll_transmit();
    ASSERT_TRUE(out);
    feed(scsi_response().itt(tag.value()).stat_sn(100).status(0x02));
    // A new task must not take the ITT whose PDU is still on its way.
    itt const next = conn().submit(read_request(1));
    EXPECT_NE(next, tag);
}

} // namespace
} // namespace iscsi::session::test
