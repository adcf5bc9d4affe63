// The fixture behind the ffp_connection transcripts: plays the target with
// pdu_builders and hands back what the connection sent, decoded.
#pragma once

#include "iscsi/session/ffp_connection.hpp"

#include "iscsi/session/errors.hpp"

#include "support/pdu_builders.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>

namespace iscsi::session::test {

using namespace iscsi::test;

/// What a login against LIO with open-iscsi's defaults leaves behind, with
/// the window ExpCmdSN 10..MaxCmdSN 41 and the next StatSN 100.
inline ffp_params lio_params()
{
    ffp_params p;
    p.params.initial_r2t = true;
    p.params.immediate_data = true;
    p.params.max_recv_data_segment_length = 262144;
    p.params.max_xmit_data_segment_length = 8192;
    p.params.max_burst_length = 262144;
    p.params.first_burst_length = 65536;
    p.cmd_sn = cmdsn{10};
    p.exp_cmd_sn = cmdsn{10};
    p.max_cmd_sn = cmdsn{41};
    p.exp_stat_sn = statsn{100};
    return p;
}

inline constexpr std::uint32_t block = 512;

/// READ(10) of `blocks` 512-byte blocks from LUN 1.
inline scsi_request read_request(std::uint16_t blocks)
{
    return {lun::from_index(1), scsi::read10(0, blocks, block), {}};
}

/// WRITE(10) of `blocks` 512-byte blocks of pattern() data to LUN 1.
inline scsi_request write_request(std::uint16_t blocks)
{
    return {lun::from_index(1), scsi::write10(0, blocks, block), pattern(std::size_t{blocks} * block)};
}

/// A command with no data (TEST UNIT READY), to fill the command window.
inline scsi_request tur_request() { return {lun::from_index(1), scsi::test_unit_ready(), {}}; }

class connection_transcript : public ::testing::Test {
protected:
    void open(ffp_params p = lio_params()) { conn_.emplace(std::move(p)); }
    ffp_connection& conn() { return *conn_; }

    /// The next PDU the connection hands out, taken as the driver would:
    /// written at once (on_written), its borrowed bytes copied in for
    /// decoding.
    std::optional<pdu::raw_pdu> transmit()
    {
        auto raw = conn_->poll_transmit();
        if (!raw) return raw;
        conn_->on_written(std::span{&*raw, 1});
        raw->own_data();
        return raw;
    }
    /// The next PDU the connection sent; a failure if there is none.
    pdu::raw_pdu sent_raw()
    {
        auto raw = transmit();
        if (!raw) {
            ADD_FAILURE() << "the initiator sent nothing; " << failure();
            return {};
        }
        return std::move(*raw);
    }
    template <class Pdu>
    Pdu sent()
    {
        return expect_pdu<Pdu>(sent_raw());
    }
    [[nodiscard]] bool sent_nothing() { return !transmit().has_value(); }

    template <class Builder>
    void feed(Builder const& b)
    {
        conn_->handle_pdu(b.build());
    }

    /// The next completion; a failure if there is none.
    completion completed()
    {
        auto c = conn_->poll_completion();
        if (!c) {
            ADD_FAILURE() << "no task completed; " << failure();
            return {};
        }
        return std::move(*c);
    }
    [[nodiscard]] bool nothing_completed() { return !conn_->poll_completion().has_value(); }

    /// The outcome of a completion of the given kind; a failure otherwise.
    template <class Outcome>
    static Outcome outcome_of(completion const& c)
    {
        if (auto const* o = std::get_if<Outcome>(&c.outcome)) return *o;
        ADD_FAILURE() << "the completion carries another kind of outcome";
        return {};
    }

    [[nodiscard]] std::string failure() const
    {
        return "connection error: " + conn_->error().message() + " (" + conn_->diag().message + ")";
    }

    std::optional<ffp_connection> conn_;
};

} // namespace iscsi::session::test
