#include "iscsi/discovery/isns/exchange.hpp"

#include "iscsi/discovery/isns/errors.hpp"

#include <utility>

namespace iscsi::discovery::isns {

namespace {
// §6.4 Status Codes.
constexpr std::uint32_t status_source_unknown = 6;
constexpr std::uint32_t status_no_such_entry = 9;
constexpr std::uint32_t status_internal_error = 11;
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

/// The targets are known: leave (deregistering first if we registered).
void discovery_exchange::finish()
{
    if (!entity_id_) {
        state_ = error_ ? state::failed : state::done;
        return;
    }
    state_ = state::deregistering;
    send(dev_dereg(reg_.initiator_name, *entity_id_));
    entity_id_.reset();
}

void discovery_exchange::fail(std::error_code ec)
{
    error_ = ec;
    finish(); // a failed query still deregisters: leave no registration behind
}

void discovery_exchange::answer_server(message const& m)
{
    auto bytes = encode(answer_server_request(m));
    out_.insert(out_.end(), bytes.begin(), bytes.end());
}

result<void> discovery_exchange::on_query(message const& m)
{
    if (m.status == status_source_unknown && !entity_id_) {
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
    if (m.status == status_internal_error) {
        state_ = state::enumerating; // too large an answer for the server: one target at a time
        send(next_target(reg_.initiator_name, ""));
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
    finish();
    return {};
}

result<void> discovery_exchange::on_next(message const& m)
{
    if (m.status == status_no_such_entry) { // past the last target (§5.7.5.3)
        query_next_name();
        return {};
    }
    if (auto ec = check_status(m, errc::query_refused, "next target", &diag_)) {
        fail(ec);
        return {};
    }
    auto name = next_target_name(m);
    if (!name || name->empty() || (!names_.empty() && *name == names_.back())) {
        diag_.set("a DevGetNext answer without a next iSCSI Name");
        return make_error_code(errc::bad_response_layout); // would loop forever
    }
    if (names_.size() == max_targets) {
        diag_.set("more than " + std::to_string(max_targets) + " targets");
        return make_error_code(errc::too_many_objects);
    }
    names_.push_back(*name);
    send(next_target(reg_.initiator_name, names_.back()));
    return {};
}

void discovery_exchange::query_next_name()
{
    if (queried_ == names_.size()) {
        finish();
        return;
    }
    state_ = state::querying_each;
    send(query_target(reg_.initiator_name, names_[queried_++]));
}

result<void> discovery_exchange::on_query_each(message const& m)
{
    auto t = parse_targets(m, &diag_);
    if (!t) {
        if (recovery_for(t.error()) == recovery::drop_connection)
            return t.error();
        fail(t.error());
        return {};
    }
    for (auto& r : *t)
        targets_.push_back(std::move(r));
    query_next_name();
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
    case state::querying: return on_query(m);
    case state::enumerating: return on_next(m);
    case state::querying_each: return on_query_each(m);
    case state::registering: {
        auto r = parse_registration(m, &diag_);
        if (!r) {
            fail(r.error());
            break;
        }
        entity_id_ = r->entity_id;
        state_ = state::querying;
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
