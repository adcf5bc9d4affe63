/**
 * @file
 * The typed side of operational negotiation: what the initiator offers and
 * what the negotiation settles on. No strings of the wire format cross this
 * boundary except the target's own names (alias, address).
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iscsi::text {

/// HeaderDigest / DataDigest values (§13.1).
enum class digest : std::uint8_t { none, crc32c };

/// SessionType (§13.21).
enum class session_type : std::uint8_t { normal, discovery };

/**
 * What the initiator proposes. Defaults follow open-iscsi's iscsid.conf.
 * Digest lists are in order of preference (§6.2.1) and must not be empty.
 * first_burst_length larger than max_burst_length is lowered to it (§13.14).
 */
struct operational_offer {
    std::vector<digest> header_digest{digest::none};
    std::vector<digest> data_digest{digest::none};
    std::uint32_t max_connections = 1;
    bool initial_r2t = false;
    bool immediate_data = true;
    std::uint32_t max_recv_data_segment_length = 262144;
    std::uint32_t max_burst_length = 16776192;
    std::uint32_t first_burst_length = 262144;
    std::uint32_t default_time2wait = 2;
    std::uint32_t default_time2retain = 0;
    std::uint32_t max_outstanding_r2t = 1;
    bool data_pdu_in_order = true;
    bool data_sequence_in_order = true;
    std::uint32_t error_recovery_level = 0;
};

/**
 * The outcome, handed to the session (user-space data path) or the kernel.
 * Members start at the RFC 7143 §13 defaults, which hold for every key the
 * negotiation does not settle.
 */
struct negotiated_params {
    digest header_digest = digest::none;
    digest data_digest = digest::none;
    std::uint32_t max_connections = 1;
    bool initial_r2t = true;
    bool immediate_data = true;
    /// What WE declared: the largest data segment we accept (§13.12).
    std::uint32_t max_recv_data_segment_length = 8192;
    /// What the TARGET declared: the largest data segment we may send.
    std::uint32_t max_xmit_data_segment_length = 8192;
    std::uint32_t max_burst_length = 262144;
    std::uint32_t first_burst_length = 65536;
    std::uint32_t default_time2wait = 2;
    std::uint32_t default_time2retain = 20;
    std::uint32_t max_outstanding_r2t = 1;
    bool data_pdu_in_order = true;
    bool data_sequence_in_order = true;
    std::uint32_t error_recovery_level = 0;
    std::string target_alias;                               ///< §13.6, empty if not declared
    std::optional<std::uint16_t> target_portal_group_tag;   ///< §13.9
    std::string target_address;                             ///< §13.8, last one declared

    friend bool operator==(negotiated_params const&, negotiated_params const&) = default;
};

} // namespace iscsi::text
