#include "iscsi/discovery/isns/exchange.hpp"

#include "iscsi/discovery/isns/errors.hpp"

#include <utility>

namespace iscsi::discovery::isns {

namespace {
/// §6.4: "Source Unknown": the server does not know the Source attribute.
constexpr std::uint32_t status_source_unknown = 6;
/// §6.4: what we answer a request a discovery client does not serve.
constexpr std::uint32_t status_not_supported = 15;
} // namespace

discovery_exchange::discovery_exchange(registration reg, std::uint16_t first_xid)
    : reg_(std::move(reg)), next_xid_(first_xid)
{
    send(query_targets(reg_.initiator_name));
}

std::vector<std::byte> discovery_exchange::take_output()
{
    return std::exchange(out_, {});
}

void discovery_exchange::send(message m)
{
    m.xid = next_xid_++;
    pending_xid_ = m.xid;
    pending_fn_ = m.fn;
    auto bytes = encode(m);
    out_.insert(out_.end(), bytes.begin(), bytes.end());
}

void discovery_exchange::fail(std::error_code ec)
{
    error_ = ec;
    // Leave no registration behind: a failed query still deregisters.
    if (state_ == state::querying_registered) {
        state_ = state::deregistering;
        send(dev_dereg(reg_.initiator_name, entity_id_));
        return;
    }
    state_ = state::failed;
}

void discovery_exchange::answer_server(message const& m)
{
    message rsp;
    rsp.fn = m.fn;
    rsp.is_response = true;
    rsp.xid = m.xid;
    rsp.status = 0;
    if (m.fn == function::esi) {
        rsp.attributes = m.attributes; // §5.7.5.13: ESIRsp repeats the ESI's attributes
    } else if (m.fn == function::scn) {
        if (!m.attributes.empty())
            rsp.attributes.push_back(m.attributes.front()); // §5.7.5.8: the destination
    } else {
        rsp.status = status_not_supported;
    }
    auto bytes = encode(rsp);
    out_.insert(out_.end(), bytes.begin(), bytes.end());
}

result<void> discovery_exchange::on_query(message const& m)
{
    if (state_ == state::querying && m.status == status_source_unknown) {
        auto reg = dev_attr_reg(reg_);
        if (!reg) {
            diag_.set("the portal to register, " + reg_.portal_address.value_or("") + ", is not an IP address");
            fail(reg.error());
            return {};
        }
        state_ = state::registering;
        send(std::move(*reg));
        return {};
    }
    auto t = parse_targets(m, &diag_);
    if (!t) {
        if (recovery_for(t.error()) == recovery::drop_connection)
            return t.error(); // the server's data cannot be trusted: no more talk
        fail(t.error());
        return {};
    }
    targets_ = std::move(*t);
    if (state_ == state::querying) {
        state_ = state::done;
        return {};
    }
    state_ = state::deregistering;
    send(dev_dereg(reg_.initiator_name, entity_id_));
    return {};
}

result<void> discovery_exchange::on_message(message const& m)
{
    if (!m.is_response) {
        answer_server(m);
        return {};
    }
    if (finished() || m.xid != pending_xid_ || m.fn != pending_fn_) {
        diag_.set("a response (function " + std::to_string(static_cast<unsigned>(m.fn)) + ", transaction " +
                  std::to_string(m.xid) + ") to no request of ours");
        return make_error_code(errc::unexpected_response);
    }
    switch (state_) {
    case state::querying:
    case state::querying_registered: return on_query(m);
    case state::registering: {
        auto r = parse_registration(m, &diag_);
        if (!r) {
            fail(r.error());
            break;
        }
        entity_id_ = r->entity_id;
        state_ = state::querying_registered;
        send(query_targets(reg_.initiator_name));
        break;
    }
    case state::deregistering:
        // A refused deregistration does not undo a discovery: the server
        // expires the entity after its Registration Period.
        state_ = error_ ? state::failed : state::done;
        break;
    case state::done:
    case state::failed: break;
    }
    return {};
}

} // namespace iscsi::discovery::isns
