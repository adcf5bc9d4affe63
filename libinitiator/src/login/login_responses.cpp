// Login Response handling for login_machine (RFC 7143 §6.3, §11.13, §12.1.3).
#include "iscsi/login/login_machine.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace iscsi::login {
namespace {

using pdu::stage;

bool is_security_key(std::string_view key)
{
    return key == "AuthMethod" || key.starts_with("CHAP_");
}

std::string status_text(std::uint8_t cls, std::uint8_t detail)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "login status %02x/%02x", cls, detail);
    return buf;
}

} // namespace

void login_machine::handle_pdu(pdu::raw_pdu const& raw)
{
    if (done()) return;
    if (raw.op() != pdu::opcode::login_response)
        return fail(errc::unexpected_pdu, "opcode " + std::to_string(static_cast<unsigned>(raw.op())));
    diagnostics d;
    auto r = pdu::decode_login_response(raw, &d);
    if (!r) return fail(r.error(), d.message);
    if (++round_trips_ > params_.max_round_trips)
        return fail(errc::too_many_exchanges, "more than " + std::to_string(params_.max_round_trips) +
                                                  " Login Responses");
    if (!check_response(*r)) return;
    exp_stat_sn_ = r->stat_sn + 1;

    if (r->status_class != 0) {
        auto keys = text::parse(r->data);
        return handle_status(*r, keys ? *keys : text::key_values{});
    }
    if (!pending_chunks_.empty()) {
        // The target acknowledges a continued request of ours with an empty
        // response (§11.12.2); then the next chunk goes out.
        if (!r->data.empty() || r->transit || r->cont)
            return fail(errc::bad_stage, "the target answered a partial login text with data");
        return send_next_chunk();
    }

    if (inbound_.size() + r->data.size() > params_.max_text_bytes)
        return fail(errc::text_too_long, "login text over " + std::to_string(params_.max_text_bytes) + " bytes");
    inbound_.insert(inbound_.end(), r->data.begin(), r->data.end());
    if (r->cont) {
        // §11.13.3: more text follows; answer with an empty Login Request
        // with T=0 until the target sends the rest.
        return send_continue_ack();
    }
    auto keys = text::parse(inbound_, {}, &d);
    inbound_.clear();
    if (!keys) return fail(keys.error(), d.message);
    handle_complete_text(*r, *keys);
}

bool login_machine::check_response(pdu::login_response const& r)
{
    // A refusal ends the login whatever its other fields say: tgt, for one,
    // zeroes the ISID in error responses. Only successful steps are checked.
    if (r.status_class != 0) return true;
    if (!response_itt_) response_itt_ = params_.itt_assigned_by_transport ? r.itt_ : login_itt;
    if (r.itt_ != *response_itt_) {
        fail(errc::itt_mismatch);
        return false;
    }
    if (r.isid_ != params_.isid_) {
        fail(errc::isid_mismatch);
        return false;
    }
    if (r.version_active != 0) {
        fail(errc::unsupported_version, "Version-active " + std::to_string(r.version_active));
        return false;
    }
    if (r.transit && r.cont) {
        fail(errc::transit_and_continue);
        return false;
    }
    if (r.csg != current_stage()) {
        fail(errc::bad_stage, "response CSG " + std::to_string(static_cast<int>(r.csg)) + ", ours " +
                                  std::to_string(static_cast<int>(current_stage())));
        return false;
    }
    if (r.transit) {
        // §11.13.2: the target may transit only if we asked, and never to a
        // stage beyond the one we named.
        if (!requested_transit()) {
            fail(errc::transit_without_request);
            return false;
        }
        bool const valid_nsg = r.nsg == stage::login_operational_negotiation || r.nsg == stage::full_feature_phase;
        if (!valid_nsg || static_cast<int>(r.nsg) > static_cast<int>(last_nsg_) ||
            static_cast<int>(r.nsg) <= static_cast<int>(r.csg)) {
            fail(errc::bad_stage, "response NSG " + std::to_string(static_cast<int>(r.nsg)));
            return false;
        }
    }
    return true;
}

void login_machine::handle_status(pdu::login_response const& r, text::key_values const& keys)
{
    std::string const numbers = status_text(r.status_class, r.status_detail);
    if (r.status_class == 1) {
        // §11.13.5: redirection carries the new TargetAddress in the data.
        std::string const* addr = text::find(keys, "TargetAddress");
        if (!addr || addr->empty())
            return fail(errc::redirect_without_address, numbers);
        redirect_.target_address = *addr;
        redirect_.permanent = r.status_detail == 0x02;
        state_ = login_state::redirected;
        outbound_.clear();
        return;
    }
    std::string detail = numbers;
    if (r.status_class == 2 && r.status_detail <= 1 && chap_ && chap_->chap_a7_ambiguous()) {
        // tgt means SHA-1 by CHAP_A=7 (see auth::chap_quirks) and refuses a
        // SHA-256 response with 02/00 (its length is wrong for SHA-1) or
        // 02/01: say so rather than leave the user with a bare refusal.
        detail += "; the target chose CHAP_A=7, which tgt takes as SHA-1: offer only MD5 or set the "
                  "tgt_chap_a7_is_sha1 quirk for this target";
    }
    fail(make_status_error(r.status_class, r.status_detail), std::move(detail));
}

