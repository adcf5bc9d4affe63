#include "iscsi/session/ffp_connection.hpp"

#include "connection_transcript.hpp"

#include "iscsi/pdu/data.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"

#include <gtest/gtest.h>

#include <tuple>

// SCSI command transcripts of the full feature phase at ERL 0 (RFC 7143
// §11.3 - §11.8): reads with Data-In and phase collapse, writes with
// immediate, unsolicited and R2T-solicited data. Window, text, NOP, logout,
// Reject and Async Message are in ffp_connection_control_test.cpp.
namespace iscsi::session::test {
namespace {

using FfpConnection = connection_transcript;

// ---------------------------------------------------------------- reads (§11.7)

TEST_F(FfpConnection, ReadWithDataInPdusAndStatusInTheLast)
{
    open();
    itt const tag = conn().submit(read_request(4));
    auto cmd = sent<pdu::scsi_command>();
    EXPECT_EQ(cmd.itt_, tag);
    EXPECT_TRUE(cmd.read);
    EXPECT_FALSE(cmd.write);
    EXPECT_TRUE(cmd.final);
    EXPECT_EQ(cmd.expected_data_transfer_length, 2048U);
    EXPECT_EQ(cmd.cmd_sn, cmdsn{10});
    EXPECT_EQ(cmd.exp_stat_sn, statsn{100});
    EXPECT_EQ(cmd.lun_, lun::from_index(1));
    EXPECT_EQ(cmd.cdb.at(0), std::byte{0x28}) << "READ(10)";
    EXPECT_TRUE(sent_nothing());

    auto const data = pattern(2048, 7);
    feed(data_in().itt(tag.value()).data_sn(0).offset(0).window(11, 41).data({data.begin(), data.begin() + 1000}));
    feed(data_in().itt(tag.value()).data_sn(1).offset(1000).window(11, 41)
             .data({data.begin() + 1000, data.begin() + 1500}));
    EXPECT_TRUE(nothing_completed());
    // §11.7.4 phase collapse: the last Data-In carries the status (S=1), no
    // SCSI Response follows.
    feed(data_in().itt(tag.value()).data_sn(2).offset(1500).stat_sn(100).window(11, 41).status(0x00)
             .data({data.begin() + 1500, data.end()}));

    auto done = completed();
    EXPECT_EQ(done.tag, tag);
    EXPECT_FALSE(done.error) << done.error.message();
    auto out = outcome_of<scsi_outcome>(done);
    EXPECT_EQ(out.status, 0x00);
    EXPECT_EQ(out.data, data);
    EXPECT_FALSE(out.underflow);
    EXPECT_EQ(conn().exp_stat_sn(), statsn{101}) << "status advanced StatSN";
    EXPECT_EQ(conn().outstanding(), 0U);
    EXPECT_FALSE(conn().error());
}

TEST_F(FfpConnection, ReadWithSeparateScsiResponseReportsUnderflow)
{
    open();
    itt const tag = conn().submit(read_request(4));
    (void)sent_raw();
    feed(data_in().itt(tag.value()).data_sn(0).offset(0).final().data(pattern(1536)));
    EXPECT_TRUE(nothing_completed()) << "no status yet";
    // §11.4.5: the target moved 512 bytes fewer than EDTL.
    feed(scsi_response().itt(tag.value()).stat_sn(100).window(11, 41).exp_data_sn(1).underflow(512));

    auto done = completed();
    ASSERT_FALSE(done.error) << done.error.message();
    auto out = outcome_of<scsi_outcome>(done);
    EXPECT_EQ(out.data, pattern(1536)) << "trimmed to what the target sent";
    EXPECT_TRUE(out.underflow);
    EXPECT_FALSE(out.overflow);
    EXPECT_EQ(out.residual, 512U);
    EXPECT_EQ(conn().exp_stat_sn(), statsn{101});
}

TEST_F(FfpConnection, CheckConditionDeliversSense)
{
    open();
    itt const tag = conn().submit(read_request(1));
    (void)sent_raw();
    // Fixed-format sense (SPC-4 §4.5.3): NOT READY, MEDIUM NOT PRESENT.
    std::vector<std::byte> sense(18);
    sense[0] = std::byte{0x70};
    sense[2] = std::byte{0x02};
    sense[7] = std::byte{10};
    sense[12] = std::byte{0x3a};
    feed(scsi_response().itt(tag.value()).stat_sn(100).status(0x02).sense(sense).underflow(512));

    auto done = completed();
    EXPECT_FALSE(done.error) << "CHECK CONDITION is a SCSI outcome, not a transport error";
    auto out = outcome_of<scsi_outcome>(done);
    EXPECT_EQ(out.response, pdu::service_response::command_completed);
    EXPECT_EQ(out.status, 0x02);
    EXPECT_EQ(out.sense, sense);
    EXPECT_TRUE(out.data.empty());
}

TEST_F(FfpConnection, DataInBeyondTheBufferIsDataOverrun)
{
    open();
    itt const tag = conn().submit(read_request(2)); // 1024 bytes
    (void)sent_raw();
    feed(data_in().itt(tag.value()).data_sn(0).offset(512).data(pattern(1024)));
    EXPECT_EQ(conn().error(), errc::data_overrun);
    EXPECT_EQ(recovery_for(conn().error()), recovery::drop_connection);
    EXPECT_TRUE(nothing_completed()) << "the owner fails the tasks with fail_all()";
    EXPECT_EQ(conn().outstanding(), 1U);
}

TEST_F(FfpConnection, DataSnGapIsASequenceErrorAtErl0)
{
    open();
    itt const tag = conn().submit(read_request(4));
    (void)sent_raw();
    feed(data_in().itt(tag.value()).data_sn(0).offset(0).data(pattern(512)));
    EXPECT_FALSE(conn().error());
    // DataSN 1 went missing: ERL 0 has no SNACK to recover it.
    feed(data_in().itt(tag.value()).data_sn(2).offset(1024).data(pattern(512)));
    EXPECT_EQ(conn().error(), errc::sequence_error);
    EXPECT_NE(conn().diag().message.find("expected 1"), std::string::npos) << conn().diag().message;
}

TEST_F(FfpConnection, DataInForAWriteIsDataOverrun)
{
    open();
    itt const tag = conn().submit(write_request(1));
    (void)sent_raw();
    feed(data_in().itt(tag.value()).data_sn(0).data(pattern(16)));
    EXPECT_EQ(conn().error(), errc::data_overrun);
}

// ---------------------------------------------------------------- writes (§11.7, §11.8, §13.10-§13.14)

TEST_F(FfpConnection, WriteWithImmediateUnsolicitedAndSolicitedData)
{
    auto p = lio_params();
    p.params.immediate_data = true;
    p.params.initial_r2t = false;
    p.params.max_xmit_data_segment_length = 4096;
    p.params.first_burst_length = 16384;
    p.params.max_burst_length = 65536;
    open(p);
    auto const data = pattern(32768);
    itt const tag = conn().submit(write_request(64));

    // Immediate data: min(EDTL, FirstBurstLength, MaxXmitDataSegmentLength).
    auto cmd = sent<pdu::scsi_command>();
    EXPECT_TRUE(cmd.write);
    EXPECT_FALSE(cmd.final) << "§11.3.1: unsolicited Data-Out follows";
    EXPECT_EQ(cmd.expected_data_transfer_length, 32768U);
    EXPECT_EQ(cmd.data, std::vector<std::byte>(data.begin(), data.begin() + 4096));

    // Unsolicited Data-Out up to FirstBurstLength: one sequence, TTT
    // 0xffffffff, F on its last PDU (§11.7.1).
    for (std::uint32_t i = 0; i < 3; ++i) {
        auto out = sent<pdu::data_out>();
        SCOPED_TRACE("unsolicited Data-Out " + std::to_string(i));
        EXPECT_EQ(out.itt_, tag);
        EXPECT_EQ(out.ttt_, reserved_ttt);
        EXPECT_EQ(out.data_sn, datasn{i});
        EXPECT_EQ(out.buffer_offset, 4096 * (i + 1));
        EXPECT_EQ(out.final, i == 2);
        EXPECT_EQ(out.lun_, lun::from_index(1));
        EXPECT_EQ(out.data, std::vector<std::byte>(data.begin() + 4096 * (i + 1), data.begin() + 4096 * (i + 2)));
    }
    EXPECT_TRUE(sent_nothing()) << "the rest waits for an R2T";

    // The target solicits the rest; Data-Out PDUs are no larger than the
    // target's MaxRecvDataSegmentLength and DataSN restarts at 0 (§11.7.5).
    feed(r2t().itt(tag.value()).ttt(0x1234).r2t_sn(0).stat_sn(100).window(11, 41).range(16384, 16384));
    for (std::uint32_t i = 0; i < 4; ++i) {
        auto out = sent<pdu::data_out>();
        SCOPED_TRACE("solicited Data-Out " + std::to_string(i));
        EXPECT_EQ(out.ttt_, ttt{0x1234});
        EXPECT_EQ(out.data_sn, datasn{i});
        EXPECT_EQ(out.buffer_offset, 16384 + 4096 * i);
        EXPECT_LE(out.data.size(), 4096U);
        EXPECT_EQ(out.final, i == 3);
        EXPECT_EQ(out.data, std::vector<std::byte>(data.begin() + 16384 + 4096 * i,
                                                   data.begin() + 16384 + 4096 * (i + 1)));
    }
    EXPECT_TRUE(sent_nothing());

    feed(scsi_response().itt(tag.value()).stat_sn(100).window(11, 41));
    auto done = completed();
    EXPECT_FALSE(done.error);
    EXPECT_EQ(outcome_of<scsi_outcome>(done).status, 0x00);
}

TEST_F(FfpConnection, R2tSplitsBurstByMaxXmitDataSegmentLength)
{
    auto p = lio_params();
    p.params.max_xmit_data_segment_length = 1000; // not a divisor of the burst
    open(p);
    itt const tag = conn().submit(write_request(8)); // 4096 bytes, 1000 immediate
    auto cmd = sent<pdu::scsi_command>();
    EXPECT_EQ(cmd.data.size(), 1000U);
    EXPECT_TRUE(cmd.final) << "InitialR2T=Yes: no unsolicited Data-Out";
    feed(r2t().itt(tag.value()).ttt(9).range(1000, 3096));
    std::vector<std::uint32_t> sizes;
    std::uint32_t next = 1000;
    for (auto raw = transmit(); raw; raw = transmit()) {
        auto out = expect_pdu<pdu::data_out>(*raw);
        EXPECT_EQ(out.buffer_offset, next);
        next += static_cast<std::uint32_t>(out.data.size());
        sizes.push_back(static_cast<std::uint32_t>(out.data.size()));
    }
    EXPECT_EQ(sizes, (std::vector<std::uint32_t>{1000, 1000, 1000, 96}));
}

TEST_F(FfpConnection, R2tBeyondExpectedDataTransferLengthIsBadR2t)
{
    open();
    itt const tag = conn().submit(write_request(4)); // 2048 bytes
    (void)sent_raw();
    feed(r2t().itt(tag.value()).ttt(1).range(1024, 2048));
    EXPECT_EQ(conn().error(), errc::bad_r2t);
    EXPECT_TRUE(sent_nothing()) << "no data for a bad R2T";
}

TEST_F(FfpConnection, R2tAboveMaxBurstLengthIsBadR2t)
{
    auto p = lio_params();
    p.params.immediate_data = false;
    p.params.max_burst_length = 8192;
    open(p);
    itt const tag = conn().submit(write_request(32)); // 16384 bytes
    (void)sent_raw();
    // §11.8.4: DesiredDataTransferLength MUST NOT exceed MaxBurstLength.
    feed(r2t().itt(tag.value()).ttt(1).range(0, 16384));
    EXPECT_EQ(conn().error(), errc::bad_r2t);
}

TEST_F(FfpConnection, R2tForAReadIsBadR2t)
{
    open();
    itt const tag = conn().submit(read_request(4));
    (void)sent_raw();
    feed(r2t().itt(tag.value()).ttt(1).range(0, 512));
    EXPECT_EQ(conn().error(), errc::bad_r2t);
}

// All four combinations of InitialR2T × ImmediateData (§13.10, §13.11): what
// goes with the command, what follows unsolicited, and what an R2T gets.
class WriteDataModes : public connection_transcript,
                       public ::testing::WithParamInterface<std::tuple<bool, bool, bool>> {};

TEST_P(WriteDataModes, SendEveryByteOnceInTheRightPhase)
{
    auto const [initial_r2t, immediate_data, gather] = GetParam();
    auto p = lio_params();
    p.params.initial_r2t = initial_r2t;
    p.params.immediate_data = immediate_data;
    p.params.max_xmit_data_segment_length = 8192;
    p.params.first_burst_length = 16384;
    open(p);
    std::uint32_t const edtl = 32768;
    std::uint32_t const immediate = immediate_data ? 8192 : 0;
    std::uint32_t const unsolicited_end = initial_r2t ? immediate : 16384;

    // Gather: the data in three caller buffers whose edges fall inside PDUs.
    auto const source = pattern(edtl);
    scsi_request req = write_request(64);
    if (gather) {
        std::span<std::byte const> const all{source};
        req.data_out.clear();
        req.write_from = {all.first(5000), all.subspan(5000, 12000), all.subspan(17000)};
    }
    itt const tag = conn().submit(std::move(req));
    std::vector<std::byte> received(edtl);
    std::vector<bool> seen(edtl, false);
    auto take = [&](std::uint32_t offset, std::vector<std::byte> const& d) {
        for (std::size_t i = 0; i < d.size(); ++i) {
            EXPECT_FALSE(seen[offset + i]) << "byte " << offset + i << " sent twice";
            seen[offset + i] = true;
            received[offset + i] = d[i];
        }
    };

    auto cmd = sent<pdu::scsi_command>();
    EXPECT_EQ(cmd.data.size(), immediate);
    EXPECT_EQ(cmd.final, unsolicited_end == immediate) << "F=0 only when unsolicited Data-Out follows";
    take(0, cmd.data);

    std::uint32_t unsolicited = 0;
    for (auto raw = transmit(); raw; raw = transmit()) {
        auto out = expect_pdu<pdu::data_out>(*raw);
        EXPECT_EQ(out.ttt_, reserved_ttt);
        EXPECT_EQ(out.final, out.buffer_offset + out.data.size() == unsolicited_end);
        unsolicited += static_cast<std::uint32_t>(out.data.size());
        take(out.buffer_offset, out.data);
    }
    EXPECT_EQ(unsolicited, unsolicited_end - immediate);

    feed(r2t().itt(tag.value()).ttt(0x77).range(unsolicited_end, edtl - unsolicited_end));
    for (auto raw = transmit(); raw; raw = transmit()) {
        auto out = expect_pdu<pdu::data_out>(*raw);
        EXPECT_EQ(out.ttt_, ttt{0x77});
        EXPECT_LE(out.data.size(), 8192U);
        take(out.buffer_offset, out.data);
    }
    EXPECT_EQ(received, pattern(edtl));
    EXPECT_FALSE(conn().error()) << failure();
}

INSTANTIATE_TEST_SUITE_P(InitialR2TxImmediateData, WriteDataModes,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool(), ::testing::Bool()),
                         [](auto const& param_info) {
                             return std::string(std::get<0>(param_info.param) ? "InitialR2TYes" : "InitialR2TNo") +
                                    (std::get<1>(param_info.param) ? "ImmediateDataYes" : "ImmediateDataNo") +
                                    (std::get<2>(param_info.param) ? "GatherList" : "");
                         });

} // namespace
} // namespace iscsi::session::test

