#include "iscsi/text/negotiator.hpp"

#include "iscsi/text/errors.hpp"
#include "iscsi/text/values.hpp"

#include "diag.hpp"

#include <algorithm>
#include <utility>

namespace iscsi::text {
namespace {

using detail::fail;
using detail::printable;

std::string where(key_row const& row)
{
    return row.section.find(' ') == std::string_view::npos ? " (RFC 7143 section " + std::string(row.section) + ")"
                                                           : " (RFC " + std::string(row.section) + ")";
}

std::string said(key_row const& row, std::string_view value)
{
    return std::string(row.name) + "=" + printable(value);
}

bool in_range(key_row const& row, std::uint64_t n) noexcept { return n >= row.min && n <= row.max; }

bool irrelevant_for(key_row const& row, session_type type) noexcept
{
    return type == session_type::discovery && row.irrelevant_in_discovery;
}

std::string format_digests(std::vector<digest> const& list)
{
    std::string out;
    for (auto d : list) {
        if (!out.empty()) out += ',';
        out += to_string(d);
    }
    return out;
}

// Our value for a key we answer but never offer (TaskReporting,
// iSCSIProtocolLevel): the row default, which is what we implement.
std::uint64_t default_number(key_row const& row) noexcept { return parse_number(row.default_value).value_or(0); }

// The constructor's promise: numbers in range, a digest list, FirstBurst <= MaxBurst.
operational_offer clamped(operational_offer o)
{
    for (auto const& row : key_table()) {
        if (auto m = row.binding.offer_number)
            o.*m = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(o.*m, row.min, row.max));
        if (auto m = row.binding.offer_digests; m && (o.*m).empty()) o.*m = {digest::none};
    }
    o.first_burst_length = std::min(o.first_burst_length, o.max_burst_length);
    return o;
}

} // namespace

negotiator::negotiator(session_type type, operational_offer offer) : type_(type), offer_(clamped(std::move(offer)))
{
    for (auto const& row : key_table()) {
        if (!row.binding.offered() || irrelevant_for(row, type_)) continue;
        offers_.push_back({std::string(row.name), offered_text(row)});
        auto const& b = row.binding;
        if (row.kind == key_kind::declarative) {
            // Our own declaration takes effect as sent; no answer is due.
            params_.*b.number_field = offer_.*b.offer_number;
            continue;
        }
        state(row) = key_state::offered;
        // §6.2.2: when our offer alone decides a Boolean outcome, it holds
        // even if the target does not answer.
        if (b.offer_bool && boolean_answer_optional(row.kind, offer_.*b.offer_bool))
            params_.*b.bool_field = offer_.*b.offer_bool;
    }
}

result<void> negotiator::check_offer(operational_offer const& offer, diagnostics* diag)
{
    for (auto const& row : key_table()) {
        if (auto m = row.binding.offer_number; m && !in_range(row, offer.*m))
            return fail(errc::bad_offer, diag,
                        std::string(row.name) + "=" + std::to_string(offer.*m) + " is outside " +
                            std::to_string(row.min) + ".." + std::to_string(row.max) + where(row));
        if (auto m = row.binding.offer_digests; m && (offer.*m).empty())
            return fail(errc::bad_offer, diag, std::string(row.name) + " needs at least one value to offer");
    }
    if (offer.first_burst_length > offer.max_burst_length)
        return fail(errc::bad_offer, diag,
                    "FirstBurstLength=" + std::to_string(offer.first_burst_length) + " exceeds MaxBurstLength=" +
                        std::to_string(offer.max_burst_length) + " (RFC 7143 section 13.14)");
    return {};
}

std::string negotiator::offered_text(key_row const& row) const
{
    auto const& b = row.binding;
    if (b.offer_digests) return format_digests(offer_.*b.offer_digests);
    if (b.offer_bool) return std::string(format_boolean(offer_.*b.offer_bool));
    if (b.offer_number) return format_number(offer_.*b.offer_number);
    return std::string(row.default_value);
}

result<void> negotiator::handle(key_values const& from_target, diagnostics* diag)
{
    for (auto const& kv : from_target)
        if (auto r = handle_key(kv, diag); !r) return r;
    return settle_burst_lengths(diag);
}

result<void> negotiator::note_declarations(key_values const& from_target, diagnostics* diag)
{
    for (auto const& kv : from_target) {
        auto const* row = find_key(kv.key);
        if (!row || row->sender != key_sender::target || row->kind != key_kind::declarative) continue;
        if (auto r = handle_declaration(*row, kv.value, diag); !r) return r;
    }
    return {};
}

