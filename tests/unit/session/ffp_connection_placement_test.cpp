// Reads into the caller's buffers (scsi_request::read_into): Data-In
// scattered over a list of buffers, and direct placement, where the reader
// asks placement_for() where a Data-In's payload goes before it arrives.
#include "iscsi/session/ffp_connection.hpp"

#include "connection_transcript.hpp"

#include "iscsi/pdu/data.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"

#include <gtest/gtest.h>

namespace iscsi::session::test {
namespace {

using FfpConnection = connection_transcript;

/// READ(10) of 8 blocks into two caller buffers of 1000 and 3096 bytes.
struct split_read {
    std::vector<std::byte> a = std::vector<std::byte>(1000);
    std::vector<std::byte> b = std::vector<std::byte>(3096);
    scsi_request request()
    {
        scsi_request r = read_request(8);
        r.read_into = {a, b};
        return r;
    }
    std::vector<std::byte> joined() const
    {
        std::vector<std::byte> out(a);
        out.insert(out.end(), b.begin(), b.end());
        return out;
    }
};

TEST_F(FfpConnection, DataInIsScatteredOverTheCallersBuffers)
{
    open();
    split_read bufs;
    itt const tag = conn().submit(bufs.request());
    (void)sent<pdu::scsi_command>();
    auto const data = pattern(4096, 3);
    feed(data_in().itt(tag.value()).data_sn(0).offset(0).window(11, 41).data({data.begin(), data.begin() + 1500}));
    feed(data_in().itt(tag.value()).data_sn(1).offset(1500).stat_sn(100).window(11, 41).status(0x00)
             .data({data.begin() + 1500, data.end()}));
    auto done = completed();
    ASSERT_FALSE(done.error) << failure();
    auto const out = outcome_of<scsi_outcome>(done);
    EXPECT_TRUE(out.data.empty()) << "the data went to the caller's buffers";
    EXPECT_EQ(out.received, 4096U);
    EXPECT_EQ(bufs.joined(), data);
}

TEST_F(FfpConnection, PlacementNamesThePiecesADataInCovers)
{
    open();
    split_read bufs;
    itt const tag = conn().submit(bufs.request());
    (void)sent<pdu::scsi_command>();
    auto const data = pattern(4096, 5);
    // The reader asks once the header of this Data-In (bytes 900..2900) is in.
    auto const header = data_in().itt(tag.value()).data_sn(0).offset(900).window(11, 41)
                            .data({data.begin() + 900, data.begin() + 2900}).build();
    auto where = conn().placement_for(header);
    ASSERT_EQ(where.size(), 2U) << "it straddles the two buffers";
    EXPECT_EQ(where[0].data(), bufs.a.data() + 900);
    EXPECT_EQ(where[0].size(), 100U);
    EXPECT_EQ(where[1].data(), bufs.b.data());
    EXPECT_EQ(where[1].size(), 1900U);

    // The reader wrote the payload there and hands over the PDU without it.
    std::copy_n(data.begin() + 900, 100, where[0].begin());
    std::copy_n(data.begin() + 1000, 1900, where[1].begin());
    pdu::raw_pdu placed = header;
    placed.data.clear();
    placed.data_placed = true;
    conn().handle_pdu(placed);
    EXPECT_FALSE(conn().error()) << failure();
    feed(data_in().itt(tag.value()).data_sn(1).offset(0).window(11, 41).data({data.begin(), data.begin() + 900}));
    feed(data_in().itt(tag.value()).data_sn(2).offset(2900).stat_sn(100).window(11, 41).status(0x00)
             .data({data.begin() + 2900, data.end()}));
    auto done = completed();
    ASSERT_FALSE(done.error) << failure();
    EXPECT_EQ(outcome_of<scsi_outcome>(done).received, 4096U);
    EXPECT_EQ(bufs.joined(), data);
}

TEST_F(FfpConnection, NoPlacementForReadsIntoTheOutcomeOrForOtherPdus)
{
    open();
    itt const plain = conn().submit(read_request(4));
    (void)sent_raw();
    auto const d = pattern(512);
    EXPECT_TRUE(conn().placement_for(data_in().itt(plain.value()).offset(0).data(d).build()).empty());
    EXPECT_TRUE(conn().placement_for(data_in().itt(99).offset(0).data(d).build()).empty()) << "unknown task";
    EXPECT_TRUE(conn().placement_for(scsi_response().itt(plain.value()).build()).empty());
}

TEST_F(FfpConnection, DataInBeyondTheReadBuffersIsDataOverrun)
{
    open();
    std::vector<std::byte> small(1000);
    scsi_request r = read_request(4); // 2048 bytes expected, 1000 of buffer
    r.read_into = {small};
    itt const tag = conn().submit(std::move(r));
    (void)sent_raw();
    auto const header = data_in().itt(tag.value()).offset(0).data(pattern(1500)).build();
    EXPECT_TRUE(conn().placement_for(header).empty()) << "nothing is placed past the buffers";
    conn().handle_pdu(header);
    EXPECT_EQ(conn().error(), errc::data_overrun);
}

} // namespace
} // namespace iscsi::session::test
