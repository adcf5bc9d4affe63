/**
 * @file
 * The typed key registry (STYLE habit 5): one constexpr row per key of RFC
 * 7143 §13 (plus iSCSIProtocolLevel, RFC 7144 §2.1) with its senders, use,
 * stage, scope, negotiation kind, default, range, Discovery relevance and the
 * members of the typed structs it binds to. The result functions of §6.2 are
 * small pure functions next to it, so they can be tested one rule at a time.
 */
#pragma once

#include "iscsi/text/params.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace iscsi::text {

enum class key_id : std::uint8_t {
    header_digest, data_digest, max_connections, send_targets, target_name, initiator_name,
    target_alias, initiator_alias, target_address, target_portal_group_tag, initial_r2t,
    immediate_data, max_recv_data_segment_length, max_burst_length, first_burst_length,
    default_time2wait, default_time2retain, max_outstanding_r2t, data_pdu_in_order,
    data_sequence_in_order, error_recovery_level, session_type, auth_method, task_reporting,
    iscsi_protocol_level, of_marker, if_marker, of_mark_int, if_mark_int,
};
inline constexpr std::size_t key_count = static_cast<std::size_t>(key_id::if_mark_int) + 1;

/// §13 "Senders".
enum class key_sender : std::uint8_t { initiator, target, both };
/// §13 "Use": IO (login only), ALL (login and full feature), FFPO (full feature only).
enum class key_use : std::uint8_t { login_only, any_phase, full_feature_only };
/// Login stage the key may appear in (§13 preamble: "Any-Stage" keys may also
/// appear in SecurityNegotiation; AuthMethod belongs to it alone).
enum class key_stage : std::uint8_t { security, operational, any };
/// §13 "Scope": session-wide (SW) or connection-only (CO).
enum class key_scope : std::uint8_t { session, connection };

/// How the outcome is computed (§6.2.1 lists, §6.2.2 simple values, §13).
enum class key_kind : std::uint8_t {
    list,          ///< responder picks the first value it accepts from the offered list
    numerical_min, ///< result = min(offer, responder's value)
    numerical_max, ///< result = max(offer, responder's value)
    boolean_and,   ///< result = offer AND responder's value
    boolean_or,    ///< result = offer OR responder's value
    declarative,   ///< no answer; each side states its own value
    obsolete,      ///< RFC 3720 marker keys: always answered Reject (§13.25)
};

/// Where a key's value lives in the typed structs; null members mean "none".
struct key_binding {
    digest negotiated_params::*digest_field = nullptr;
    bool negotiated_params::*bool_field = nullptr;
    std::uint32_t negotiated_params::*number_field = nullptr;
    /// A per-direction declarative: where the target's own declaration goes.
    std::uint32_t negotiated_params::*declared_by_target = nullptr;
    std::vector<digest> operational_offer::*offer_digests = nullptr;
    bool operational_offer::*offer_bool = nullptr;
    std::uint32_t operational_offer::*offer_number = nullptr;

    [[nodiscard]] constexpr bool offered() const noexcept
    {
        return offer_digests != nullptr || offer_bool != nullptr || offer_number != nullptr;
    }
};

struct key_row {
    key_id id;
    std::string_view name;
    std::string_view section; ///< where RFC 7143 (or 7144) defines it
    key_sender sender;
    key_use use;
    key_stage stage;
    bool leading_only;        ///< §13 "LO": only on the leading connection's login
    key_scope scope;
    key_kind kind;
    std::string_view default_value; ///< textual default; empty if none
    std::uint64_t min = 0;    ///< numerical range (numerical kinds and numeric declaratives)
    std::uint64_t max = 0;
    bool irrelevant_in_discovery = false; ///< "Irrelevant when: SessionType=Discovery"
    key_binding binding{};
};

/// Every row, in key_id order.
[[nodiscard]] std::span<key_row const> key_table() noexcept;
/// The row for a key name (case-sensitive, §6.1), or nullptr if unknown.
[[nodiscard]] key_row const* find_key(std::string_view name) noexcept;
/// The row for an id.
[[nodiscard]] key_row const& key_info(key_id id) noexcept;

[[nodiscard]] std::string_view describe(key_kind k) noexcept;

// --- result functions (§6.2) -------------------------------------------

/// §6.2.2: the value a responder selects for a numerical key.
[[nodiscard]] constexpr std::uint64_t select_numerical(key_kind k, std::uint64_t offered,
                                                       std::uint64_t ours) noexcept
{
    if (k == key_kind::numerical_max) return offered > ours ? offered : ours;
    return offered < ours ? offered : ours;
}

/// Originator side (§13 preamble): "Minimum means that the selected value
/// cannot exceed the offered value. Maximum means that [it] cannot be lower".
[[nodiscard]] constexpr bool numerical_answer_permitted(key_kind k, std::uint64_t offered,
                                                        std::uint64_t answer) noexcept
{
    return k == key_kind::numerical_max ? answer >= offered : answer <= offered;
}

/// §6.2.2: the value a responder selects for a Boolean key.
[[nodiscard]] constexpr bool select_boolean(key_kind k, bool offered, bool ours) noexcept
{
    return k == key_kind::boolean_or ? (offered || ours) : (offered && ours);
}

/// The selected value must be a possible result of AND (OR) with an arbitrary
/// Boolean: an AND offer of No forces No, an OR offer of Yes forces Yes.
[[nodiscard]] constexpr bool boolean_answer_permitted(key_kind k, bool offered, bool answer) noexcept
{
    if (k == key_kind::boolean_or) return !offered || answer;
    return offered || !answer;
}

/// §6.2.2: the answer is OPTIONAL when the offer alone decides the outcome
/// (AND with "No", OR with "Yes").
[[nodiscard]] constexpr bool boolean_answer_optional(key_kind k, bool offered) noexcept
{
    return k == key_kind::boolean_or ? offered : !offered;
}

/**
 * §6.2.1: the first value of the originator's list that the responder
 * accepts. Values the responder does not understand are skipped ("MUST
 * ignore it"). Nothing if no value is acceptable (the answer is Reject).
 */
[[nodiscard]] std::optional<std::string_view> select_from_list(std::string_view offered_list,
                                                               std::span<std::string_view const> acceptable);

[[nodiscard]] std::string_view to_string(digest d) noexcept;
[[nodiscard]] std::optional<digest> parse_digest(std::string_view v) noexcept;

} // namespace iscsi::text