key_values negotiator::take_answers() { return std::exchange(answers_, {}); }

bool negotiator::all_answered() const noexcept
{
    for (auto const& row : key_table()) {
        if (state(row.id) != key_state::offered) continue;
        auto const b = row.binding.offer_bool;
        if (!b || !boolean_answer_optional(row.kind, offer_.*b)) return false;
    }
    return true;
}

void negotiator::answer(key_row const& row, std::string_view value)
{
    answers_.push_back({std::string(row.name), std::string(value)});
}

result<void> negotiator::handle_key(key_value const& kv, diagnostics* diag)
{
    auto const* row = find_key(kv.key);
    if (!row) return handle_unknown(kv, diag);
    if (row->sender == key_sender::initiator)
        return fail(errc::key_not_allowed, diag,
                    "the target sent " + said(*row, kv.value) + ", a key only an initiator may send" + where(*row));
    if (row->stage == key_stage::security)
        return fail(errc::key_not_allowed, diag,
                    "the target sent " + said(*row, kv.value) +
                        " during operational negotiation; it belongs to the security stage" + where(*row));
    if (row->kind == key_kind::declarative) return handle_declaration(*row, kv.value, diag);
    switch (state(*row)) {
    case key_state::idle: return handle_offer(*row, kv.value, diag);
    case key_state::offered: return handle_answer(*row, kv.value, diag);
    case key_state::settled:
    case key_state::irrelevant: break;
    }
    // §6.2: a key MUST NOT be renegotiated within the same negotiation;
    // "for the initiator, it MUST result in a negotiation failure".
    return fail(errc::duplicate_key, diag,
                "the target sent " + said(*row, kv.value) + " after " + std::string(row->name) +
                    " was already negotiated in this exchange (RFC 7143 section 6.2)");
}

// §6.2: "If the responder does not understand the key, it MUST respond
// with key=NotUnderstood" (§13.22 says the same of X- keys we do not know).
result<void> negotiator::handle_unknown(key_value const& kv, diagnostics* diag)
{
    if (is_reserved_answer(kv.value))
        return fail(errc::unsolicited_response, diag,
                    "the target answered " + printable(kv.key) + "=" + printable(kv.value) +
                        ", a key we never offered");
    if (std::find(not_understood_.begin(), not_understood_.end(), kv.key) != not_understood_.end())
        return fail(errc::duplicate_key, diag,
                    "the target offered the unknown key " + printable(kv.key) +
                        " twice in one exchange (RFC 7143 section 6.2)");
    not_understood_.push_back(kv.key);
    answers_.push_back({kv.key, std::string(not_understood_value)});
    return {};
}

// ---- answers to our offers --------------------------------------------------

result<void> negotiator::handle_answer(key_row const& row, std::string const& value, diagnostics* diag)
{
    state(row) = key_state::settled;
    if (value == reject_value || value == not_understood_value) return handle_rejection(row, value, diag);
    if (value == irrelevant_value) {
        // §6.2: the value does not matter for this session; keep the default.
        state(row) = key_state::irrelevant;
        return {};
    }
    switch (row.kind) {
    case key_kind::list: return accept_list_answer(row, value, diag);
    case key_kind::numerical_min:
    case key_kind::numerical_max: return accept_numerical_answer(row, value, diag);
    case key_kind::boolean_and:
    case key_kind::boolean_or: return accept_boolean_answer(row, value, diag);
    case key_kind::declarative:
    case key_kind::obsolete: break; // never in the offered state
    }
    return {};
}

// A Reject (or a NotUnderstood, which no compliant target sends for a §13
// key) leaves the key at its default. That is fine when we could live with
// the default anyway; otherwise the session would run with values we did not
// ask for, so we fail with the key named.
result<void> negotiator::handle_rejection(key_row const& row, std::string const& value, diagnostics* diag)
{
    std::string const offered = offered_text(row);
    auto const items = split_list(offered);
    bool const default_ok = std::find(items.begin(), items.end(), row.default_value) != items.end();
    if (!default_ok)
        return fail(errc::negotiation_failed, diag,
                    "the target answered " + said(row, value) + " to our offer " + std::string(row.name) + "=" +
                        offered + ", and the default " + std::string(row.default_value) +
                        " is not what we offered" + where(row));
    auto const& b = row.binding;
    if (b.digest_field) params_.*b.digest_field = parse_digest(row.default_value).value_or(digest::none);
    if (b.bool_field) params_.*b.bool_field = parse_boolean(row.default_value).value_or(false);
    if (b.number_field) params_.*b.number_field = static_cast<std::uint32_t>(default_number(row));
    return {};
}