void login_machine::handle_complete_text(pdu::login_response const& r, text::key_values const& keys)
{
    if (state_ == login_state::security_negotiation) {
        // Leading responses also carry declaratives such as
        // TargetPortalGroupTag (§13.9: MUST be in the first response) and
        // TargetAlias; the negotiator records them.
        text::key_values security;
        text::key_values other;
        for (auto const& kv : keys) (is_security_key(kv.key) ? security : other).push_back(kv);
        diagnostics d;
        if (auto h = negotiator_.handle(other, &d); !h) return fail(h.error(), d.message);
        return handle_security(r, security);
    }
    handle_operational(r, keys);
}

void login_machine::handle_security(pdu::login_response const& r, text::key_values const& keys)
{
    std::string const* method = text::find(keys, "AuthMethod");
    switch (auth_step_) {
    case auth_step::auth_method_offered:
        if (method && *method == "CHAP" && chap_) {
            auth_step_ = auth_step::chap_algorithms_sent;
            return send(chap_->offer(), false, stage::login_operational_negotiation);
        }
        if (method && *method != "None")
            return fail(errc::auth_method_rejected, "the target chose AuthMethod=" + *method);
        // None (or no answer while transiting, which also means none).
        if (chap_ && chap_->mutual())
            return fail(errc::auth_required, "the target chose AuthMethod=None");
        auth_step_ = auth_step::complete;
        break;
    case auth_step::chap_algorithms_sent:
        return handle_chap_challenge(keys);
    case auth_step::chap_response_sent:
        if (chap_->mutual()) {
            diagnostics d;
            if (auto v = chap_->verify_target(keys, &d); !v) return fail(v.error(), d.message);
        }
        success_.authenticated = true;
        success_.mutual = chap_->mutual();
        auth_step_ = auth_step::complete;
        break;
    case auth_step::complete:
        break;
    }
    continue_after_transit(r);
}

void login_machine::handle_chap_challenge(text::key_values const& keys)
{
    // §12.1.3: the target answers CHAP_A with CHAP_A, CHAP_I and CHAP_C; we
    // answer with CHAP_N and CHAP_R (plus our own CHAP_I/CHAP_C for mutual
    // CHAP) and ask to leave the security stage in the same PDU.
    diagnostics d;
    auto resp = chap_->respond(keys, &d);
    if (!resp) return fail(resp.error(), d.message);
    auth_step_ = auth_step::chap_response_sent;
    send(*resp, true, stage::login_operational_negotiation);
}

void login_machine::continue_after_transit(pdu::login_response const& r)
{
    if (!r.transit) {
        // Our side is done; ask the target to move on (T=1).
        return send({}, true, stage::login_operational_negotiation);
    }
    if (r.nsg == stage::full_feature_phase) return finish(r);
    enter_operational();
}

void login_machine::enter_operational()
{
    state_ = login_state::login_operational_negotiation;
    text::key_values keys = negotiator_.initial_offers();
    // Answers to anything the target offered during the security stage.
    for (auto& kv : negotiator_.take_answers()) keys.push_back(std::move(kv));
    send(keys, true, stage::full_feature_phase);
}

void login_machine::handle_operational(pdu::login_response const& r, text::key_values const& keys)
{
    diagnostics d;
    if (auto h = negotiator_.handle(keys, &d); !h) return fail(h.error(), d.message);
    if (r.transit) return finish(r);
    // The target wants another round (it has offers of its own, or is not
    // ready): answer and keep asking to transit (§6.2).
    send(negotiator_.take_answers(), true, stage::full_feature_phase);
}

void login_machine::finish(pdu::login_response const& r)
{
    if (params_.tsih_.value() == 0 && r.tsih_.value() == 0)
        return fail(errc::missing_tsih);
    success_.params = negotiator_.params();
    success_.tsih_ = r.tsih_;
    success_.cmd_sn = params_.cmd_sn;
    success_.exp_cmd_sn = r.exp_cmd_sn;
    success_.max_cmd_sn = r.max_cmd_sn;
    success_.exp_stat_sn = exp_stat_sn_;
    state_ = login_state::full_feature_phase;
    outbound_.clear();
}

} // namespace iscsi::login
