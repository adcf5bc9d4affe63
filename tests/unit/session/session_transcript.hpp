// The fixture behind the session_machine transcripts (RFC 7143 §6.3.5,
// §7.1.1, §8.3): the driver's part is played by hand with a manual clock,
// the target's with pdu_builders.
#pragma once

#include "iscsi/session/session_machine.hpp"

#include "iscsi/pdu/login.hpp"
#include "iscsi/pdu/logout.hpp"
#include "iscsi/pdu/nop.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/text.hpp"
#include "iscsi/pdu/tmf.hpp"
#include "iscsi/session/errors.hpp"

#include "support/pdu_builders.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace iscsi::session::test {

using namespace iscsi::test;
using namespace std::chrono_literals;

constexpr auto security = pdu::stage::security_negotiation;
constexpr auto operational = pdu::stage::login_operational_negotiation;
constexpr auto full_feature = pdu::stage::full_feature_phase;
constexpr isid our_isid = isid::from_u48(0x80123456'0007);
inline time_point const t0 = time_point{} + 1h;

class counting_random final : public auth::random_source {
public:
    void fill(std::span<std::byte> out) override
    {
        for (auto& b : out) b = static_cast<std::byte>(next_++ & 0xffU);
    }

private:
    unsigned next_ = 1;
};

inline session_config config()
{
    session_config c;
    c.portal = {"192.0.2.10", 3260, std::nullopt};
    c.login.initiator_name = "iqn.2024-01.org.example:initiator";
    c.login.target_name = "iqn.2024-01.org.example:target";
    c.login.isid_ = our_isid;
    c.connect_timeout = 3s;
    c.noop_out_interval = 5s;
    c.noop_out_timeout = 2s;
    c.replacement_timeout = 30s;
    c.reconnect_interval = 500ms;
    c.logout_timeout = 4s;
    c.command_timeout = 20s;
    c.abort_timeout = 3s;
    c.lu_reset_timeout = 4s;
    c.tgt_reset_timeout = 5s;
    return c;
}

/// What the target answers to our operational offer; Time2Wait 2 s.
inline text::key_values target_answers()
{
    return {{"HeaderDigest", "None"},       {"DataDigest", "None"},       {"MaxConnections", "1"},
            {"InitialR2T", "Yes"},          {"ImmediateData", "Yes"},     {"MaxRecvDataSegmentLength", "8192"},
            {"MaxBurstLength", "262144"},   {"FirstBurstLength", "65536"}, {"DefaultTime2Wait", "2"},
            {"DefaultTime2Retain", "0"},    {"MaxOutstandingR2T", "1"},   {"DataPDUInOrder", "Yes"},
            {"DataSequenceInOrder", "Yes"}, {"ErrorRecoveryLevel", "0"}};
}

inline scsi_request tur() { return {lun::from_index(1), scsi::test_unit_ready(), {}}; }

class SessionMachine : public ::testing::Test {
protected:
    SessionMachine() : m_(config(), rng_) {}

    /// The next action; a PDU is taken as the driver would: written at once
    /// (on_written), its borrowed bytes copied in for decoding.
    session_action next()
    {
        auto a = m_.poll_action();
        if (!a) {
            ADD_FAILURE() << "no action; ended=" << m_.ended() << " " << m_.error().message();
            return disconnect{};
        }
        if (auto* p = std::get_if<pdu::raw_pdu>(&*a); p && !p->data_ref.empty()) {
            m_.on_written(std::span{p, 1}, now_);
            p->own_data();
        }
        return std::move(*a);
    }
    pdu::raw_pdu sent_raw()
    {
        auto a = next();
        if (auto* p = std::get_if<pdu::raw_pdu>(&a)) return std::move(*p);
        ADD_FAILURE() << "expected a PDU, got action #" << a.index();
        return {};
    }
    template <class Pdu>
    Pdu sent()
    {
        return expect_pdu<Pdu>(sent_raw());
    }
    void expect_connect()
    {
        auto a = next();
        ASSERT_TRUE(std::holds_alternative<connect_to>(a)) << "action #" << a.index();
        EXPECT_EQ(std::get<connect_to>(a).portal.address, "192.0.2.10");
    }
    void expect_disconnect()
    {
        auto a = next();
        EXPECT_TRUE(std::holds_alternative<disconnect>(a)) << "action #" << a.index();
    }
    bool idle() { return !m_.poll_action().has_value(); }

    template <class Builder>
    void feed(Builder const& b)
    {
        m_.on_pdu(b.build(), now_);
    }

    /// Connects and plays a two-round-trip login; the target answers with
    /// `tsih` and the window starting at `cmd_sn`. Returns the leading request.
    pdu::login_request log_in(std::uint16_t tsih_value, std::uint32_t cmd_sn = 1, std::uint32_t stat_sn = 100)
    {
        m_.on_connected(now_);
        auto leading = sent<pdu::login_request>();
        feed(login_response()
                 .isid(our_isid)
                 .stage(security, operational)
                 .transit()
                 .stat_sn(stat_sn)
                 .keys({{"AuthMethod", "None"}, {"TargetPortalGroupTag", "1"}}));
        (void)sent<pdu::login_request>();
        feed(login_response()
                 .isid(our_isid)
                 .stage(operational, full_feature)
                 .transit()
                 .stat_sn(stat_sn + 1)
                 .tsih(tsih_value)
                 .window(cmd_sn, cmd_sn + 31)
                 .keys(target_answers()));
        auto a = next();
        EXPECT_TRUE(std::holds_alternative<configure_stream>(a)) << "digests apply from the next PDU";
        return leading;
    }

    void start_and_log_in()
    {
        m_.start(now_);
        expect_connect();
        log_in(7);
        ASSERT_EQ(m_.state(), session_state::logged_in);
        auto n = m_.poll_notice();
        ASSERT_TRUE(n);
        EXPECT_EQ(n->what, session_notice::kind::logged_in);
    }

    std::optional<session_notice::kind> notice()
    {
        auto n = m_.poll_notice();
        return n ? std::optional{n->what} : std::nullopt;
    }

    counting_random rng_;
    session_machine m_;
    time_point now_ = t0;
};

} // namespace iscsi::session::test
