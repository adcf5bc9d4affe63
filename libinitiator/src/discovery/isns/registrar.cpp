#include "iscsi/discovery/isns/registrar.hpp"

#include "iscsi/discovery/isns/errors.hpp"

#include <utility>

namespace iscsi::discovery::isns {

registrar::registrar(registration reg, std::uint32_t scn_bitmap) : reg_(std::move(reg)), scn_bitmap_(scn_bitmap) {}

void registrar::connected(time_point now, std::uint16_t first_xid, std::string portal_address, std::uint16_t scn_port)
{
    diag_.clear();
    next_xid_ = first_xid;
    reg_.portal_address = std::move(portal_address);
    reg_.portal_port = scn_port;
    reg_.scn_port = scn_port;
    out_.clear();
    register_entity(now, true);
}

void registrar::disconnected() noexcept
{
    state_ = state::disconnected;
    deadline_.reset();
    out_.clear();
}

std::vector<std::byte> registrar::take_output()
{
    return std::exchange(out_, {});
}

void registrar::send(message m, time_point now)
{
    m.xid = next_xid_++;
    pending_xid_ = m.xid;
    pending_fn_ = m.fn;
    auto bytes = encode(m);
    out_.insert(out_.end(), bytes.begin(), bytes.end());
    deadline_ = now + response_timeout;
}

/// DevAttrReg of our entity, portal and node. The first one replaces
/// whatever an earlier run left under our EID (§5.6.5.1, Replace flag);
/// a refresh updates it, which restarts the Registration Period.
void registrar::register_entity(time_point now, bool replace)
{
    auto r = reg_;
    r.entity_id = entity_id_.empty() ? reg_.entity_id : entity_id_;
    auto m = dev_attr_reg(r);
    if (!m) { // an address we took from our own socket: cannot happen
        diag_.set("our portal address " + reg_.portal_address.value_or("") + " is not an IP address");
        state_ = state::disconnected;
        return;
    }
    if (replace)
        m->flags |= flag::replace;
    state_ = replace ? state::registering : state::refreshing;
    send(std::move(*m), now);
}

result<void> registrar::on_message(message const& m, time_point now)
{
    if (!m.is_response) { // an ESI or SCN on our own connection: answer it there
        auto answer = on_scn(m);
        out_.insert(out_.end(), answer.begin(), answer.end());
        return {};
    }
    if (m.xid != pending_xid_ || m.fn != pending_fn_ || !deadline_) {
        diag_.set("a response (function " + std::to_string(static_cast<unsigned>(m.fn)) + ", transaction " +
                  std::to_string(m.xid) + ") to no request of ours");
        return make_error_code(errc::unexpected_response);
    }
    switch (state_) {
    case state::registering:
    case state::refreshing: {
        auto r = parse_registration(m, &diag_);
        if (!r)
            return r.error();
        if (!r->entity_id.empty())
            entity_id_ = r->entity_id;
        if (r->registration_period != 0)
            period_s_ = r->registration_period;
        if (state_ == state::refreshing) {
            state_ = state::registered;
            break;
        }
        state_ = state::scn_registering;
        send(scn_reg(reg_.initiator_name, scn_bitmap_), now);
        return {};
    }
    case state::scn_registering:
        if (auto ec = check_status(m, errc::registration_refused, "SCN registration", &diag_))
            return ec;
        state_ = state::registered;
        changed_ = true; // registered anew: what is there to see now?
        break;
    case state::registered:
    case state::disconnected: return make_error_code(errc::unexpected_response);
    }
    // Registered: refresh at half the Registration Period (none: never).
    deadline_.reset();
    if (period_s_ != 0)
        deadline_ = now + std::chrono::seconds(std::max<std::uint32_t>(1, period_s_ / 2));
    return {};
}

std::vector<std::byte> registrar::on_scn(message const& m)
{
    if (m.fn == function::scn)
        changed_ = true;
    return encode(answer_server_request(m));
}

result<void> registrar::on_timeout(time_point now)
{
    if (!deadline_ || now < *deadline_)
        return {};
    if (state_ == state::registered) {
        register_entity(now, false);
        return {};
    }
    diag_.set("no answer from the iSNS server within " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(response_timeout).count()) + " s");
    return make_error_code(errc::timed_out);
}

} // namespace iscsi::discovery::isns
