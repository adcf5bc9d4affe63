/**
 * @file
 * Initiator side of operational negotiation (RFC 7143 §6.2, §7.2, §13),
 * sans-I/O: the login machine asks for our offers, feeds each target PDU's
 * parsed keys, sends our answers, and reads the typed result. Works for
 * Normal and Discovery sessions; Discovery offers only the keys §13 does not
 * mark "Irrelevant when: SessionType=Discovery".
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/text/key_value.hpp"
#include "iscsi/text/keys.hpp"
#include "iscsi/text/params.hpp"

#include <array>
#include <string>
#include <vector>

namespace iscsi::text {

class negotiator {
public:
    /**
     * Builds our offers. Out-of-range numbers are clamped into their §13
     * ranges, FirstBurstLength is lowered to MaxBurstLength and an empty
     * digest list becomes {none}; call check_offer() first to report such
     * configuration as an error instead.
     */
    negotiator(session_type type, operational_offer offer);

    /// errc::bad_offer when the offer needs clamping (see the constructor).
    [[nodiscard]] static result<void> check_offer(operational_offer const& offer, diagnostics* diag = nullptr);

    /// Keys we send in our first operational Login (or Text) request, in table order.
    [[nodiscard]] key_values initial_offers() const { return offers_; }

    /**
     * Feeds the keys of one target PDU (continuations already joined).
     * Records answers to our offers and checks them against the result
     * function of their key; answers keys the target offers (NotUnderstood
     * for unknown and X- keys, Reject for the obsolete marker keys,
     * Irrelevant for keys irrelevant to a Discovery session); records the
     * target's declarations (MaxRecvDataSegmentLength, TargetAlias,
     * TargetPortalGroupTag, TargetAddress).
     *
     * Errors (diag names key and value): errc::invalid_value, out_of_range,
     * answer_not_permitted, unsolicited_response, duplicate_key (a key
     * negotiated twice, §6.2), key_not_allowed, negotiation_failed,
     * burst_length_conflict. After an error the negotiation is over: the
     * login must fail (§6.2 "MUST result in a negotiation failure").
     */
    result<void> handle(key_values const& from_target, diagnostics* diag = nullptr);

    /**
     * Records only the target's declarations (TargetAlias,
     * TargetPortalGroupTag, TargetAddress) and ignores every other key; for
     * the SecurityNegotiation stage, whose keys belong to auth/.
     */
    result<void> note_declarations(key_values const& from_target, diagnostics* diag = nullptr);

    /// Our responses to target offers since the last call, to send next.
    [[nodiscard]] key_values take_answers();

    /// Every key we offered has a response, or needs none (§6.2.2: an AND
    /// offer of No or an OR offer of Yes decides the outcome by itself).
    [[nodiscard]] bool all_answered() const noexcept;

    [[nodiscard]] negotiated_params const& params() const noexcept { return params_; }

private:
    /// Negotiation state of one key within this exchange (§6.2).
    enum class key_state : std::uint8_t {
        idle,       ///< not negotiated yet
        offered,    ///< we offered it and await the answer
        settled,    ///< answered, responded to, or declared by the target
        irrelevant, ///< answered or responded with Irrelevant
    };

    result<void> handle_key(key_value const& kv, diagnostics* diag);
    result<void> handle_unknown(key_value const& kv, diagnostics* diag);
    result<void> handle_answer(key_row const& row, std::string const& value, diagnostics* diag);
    result<void> handle_rejection(key_row const& row, std::string const& value, diagnostics* diag);
    result<void> handle_offer(key_row const& row, std::string const& value, diagnostics* diag);
    result<void> handle_declaration(key_row const& row, std::string const& value, diagnostics* diag);
    result<void> accept_list_answer(key_row const& row, std::string const& value, diagnostics* diag);
    result<void> accept_numerical_answer(key_row const& row, std::string const& value, diagnostics* diag);
    result<void> accept_boolean_answer(key_row const& row, std::string const& value, diagnostics* diag);
    void respond_list(key_row const& row, std::string const& value);
    void respond_numerical(key_row const& row, std::string const& value);
    void respond_boolean(key_row const& row, std::string const& value);
    result<void> settle_burst_lengths(diagnostics* diag);
    [[nodiscard]] std::string offered_text(key_row const& row) const;
    void answer(key_row const& row, std::string_view value);
    key_state& state(key_row const& row) noexcept { return state_[static_cast<std::size_t>(row.id)]; }
    key_state state(key_id id) const noexcept { return state_[static_cast<std::size_t>(id)]; }

    session_type type_;
    operational_offer offer_;
    negotiated_params params_;
    std::array<key_state, key_count> state_{};
    std::array<std::string, key_count> declared_{}; ///< last value the target declared
    key_values offers_;
    key_values answers_;
    std::vector<std::string> not_understood_; ///< unknown keys already answered
};

} // namespace iscsi::text
