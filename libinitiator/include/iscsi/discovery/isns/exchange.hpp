/**
 * @file
 * One iSNS discovery as a sans-I/O machine (RFC 4171 §5.6.5). As
 * open-iscsi does, it asks for every target in one DevAttrQry; only a
 * server that does not know our node (Status 6, Source Unknown) has it
 * registered first and deregistered at the end:
 *
 *   querying ──answer──────────────────────────────────────────────┐
 *     │ Source Unknown                        │ Internal Error      │
 *     ▼                                       ▼                     │
 *   registering ──▶ querying (registered)   enumerating ──▶ querying_each
 *                                               (DevGetNext)   (DevAttrQry per name)
 *                                                                   ▼
 *                                  deregistering (if registered) ──▶ done
 *
 * An answer too large for the server's message buffer comes back as
 * Internal Error from open-isns's isnsd (its messages stop at 8 KiB, about
 * 50 targets): the targets are then listed one at a time with DevGetNext
 * and each is queried by name, which any server can answer.
 *
 * Any refusal ends in state::failed (after deregistering when we had
 * registered). The driver sends what take_output() gives, feeds every
 * message from the server to on_message(), and stops at done or failed.
 * A server's own requests in between (ESI §5.6.5.13, SCN §5.6.5.8) are
 * answered at once, so that it does not drop us mid-discovery.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/discovery/isns/messages.hpp"
#include "iscsi/discovery/isns/pdu.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iscsi::discovery::isns {

class discovery_exchange {
public:
    enum class state { querying, registering, enumerating, querying_each, deregistering, done, failed };

    /// `first_xid`: the Transaction ID of the first request (then +1 each).
    discovery_exchange(registration reg, std::uint16_t first_xid);

    /// Bytes to send now (empty when there is nothing to send).
    [[nodiscard]] std::vector<std::byte> take_output();

    /// A whole message from the server. An error returned means the
    /// connection cannot be trusted any more (drop it); a refusal moves to
    /// state::failed instead, with error() and diag() set.
    [[nodiscard]] result<void> on_message(message const& m);

    [[nodiscard]] state current() const noexcept { return state_; }
    [[nodiscard]] bool finished() const noexcept { return state_ == state::done || state_ == state::failed; }
    [[nodiscard]] std::vector<target_record> const& targets() const noexcept { return targets_; }
    [[nodiscard]] std::error_code error() const noexcept { return error_; }
    [[nodiscard]] diagnostics const& diag() const noexcept { return diag_; }

private:
    void send(message m);
    void answer_server(message const& m);
    result<void> on_query(message const& m);
    result<void> on_next(message const& m);
    result<void> on_query_each(message const& m);
    void query_next_name();
    void finish();
    void fail(std::error_code ec);

    registration reg_;
    std::optional<std::string> entity_id_; ///< set once registered
    state state_ = state::querying;
    std::uint16_t next_xid_;
    std::uint16_t pending_xid_ = 0;
    function pending_fn_{};
    std::vector<std::byte> out_;
    std::vector<std::string> names_; ///< enumerated target names
    std::size_t queried_ = 0;        ///< names_ queried so far
    std::vector<target_record> targets_;
    std::error_code error_;
    diagnostics diag_;
};

} // namespace iscsi::discovery::isns