// §6.2.1: the answer is one value taken from our list.
result<void> negotiator::accept_list_answer(key_row const& row, std::string const& value, diagnostics* diag)
{
    auto const& offered = offer_.*row.binding.offer_digests;
    auto const d = parse_digest(value);
    if (!d || std::find(offered.begin(), offered.end(), *d) == offered.end())
        return fail(errc::answer_not_permitted, diag,
                    "the target answered " + said(row, value) + ", which is not one of the values we offered (" +
                        format_digests(offered) + ") (RFC 7143 section 6.2.1)");
    params_.*row.binding.digest_field = *d;
    return {};
}

result<void> negotiator::accept_numerical_answer(key_row const& row, std::string const& value, diagnostics* diag)
{
    auto const n = parse_number(value);
    if (!n)
        return fail(errc::invalid_value, diag,
                    "the target answered " + said(row, value) + ", which is not a number" + where(row));
    if (!in_range(row, *n))
        return fail(errc::out_of_range, diag,
                    "the target answered " + said(row, value) + ", outside " + std::to_string(row.min) + ".." +
                        std::to_string(row.max) + where(row));
    std::uint32_t const offered = offer_.*row.binding.offer_number;
    if (!numerical_answer_permitted(row.kind, offered, *n))
        return fail(errc::answer_not_permitted, diag,
                    "the target answered " + said(row, value) + " to our offer of " + std::to_string(offered) +
                        "; the result function is " + std::string(describe(row.kind)) + where(row));
    params_.*row.binding.number_field = static_cast<std::uint32_t>(*n);
    return {};
}

result<void> negotiator::accept_boolean_answer(key_row const& row, std::string const& value, diagnostics* diag)
{
    auto const b = parse_boolean(value);
    if (!b)
        return fail(errc::invalid_value, diag,
                    "the target answered " + said(row, value) + "; only Yes or No is allowed" + where(row));
    bool const offered = offer_.*row.binding.offer_bool;
    if (!boolean_answer_permitted(row.kind, offered, *b))
        return fail(errc::answer_not_permitted, diag,
                    "the target answered " + said(row, value) + " to our offer of " +
                        std::string(format_boolean(offered)) + "; the result function is " +
                        std::string(describe(row.kind)) + where(row));
    params_.*row.binding.bool_field = *b;
    return {};
}

// ---- keys the target offers -------------------------------------------------

result<void> negotiator::handle_offer(key_row const& row, std::string const& value, diagnostics* diag)
{
    if (is_reserved_answer(value))
        return fail(errc::unsolicited_response, diag,
                    "the target answered " + said(row, value) + ", a key we never offered");
    state(row) = key_state::settled;
    if (irrelevant_for(row, type_)) {
        // §13: "Irrelevant when: SessionType=Discovery".
        state(row) = key_state::irrelevant;
        answer(row, irrelevant_value);
        return {};
    }
    switch (row.kind) {
    case key_kind::list: respond_list(row, value); break;
    case key_kind::numerical_min:
    case key_kind::numerical_max: respond_numerical(row, value); break;
    case key_kind::boolean_and:
    case key_kind::boolean_or: respond_boolean(row, value); break;
    // §13.25: IFMarker/OFMarker SHOULD and IFMarkInt/OFMarkInt MUST be
    // answered Reject; NotUnderstood is forbidden for all four.
    case key_kind::obsolete: answer(row, reject_value); break;
    case key_kind::declarative: break; // routed to handle_declaration
    }
    return {};
}

// §6.2.1: answer with the first offered value we accept; "Reject" if none.
// For digests we accept what our own offer lists; of TaskReporting we
// implement only the RFC3720 semantics.
void negotiator::respond_list(key_row const& row, std::string const& value)
{
    std::vector<std::string_view> acceptable;
    if (auto m = row.binding.offer_digests)
        for (auto d : offer_.*m)
            acceptable.push_back(to_string(d));
    else
        acceptable.push_back(row.default_value);
    auto const choice = select_from_list(value, acceptable);
    if (!choice) {
        answer(row, reject_value);
        return;
    }
    if (auto m = row.binding.digest_field) params_.*m = parse_digest(*choice).value_or(digest::none);
    answer(row, *choice);
}

