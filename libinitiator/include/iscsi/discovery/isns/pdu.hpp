/**
 * @file
 * iSNSP framing (RFC 4171 §5.1): the 12-byte PDU header, tag-length-value
 * attributes, and messages made of one or more PDUs. Sans-I/O: bytes in,
 * messages out, and messages in, bytes out.
 *
 *   PDU header   Version(2)=1  Function ID(2)  PDU Length(2)  Flags(2)
 *                Transaction ID(2)  Sequence ID(2)
 *   payload      PDU Length bytes; a message's payloads, in Sequence ID
 *                order, concatenate to: [Status Code(4), responses only]
 *                then attributes, each Tag(4) Length(4) Value(Length)
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iscsi::discovery::isns {

/// iSNS's registered TCP/UDP port (RFC 4171 §10.2).
inline constexpr std::uint16_t default_port = 3205;
inline constexpr std::uint16_t isnsp_version = 1;
inline constexpr std::size_t header_size = 12;

/// Limits on what a server may send (STYLE habit 16). A query answer for
/// 4,096 targets with a few portals each is well under a megabyte.
inline constexpr std::size_t max_message_size = 16U << 20;
inline constexpr std::size_t max_attributes = 1U << 20;

/// Function IDs (§5.1.3, Table 2); a response is its request's | 0x8000.
enum class function : std::uint16_t {
    dev_attr_reg = 0x0001,
    dev_attr_qry = 0x0002,
    dev_get_next = 0x0003,
    dev_dereg = 0x0004,
    scn_reg = 0x0005,
    scn_dereg = 0x0006,
    scn_event = 0x0007,
    scn = 0x0008,
    dd_reg = 0x0009,
    dd_dereg = 0x000A,
    dds_reg = 0x000B,
    dds_dereg = 0x000C,
    esi = 0x000D,
    heartbeat = 0x000E,
};
inline constexpr std::uint16_t response_bit = 0x8000;

/// Flags (§5.1.4). Bit 16 of the RFC's numbering is the most significant.
namespace flag {
inline constexpr std::uint16_t client = 0x8000;    ///< sender is the iSNS client
inline constexpr std::uint16_t server = 0x4000;    ///< sender is the iSNS server
inline constexpr std::uint16_t auth = 0x2000;      ///< an authentication block follows
inline constexpr std::uint16_t replace = 0x1000;   ///< DevAttrReg replaces the entity
inline constexpr std::uint16_t last_pdu = 0x0800;  ///< last PDU of the message
inline constexpr std::uint16_t first_pdu = 0x0400; ///< first PDU of the message
} // namespace flag

/// Attribute tags (§6.1) this client sends or reads.
enum class tag : std::uint32_t {
    delimiter = 0,
    entity_identifier = 1,
    entity_protocol = 2,
    management_ip_address = 3,
    timestamp = 4,
    protocol_version_range = 5,
    registration_period = 6,
    entity_index = 7,
    portal_ip_address = 16,
    portal_port = 17,
    portal_symbolic_name = 18,
    esi_interval = 19,
    esi_port = 20,
    portal_index = 22,
    scn_port = 23,
    iscsi_name = 32,
    iscsi_node_type = 33,
    iscsi_alias = 34,
    iscsi_scn_bitmap = 35,
    iscsi_node_index = 36,
    iscsi_auth_method = 42,
    pg_iscsi_name = 48,
    pg_portal_ip_address = 49,
    pg_portal_port = 50,
    pg_tag = 51,
    pg_index = 52,
    dd_set_id = 2049,
    dd_id = 2065,
    dd_symbolic_name = 2066,
    dd_member_iscsi_index = 2067,
    dd_member_iscsi_name = 2068,
};

/// One attribute as on the wire: `value` holds Length bytes, padding and a
/// string's NUL included. An empty value is a "zero-length" attribute: in
/// a query's operating attributes it asks the server for that attribute.
struct attribute {
    std::uint32_t tag = 0;
    std::vector<std::byte> value;

    [[nodiscard]] isns::tag tag_id() const noexcept { return static_cast<isns::tag>(tag); }
    friend bool operator==(attribute const&, attribute const&) = default;
};

/// A whole message. `status` is set on responses only (§5.4).
struct message {
    function fn{};
    bool is_response = false;
    std::uint16_t flags = 0; ///< of the first PDU, First/Last excluded
    std::uint16_t xid = 0;   ///< Transaction ID
    std::optional<std::uint32_t> status;
    std::vector<attribute> attributes;
};

// --- building attributes -------------------------------------------------
/// A zero-length attribute (a delimiter, or a query's "send me this").
[[nodiscard]] attribute empty_attribute(tag t);
/// A string: UTF-8, NUL-terminated, padded with NULs to a multiple of 4 (§6.1).
[[nodiscard]] attribute string_attribute(tag t, std::string_view s);
[[nodiscard]] attribute u32_attribute(tag t, std::uint32_t v);
/// An IP address field: 16 bytes, IPv4 as an IPv4-mapped IPv6 address
/// (::ffff:a.b.c.d, §6.3.1). Fails with errc::bad_address for anything
/// but an IPv4 or IPv6 literal.
[[nodiscard]] result<attribute> address_attribute(tag t, std::string_view address);

// --- reading attribute values ---------------------------------------------
/// The string up to its first NUL; nullopt when there is no NUL (§6.1
/// requires one) or the value is empty.
[[nodiscard]] std::optional<std::string> string_value(attribute const& a);
[[nodiscard]] std::optional<std::uint32_t> u32_value(attribute const& a);
/// A 16-byte address as text: dotted IPv4 for IPv4-mapped ones (and for
/// IPv4-compatible ones, ::a.b.c.d, which open-isns's isnsadm sends), IPv6
/// otherwise.
[[nodiscard]] std::optional<std::string> address_value(attribute const& a);

// --- messages ---------------------------------------------------------------
/**
 * Encodes `m` as one PDU (First and Last PDU set) with the client flag, or
 * as several when its payload exceeds 65,532 bytes (PDU Length is 16 bits).
 * A message's own flags (e.g. flag::replace) are kept.
 */
[[nodiscard]] std::vector<std::byte> encode(message const& m);

/**
 * Reassembles messages from a byte stream (§5.1: a message may span PDUs
 * whose payloads concatenate). feed() takes what it can use and returns
 * the number of bytes consumed; when a message is complete, ready() is
 * true and take() hands it over (feed consumes nothing more until then).
 * Errors are errc values with the offending field in `diag`; the stream
 * is then unusable (drop the connection).
 */
class message_reader {
public:
    [[nodiscard]] result<std::size_t> feed(std::span<std::byte const> in, diagnostics* diag = nullptr);
    [[nodiscard]] bool ready() const noexcept { return ready_; }
    [[nodiscard]] message take();

private:
    result<void> on_header(diagnostics* diag);
    result<void> on_pdu_complete(diagnostics* diag);

    std::byte header_[header_size]{};
    std::size_t header_have_ = 0;
    std::size_t payload_left_ = 0;
    bool in_message_ = false;
    bool ready_ = false;
    std::uint16_t fn_ = 0, flags_ = 0, xid_ = 0, next_seq_ = 0, pdu_flags_ = 0;
    std::vector<std::byte> payload_;
    message done_;
};

/// Splits a message payload into attributes, after the 4-byte status when
/// `is_response` (§5.4). Bounded by max_attributes.
[[nodiscard]] result<message> parse_payload(function fn, bool is_response, std::uint16_t flags, std::uint16_t xid,
                                            std::span<std::byte const> payload, diagnostics* diag = nullptr);

} // namespace iscsi::discovery::isns