namespace iscsi::session::test {
namespace {

// A write whose data does not match its Expected Data Transfer Length could
// only be sent wrongly (short Data-Out or reading past the buffer): it fails
// at once and nothing reaches the wire.
TEST_F(connection_transcript, WriteDataSizeMustMatchTheTransferLength)
{
    open();
    auto req = write_request(8);
    req.data_out.pop_back(); // one byte short (pop_back: GCC 12 under ASan misreads resize(size() - 1))
    itt const tag = conn().submit(std::move(req));
    EXPECT_TRUE(sent_nothing());
    auto c = completed();
    EXPECT_EQ(c.tag, tag);
    EXPECT_EQ(c.error, errc::invalid_request);
    EXPECT_FALSE(conn().error()) << "the connection itself is fine";
}

} // namespace
} // namespace iscsi::session::test

namespace iscsi::session::test {
namespace {

TEST_F(connection_transcript, DataOutAndAGatherListTogetherAreInvalid)
{
    open();
    auto req = write_request(1);
    auto const more = pattern(512);
    req.write_from = {more};
    (void)conn().submit(std::move(req));
    EXPECT_TRUE(sent_nothing());
    EXPECT_EQ(completed().error, errc::invalid_request);
}

TEST_F(connection_transcript, GatherListOfTheWrongLengthIsInvalid)
{
    open();
    auto req = write_request(2); // 1024 bytes expected
    auto const piece = pattern(1000);
    req.data_out.clear();
    req.write_from = {piece};
    (void)conn().submit(std::move(req));
    EXPECT_TRUE(sent_nothing());
    EXPECT_EQ(completed().error, errc::invalid_request);
}

} // namespace
} // namespace iscsi::session::test
