/**
 * @file
 * Staying registered with an iSNS server (RFC 4171 §5.6.5.1, §5.6.5.5,
 * §5.6.5.8), sans-I/O: what iscsid does for an iSNS discovery record with
 * `discovery.isns.use_discoveryd = Yes`.
 *
 *   disconnected ──connected()──▶ registering ──DevAttrRegRsp──▶ scn_registering
 *        ▲                                                            │ SCNRegRsp
 *        │ refusal, timeout, disconnect          refreshing ◀──period/2── registered
 *        └──────────────────────────────────────────┘ (DevAttrReg again) ──▶ registered
 *
 * Each time it is registered anew, and on every State Change Notification,
 * take_changed() says the targets should be queried again (the driver runs
 * a discovery_exchange for that). SCNs arrive on connections the server
 * opens to our SCN port; on_scn() gives the SCNRsp for them.
 */
#pragma once

#include "iscsi/core/clock.hpp"
#include "iscsi/core/error.hpp"
#include "iscsi/discovery/isns/messages.hpp"
#include "iscsi/discovery/isns/pdu.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace iscsi::discovery::isns {

class registrar {
public:
    enum class state { disconnected, registering, scn_registering, registered, refreshing };

    /// How long a request may wait for its answer before the connection
    /// is given up.
    static constexpr duration response_timeout = std::chrono::seconds(10);
    /// open-iscsi's SCN bitmap: targets added, updated, removed, and only
    /// targets (and our own node) reported.
    static constexpr std::uint32_t default_scn_bitmap =
        scn::object_added | scn::object_updated | scn::object_removed | scn::target_and_self_only;

    explicit registrar(registration reg, std::uint32_t scn_bitmap = default_scn_bitmap);

    /// A new connection to the server: registers from scratch (Replace).
    /// `reg_portal` is where the server reaches us (our side of the
    /// connection and the SCN port).
    void connected(time_point now, std::uint16_t first_xid, std::string portal_address, std::uint16_t scn_port);
    /// The connection is gone: nothing is pending any more.
    void disconnected() noexcept;

    [[nodiscard]] std::vector<std::byte> take_output();
    /// A message on our connection. An error means: drop the connection
    /// (refusals included: the driver reconnects and registers again).
    [[nodiscard]] result<void> on_message(message const& m, time_point now);
    /// An SCN (or ESI) the server sent on a connection of its own; returns
    /// the answer to write back on that connection.
    [[nodiscard]] std::vector<std::byte> on_scn(message const& m);

    /// When on_timeout() must be called next: a refresh, or a response
    /// overdue.
    [[nodiscard]] std::optional<time_point> deadline() const noexcept { return deadline_; }
    /// An error when a response is overdue (drop the connection).
    [[nodiscard]] result<void> on_timeout(time_point now);

    /// True once after each (re)registration and each SCN.
    [[nodiscard]] bool take_changed() noexcept { return std::exchange(changed_, false); }
    [[nodiscard]] state current() const noexcept { return state_; }
    [[nodiscard]] std::string const& entity_id() const noexcept { return entity_id_; }
    [[nodiscard]] diagnostics const& diag() const noexcept { return diag_; }

private:
    void send(message m, time_point now);
    void register_entity(time_point now, bool replace);

    registration reg_;
    std::uint32_t scn_bitmap_;
    state state_ = state::disconnected;
    std::string entity_id_;
    std::uint32_t period_s_ = 0;
    std::uint16_t next_xid_ = 0;
    std::uint16_t pending_xid_ = 0;
    function pending_fn_{};
    std::optional<time_point> deadline_;
    std::vector<std::byte> out_;
    bool changed_ = false;
    diagnostics diag_;
};

} // namespace iscsi::discovery::isns
