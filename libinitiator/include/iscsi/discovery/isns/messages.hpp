/**
 * @file
 * The iSNS messages an initiator needs (RFC 4171 §5.6.5), built and read
 * as values: registering our node and portal (DevAttrReg), asking which
 * targets we may see (DevAttrQry), leaving (DevDereg), and asking for
 * state-change notifications (SCNReg).
 *
 * Every request starts with the Source attribute, our iSCSI Name (§5.6.1),
 * then the Message Key, a Delimiter, and the Operating Attributes.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/discovery/isns/errors.hpp"
#include "iscsi/discovery/isns/pdu.hpp"
#include "iscsi/discovery/sendtargets.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iscsi::discovery::isns {

/// iSCSI Node Type bits (§6.4.2; the RFC's bit 31 is the least significant).
namespace node_type {
inline constexpr std::uint32_t target = 0x1;
inline constexpr std::uint32_t initiator = 0x2;
inline constexpr std::uint32_t control = 0x4;
} // namespace node_type

/// iSCSI SCN Bitmap bits (§6.4.4).
namespace scn {
inline constexpr std::uint32_t dd_member_added = 0x01;
inline constexpr std::uint32_t dd_member_removed = 0x02;
inline constexpr std::uint32_t object_updated = 0x04;
inline constexpr std::uint32_t object_added = 0x08;
inline constexpr std::uint32_t object_removed = 0x10;
inline constexpr std::uint32_t management_registration = 0x20;
inline constexpr std::uint32_t target_and_self_only = 0x40;
inline constexpr std::uint32_t initiator_and_self_only = 0x80;
} // namespace scn

/// Entity Protocol values (§6.2.2).
inline constexpr std::uint32_t entity_protocol_iscsi = 2;

/// Our node as we register it.
struct registration {
    std::string initiator_name;
    std::string alias;     ///< empty: not sent
    std::string entity_id; ///< empty: the server assigns one (§6.2.1)
    /// The portal we register, where the server can reach us for SCNs and
    /// ESI; without it the node is registered alone.
    std::optional<std::string> portal_address;
    std::uint16_t portal_port = 0;
    std::optional<std::uint16_t> scn_port; ///< where we listen for SCNs
};

/**
 * DevAttrReg (§5.6.5.1): an Entity (EID as given or empty, protocol iSCSI),
 * the portal if any, and our node as an initiator. Fails with
 * errc::bad_address when the portal address is not an IP literal.
 */
[[nodiscard]] result<message> dev_attr_reg(registration const& r);

/// DevAttrQry (§5.6.5.2) for every target our node may see: Message Key
/// iSCSI Node Type = Target; asks for each node's name, type and alias,
/// and for the portals and Portal Groups that reach it.
[[nodiscard]] message query_targets(std::string const& source);

/// DevGetNext (§5.6.5.3) for the target after `after` (empty: the first),
/// in the server's order: Message Key the iSCSI Name, operating attribute
/// iSCSI Node Type = Target as the filter. Past the last one the server
/// answers No Such Entry (9).
[[nodiscard]] message next_target(std::string const& source, std::string const& after);

/// The iSCSI Name in a DevGetNextRsp's Message Key; nullopt when there is none.
[[nodiscard]] std::optional<std::string> next_target_name(message const& response);

/// DevAttrQry of one target by name, asking for what query_targets() asks.
[[nodiscard]] message query_target(std::string const& source, std::string const& name);

/// DevDereg (§5.6.5.4) of our entity, or of our node when `entity_id` is empty.
[[nodiscard]] message dev_dereg(std::string const& source, std::string const& entity_id);

/// SCNReg (§5.6.5.5): Message Key our iSCSI Name, operating attribute the bitmap.
[[nodiscard]] message scn_reg(std::string const& source, std::uint32_t bitmap);

/**
 * Our answer to a request the server sends a client: SCNRsp with the
 * destination attribute (§5.7.5.8), ESIRsp with the ESI's attributes
 * (§5.7.5.13), and "Message (FUNCTION_ID) Not Supported" (15) to anything
 * else.
 */
[[nodiscard]] message answer_server_request(message const& request);

/// What a DevAttrRegRsp told us (§5.6.5.1): the Entity Identifier the
/// server assigned and its Registration Period (0 = none was given).
struct registered {
    std::string entity_id;
    std::uint32_t registration_period = 0;
};
/// A refusal is errc::registration_refused.
[[nodiscard]] result<registered> parse_registration(message const& response, diagnostics* diag = nullptr);

/**
 * The targets in a DevAttrQryRsp to query_targets(). Objects are told
 * apart by their first attribute (iSCSI Name: a node; Portal IP Address: a
 * portal; PG iSCSI Name: a portal group). A target is reached through the
 * portals its Portal Groups name, with their PGT; a PG whose PGT is empty
 * (NULL, §3.4) does not reach it. A target without any Portal Group is
 * reached through the portals listed with it, with tpgt unknown. IPv4
 * addresses come IPv4-mapped (§6.3.1) or, from some servers, IPv4-compatible.
 * A non-zero status is errc::query_refused with the status in `diag`.
 */
[[nodiscard]] result<std::vector<target_record>> parse_targets(message const& response, diagnostics* diag = nullptr);

/// A refusal (non-zero status): `refusal` with "<what>: <status name>" in `diag`.
[[nodiscard]] std::error_code check_status(message const& response, errc refusal, std::string_view what,
                                           diagnostics* diag);

} // namespace iscsi::discovery::isns
