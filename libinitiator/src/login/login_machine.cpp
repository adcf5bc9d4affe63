#include "iscsi/login/login_machine.hpp"

#include "iscsi/pdu/errors.hpp"

#include <algorithm>
#include <string>

namespace iscsi::login {
namespace {

using pdu::stage;

/// Login data segments are bounded by the default MaxRecvDataSegmentLength
/// until the login ends (§13.12): split our text at this size.
constexpr std::size_t login_segment_limit = 8192;

constexpr std::uint8_t iscsi_version = 0; // §11.12.3: Version-max/min = 0x00

char const* session_type_name(text::session_type t)
{
    return t == text::session_type::discovery ? "Discovery" : "Normal";
}

} // namespace

login_machine::login_machine(login_params params, auth::random_source& rng)
    : params_(std::move(params)), negotiator_(params_.session_type, params_.offer)
{
    if (params_.chap)
        chap_ = std::make_unique<auth::chap_initiator>(*params_.chap, rng);
}

login_machine::~login_machine() = default;
login_machine::login_machine(login_machine&&) noexcept = default;
login_machine& login_machine::operator=(login_machine&&) noexcept = default;

void login_machine::fail(std::error_code ec, std::string detail)
{
    if (done()) return;
    state_ = login_state::failed;
    error_ = ec;
    if (!detail.empty()) diag_.set(std::move(detail));
    outbound_.clear();
    pending_chunks_.clear();
}

void login_machine::start(time_point now)
{
    deadline_ = now + params_.login_timeout;
    if (params_.session_type == text::session_type::normal && params_.target_name.empty())
        return fail(errc::bad_parameters, "a Normal session needs a TargetName");
    if (params_.initiator_name.empty())
        return fail(errc::bad_parameters, "the InitiatorName is empty");

    // §6.3: the leading Login Request carries InitiatorName and SessionType
    // (and TargetName for Normal sessions), and starts in SecurityNegotiation
    // so that a target demanding authentication can say so.
    text::key_values keys;
    keys.push_back({"InitiatorName", params_.initiator_name});
    if (!params_.initiator_alias.empty()) keys.push_back({"InitiatorAlias", params_.initiator_alias});
    keys.push_back({"SessionType", session_type_name(params_.session_type)});
    if (params_.session_type == text::session_type::normal)
        keys.push_back({"TargetName", params_.target_name});

    if (!chap_) {
        // Nothing to authenticate: ask to move on at once (§6.3: T=1 with
        // NSG=LoginOperationalNegotiation in the security stage).
        keys.push_back({"AuthMethod", "None"});
        send(keys, true, stage::login_operational_negotiation);
    } else {
        keys.push_back({"AuthMethod", chap_->mutual() ? "CHAP" : "CHAP,None"});
        send(keys, false, stage::login_operational_negotiation);
    }
}

void login_machine::send(text::key_values const& keys, bool transit, stage nsg)
{
    std::vector<std::byte> const data = text::encode(keys);
    pending_chunks_.clear();
    for (std::size_t off = 0; off < data.size(); off += login_segment_limit) {
        std::size_t const n = std::min(login_segment_limit, data.size() - off);
        pending_chunks_.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(off),
                                     data.begin() + static_cast<std::ptrdiff_t>(off + n));
    }
    if (pending_chunks_.empty()) pending_chunks_.emplace_back();
    last_transit_ = transit;
    last_nsg_ = nsg;
    send_next_chunk();
}

/// The fields every Login Request of this login shares (§11.12).
pdu::login_request login_machine::make_request() const
{
    pdu::login_request req;
    req.csg = current_stage();
    req.version_max = iscsi_version;
    req.version_min = iscsi_version;
    req.isid_ = params_.isid_;
    req.tsih_ = params_.tsih_;
    req.itt_ = login_itt;
    req.cid_ = params_.cid_;
    req.cmd_sn = params_.cmd_sn;
    req.exp_stat_sn = exp_stat_sn_;
    return req;
}

void login_machine::send_next_chunk()
{
    pdu::login_request req = make_request();
    // §11.12.2: while more of our text follows (C=1) the T bit must be 0.
    req.cont = pending_chunks_.size() > 1;
    req.transit = req.cont ? false : last_transit_;
    req.nsg = req.transit ? last_nsg_ : stage::security_negotiation;
    if (!pending_chunks_.empty()) {
        req.data = std::move(pending_chunks_.front());
        pending_chunks_.pop_front();
    }
    outbound_.push_back(pdu::encode(req));
}

void login_machine::send_continue_ack()
{
    // §11.13.3: acknowledge a continued response with an empty request, T=0.
    // requested_transit() still reports the T of our last real request: the
    // target's final piece may carry the transition that request asked for.
    outbound_.push_back(pdu::encode(make_request()));
}

stage login_machine::current_stage() const noexcept
{
    return state_ == login_state::security_negotiation ? stage::security_negotiation
                                                       : stage::login_operational_negotiation;
}

std::optional<pdu::raw_pdu> login_machine::poll_transmit()
{
    if (outbound_.empty()) return std::nullopt;
    pdu::raw_pdu p = std::move(outbound_.front());
    outbound_.pop_front();
    return p;
}

std::optional<time_point> login_machine::poll_timeout() const noexcept
{
    if (done()) return std::nullopt;
    return deadline_;
}

void login_machine::handle_timeout(time_point now)
{
    if (!done() && deadline_ && now >= *deadline_)
        fail(errc::timeout, "no complete login within the login timeout");
}

} // namespace iscsi::login