// §6.2.2; an offer that is not a number in the key's range is not admissible
// and is answered Reject, which leaves the default in force.
void negotiator::respond_numerical(key_row const& row, std::string const& value)
{
    auto const theirs = parse_number(value);
    if (!theirs || !in_range(row, *theirs)) {
        answer(row, reject_value);
        return;
    }
    auto const m = row.binding.offer_number;
    std::uint64_t const ours = m ? offer_.*m : default_number(row);
    auto const result = select_numerical(row.kind, *theirs, ours);
    if (auto f = row.binding.number_field) params_.*f = static_cast<std::uint32_t>(result);
    answer(row, format_number(result));
}

void negotiator::respond_boolean(key_row const& row, std::string const& value)
{
    auto const theirs = parse_boolean(value);
    if (!theirs) {
        answer(row, reject_value);
        return;
    }
    auto const m = row.binding.offer_bool;
    bool const ours = m ? offer_.*m : parse_boolean(row.default_value).value_or(false);
    bool const result = select_boolean(row.kind, *theirs, ours);
    if (auto f = row.binding.bool_field) params_.*f = result;
    answer(row, format_boolean(result));
}

// ---- declarations -----------------------------------------------------------

// Declaratives need no answer. A repeat with the same value is harmless
// (targets re-send TargetPortalGroupTag or MaxRecvDataSegmentLength in a
// later login response); a different value is a renegotiation (§6.2).
// TargetAddress may legitimately appear more than once (§13.8).
result<void> negotiator::handle_declaration(key_row const& row, std::string const& value, diagnostics* diag)
{
    auto const i = static_cast<std::size_t>(row.id);
    if (is_reserved_answer(value)) {
        // Some targets answer our MaxRecvDataSegmentLength declaration; it
        // changes nothing. A reserved answer to anything else is unsolicited.
        if (row.binding.offered()) return {};
        return fail(errc::unsolicited_response, diag,
                    "the target answered " + said(row, value) + ", a key we never offered");
    }
    if (state_[i] == key_state::settled && row.id != key_id::target_address) {
        if (declared_[i] == value) return {};
        return fail(errc::duplicate_key, diag,
                    "the target declared " + said(row, value) + " after declaring " + std::string(row.name) + "=" +
                        printable(declared_[i]) + " (RFC 7143 section 6.2)");
    }
    if (row.max != 0) { // numeric declaratives: MaxRecvDataSegmentLength, TargetPortalGroupTag
        auto const n = parse_number(value);
        if (!n) return fail(errc::invalid_value, diag, "the target declared " + said(row, value) + ", not a number");
        if (!in_range(row, *n))
            return fail(errc::out_of_range, diag,
                        "the target declared " + said(row, value) + ", outside " + std::to_string(row.min) + ".." +
                            std::to_string(row.max) + where(row));
        if (auto m = row.binding.declared_by_target) params_.*m = static_cast<std::uint32_t>(*n);
        if (row.id == key_id::target_portal_group_tag) params_.target_portal_group_tag = static_cast<std::uint16_t>(*n);
    }
    if (row.id == key_id::target_alias) params_.target_alias = value;
    if (row.id == key_id::target_address) params_.target_address = value;
    state_[i] = key_state::settled;
    declared_[i] = value;
    return {};
}

// §13.14: "FirstBurstLength MUST NOT exceed MaxBurstLength." Checked once
// both are settled. When FirstBurstLength does not matter (answered
// Irrelevant, or InitialR2T=Yes with ImmediateData=No: no unsolicited data at
// all) it is lowered to MaxBurstLength so the invariant holds for consumers.
result<void> negotiator::settle_burst_lengths(diagnostics* diag)
{
    auto const first = state(key_id::first_burst_length);
    if (first == key_state::offered || state(key_id::max_burst_length) == key_state::offered) return {};
    if (params_.first_burst_length <= params_.max_burst_length) return {};
    bool const unsolicited_data = !(params_.initial_r2t && !params_.immediate_data);
    if (first == key_state::irrelevant || !unsolicited_data) {
        params_.first_burst_length = params_.max_burst_length;
        return {};
    }
    return fail(errc::burst_length_conflict, diag,
                "the negotiated FirstBurstLength=" + std::to_string(params_.first_burst_length) +
                    " exceeds MaxBurstLength=" + std::to_string(params_.max_burst_length) +
                    " (RFC 7143 section 13.14)");
}

} // namespace iscsi::text
