// The fixture behind the login_machine transcripts: plays the target's side
// with the pdu_builders and hands back what the machine sent, decoded.
#pragma once

#include "iscsi/login/login_machine.hpp"

#include "support/pdu_builders.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace iscsi::login::test {

using namespace iscsi::test;

inline constexpr auto security = pdu::stage::security_negotiation;
inline constexpr auto operational = pdu::stage::login_operational_negotiation;
inline constexpr auto full_feature = pdu::stage::full_feature_phase;

inline constexpr char initiator_iqn[] = "iqn.2024-01.org.example:initiator";
inline constexpr char target_iqn[] = "iqn.2024-01.org.example:target";
inline constexpr isid our_isid = isid::from_u48(0x80123456'0007);
inline time_point const t0 = time_point{} + std::chrono::hours(1);

/// Deterministic bytes for CHAP identifiers and challenges.
class counting_random final : public auth::random_source {
public:
    explicit counting_random(unsigned start) : next_(start) {}
    void fill(std::span<std::byte> out) override
    {
        for (auto& b : out) b = static_cast<std::byte>(next_++ & 0xffU);
    }

private:
    unsigned next_;
};

/// A Normal session to target_iqn without authentication.
inline login_params no_auth_params()
{
    login_params p;
    p.initiator_name = initiator_iqn;
    p.target_name = target_iqn;
    p.isid_ = our_isid;
    p.cid_ = cid{3};
    p.cmd_sn = cmdsn{10};
    return p;
}

inline auth::chap_credentials initiator_credentials() { return {"alice", auth::secret{"initiator-secret-1"}}; }
inline auth::chap_credentials target_credentials() { return {target_iqn, auth::secret{"target-secret-22"}}; }

inline login_params chap_params(bool mutual)
{
    login_params p = no_auth_params();
    p.chap = auth::chap_config{};
    p.chap->initiator = initiator_credentials();
    if (mutual) p.chap->target = target_credentials();
    return p;
}

/// What LIO answers to our default operational offer (§13), with its own
/// MaxRecvDataSegmentLength declaration.
inline text::key_values target_answers()
{
    return {{"HeaderDigest", "None"},       {"DataDigest", "None"},
            {"MaxConnections", "1"},        {"InitialR2T", "Yes"},
            {"ImmediateData", "Yes"},       {"MaxRecvDataSegmentLength", "8192"},
            {"MaxBurstLength", "262144"},   {"FirstBurstLength", "65536"},
            {"DefaultTime2Wait", "2"},      {"DefaultTime2Retain", "0"},
            {"MaxOutstandingR2T", "1"},     {"DataPDUInOrder", "Yes"},
            {"DataSequenceInOrder", "Yes"}, {"ErrorRecoveryLevel", "0"}};
}

class login_transcript : public ::testing::Test {
protected:
    void start(login_params p = no_auth_params())
    {
        machine_.emplace(std::move(p), rng_);
        machine_->start(t0);
    }

    login_machine& machine() { return *machine_; }

    /// The next Login Request the machine sent; a failure if there is none.
    sent_login sent()
    {
        auto raw = machine_->poll_transmit();
        if (!raw) {
            ADD_FAILURE() << "the initiator sent nothing; state " << static_cast<int>(machine_->state())
                          << ", error: " << machine_->error().message() << " " << machine_->diag().message;
            return {};
        }
        EXPECT_TRUE(raw->immediate()) << "§11.12: Login Requests are immediate";
        return expect_login_request(*raw);
    }

    /// The next Login Request, undecoded text: for pieces of a continued
    /// text (§11.12.2), which parse only when joined.
    pdu::login_request sent_piece()
    {
        auto raw = machine_->poll_transmit();
        if (!raw) {
            ADD_FAILURE() << "the initiator sent nothing: " << failure();
            return {};
        }
        return expect_pdu<pdu::login_request>(*raw);
    }

    [[nodiscard]] bool sent_nothing() { return !machine_->poll_transmit().has_value(); }

    /// A response in stage `csg` that does not transit.
    static login_response_builder reply(pdu::stage csg) { return login_response().isid(our_isid).stage(csg, csg); }
    /// A response in stage `csg` that transits to `nsg` (T=1).
    static login_response_builder reply(pdu::stage csg, pdu::stage nsg)
    {
        return login_response().isid(our_isid).stage(csg, nsg).transit();
    }

    void feed(login_response_builder const& b) { machine_->handle_pdu(b.build()); }
    void feed(pdu::raw_pdu const& raw) { machine_->handle_pdu(raw); }

    /// Leading request, the target's AuthMethod=None with T=1: returns the
    /// first operational request.
    sent_login pass_security_without_auth(text::key_values extra = {{"TargetPortalGroupTag", "1"}})
    {
        start();
        (void)sent();
        text::key_values keys{{"AuthMethod", "None"}};
        keys.insert(keys.end(), extra.begin(), extra.end());
        feed(reply(security, operational).keys(keys));
        return sent();
    }

    [[nodiscard]] std::string failure() const
    {
        return machine_->error().message() + " (" + machine_->diag().message + ")";
    }

    counting_random rng_{0x40};
    std::optional<login_machine> machine_;
};

} // namespace iscsi::login::test
