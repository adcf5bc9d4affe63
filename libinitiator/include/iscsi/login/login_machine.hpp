/**
 * @file
 * The initiator's login state machine (RFC 7143 §6.3, §11.12, §11.13):
 * SecurityNegotiation → LoginOperationalNegotiation → FullFeaturePhase.
 * Sans-I/O: feed Login Responses and `now`, poll Login Requests, deadlines
 * and the outcome. docs/state-machines.md draws it.
 */
#pragma once

#include "iscsi/auth/chap.hpp"
#include "iscsi/core/clock.hpp"
#include "iscsi/core/error.hpp"
#include "iscsi/login/errors.hpp"
#include "iscsi/login/login_params.hpp"
#include "iscsi/pdu/login.hpp"
#include "iscsi/pdu/raw_pdu.hpp"
#include "iscsi/text/key_value.hpp"
#include "iscsi/text/negotiator.hpp"

#include <deque>
#include <memory>
#include <optional>

namespace iscsi::login {

/// Login stages named after §6.3 plus the two ways a login ends early.
enum class login_state : std::uint8_t {
    security_negotiation,
    login_operational_negotiation,
    full_feature_phase, ///< success: outcome in success()
    redirected,         ///< status class 1: outcome in redirect()
    failed,             ///< error() says why
};

class login_machine {
public:
    login_machine(login_params params, auth::random_source& rng);
    ~login_machine();
    login_machine(login_machine&&) noexcept;
    login_machine& operator=(login_machine&&) noexcept;

    /// Queues the first Login Request and arms the login deadline.
    void start(time_point now);

    /// Any PDU the target sent on this connection during login.
    void handle_pdu(pdu::raw_pdu const& pdu);
    /// Fails the login with errc::timeout once `now` reaches poll_timeout().
    void handle_timeout(time_point now);

    /// The next Login Request to send, if any.
    [[nodiscard]] std::optional<pdu::raw_pdu> poll_transmit();
    /// When handle_timeout() must be called, while the login is running.
    [[nodiscard]] std::optional<time_point> poll_timeout() const noexcept;

    [[nodiscard]] login_state state() const noexcept { return state_; }
    [[nodiscard]] bool done() const noexcept { return state_ >= login_state::full_feature_phase; }

    /// Valid in full_feature_phase.
    [[nodiscard]] login_success const& success() const noexcept { return success_; }
    /// Valid in redirected.
    [[nodiscard]] login_redirect const& redirect() const noexcept { return redirect_; }
    /// Valid in failed; with a sentence of detail in diag().
    [[nodiscard]] std::error_code error() const noexcept { return error_; }
    [[nodiscard]] diagnostics const& diag() const noexcept { return diag_; }

private:
    /// Where the security stage stands (§12.1.3's CHAP exchange).
    enum class auth_step : std::uint8_t {
        auth_method_offered, ///< sent AuthMethod, awaiting the target's choice
        chap_algorithms_sent,///< sent CHAP_A, awaiting CHAP_A/I/C
        chap_response_sent,  ///< sent CHAP_N/R (+ our challenge if mutual)
        complete,            ///< authentication over, waiting to transit
    };

    void fail(std::error_code ec, std::string detail = {});
    void send(text::key_values const& keys, bool transit, pdu::stage nsg);
    void send_next_chunk();
    void send_continue_ack();
    [[nodiscard]] pdu::login_request make_request() const;
    /// Whether the request on the wire asked to transit: our last text is
    /// fully sent with T=1 (continuation acks keep what that request asked).
    [[nodiscard]] bool requested_transit() const noexcept { return pending_chunks_.empty() && last_transit_; }
    [[nodiscard]] pdu::stage current_stage() const noexcept;
    bool check_response(pdu::login_response const& r);
    void handle_complete_text(pdu::login_response const& r, text::key_values const& keys);
    void handle_security(pdu::login_response const& r, text::key_values const& keys);
    void handle_chap_challenge(text::key_values const& keys);
    void handle_operational(pdu::login_response const& r, text::key_values const& keys);
    void enter_operational();
    void finish(pdu::login_response const& r);
    void handle_status(pdu::login_response const& r, text::key_values const& keys);

    /// Login Requests use one task tag for the whole login (§11.12.4 allows any).
    static constexpr itt login_itt{0};
    /// What responses must carry: login_itt, or the transport's (the first
    /// response's) when it assigns the tag.
    std::optional<itt> response_itt_;
    void continue_after_transit(pdu::login_response const& r);

    login_params params_;
    std::unique_ptr<auth::chap_initiator> chap_;
    text::negotiator negotiator_;
    /// Target text continued over several responses (C bit, §11.13.3).
    std::vector<std::byte> inbound_;

    login_state state_ = login_state::security_negotiation;
    auth_step auth_step_ = auth_step::auth_method_offered;

    /// The request last sent, so a target continuation (C bit) can be
    /// acknowledged with the same stage fields (§11.12.2).
    bool last_transit_ = false;
    pdu::stage last_nsg_ = pdu::stage::security_negotiation;
    std::deque<pdu::raw_pdu> outbound_;
    /// Our own text split into several PDUs (C bit), sent one per response.
    std::deque<std::vector<std::byte>> pending_chunks_;

    statsn exp_stat_sn_{};
    unsigned round_trips_ = 0;
    std::optional<time_point> deadline_;

    login_success success_{};
    login_redirect redirect_{};
    std::error_code error_{};
    diagnostics diag_{};
};

} // namespace iscsi::login
