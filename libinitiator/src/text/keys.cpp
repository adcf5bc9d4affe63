#include "iscsi/text/keys.hpp"

#include "iscsi/text/values.hpp"

#include <algorithm>
#include <array>

namespace iscsi::text {
namespace {

using np = negotiated_params;
using oo = operational_offer;
constexpr std::uint64_t max_segment = (1U << 24) - 1; // 2^24-1, §13.12-§13.14

// One row per key. Read each against its RFC section; "LO" = leading_only.
constexpr std::array<key_row, key_count> table{{
    {key_id::header_digest, "HeaderDigest", "13.1", key_sender::both, key_use::login_only,
     key_stage::operational, false, key_scope::connection, key_kind::list, "None", 0, 0, false,
     {.digest_field = &np::header_digest, .offer_digests = &oo::header_digest}},
    {key_id::data_digest, "DataDigest", "13.1", key_sender::both, key_use::login_only,
     key_stage::operational, false, key_scope::connection, key_kind::list, "None", 0, 0, false,
     {.digest_field = &np::data_digest, .offer_digests = &oo::data_digest}},
    {key_id::max_connections, "MaxConnections", "13.2", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::numerical_min, "1", 1, 65535, true,
     {.number_field = &np::max_connections, .offer_number = &oo::max_connections}},
    {key_id::send_targets, "SendTargets", "13.3", key_sender::initiator, key_use::full_feature_only,
     key_stage::any, false, key_scope::session, key_kind::declarative, "", 0, 0, false, {}},
    // Use: IO by the initiator, FFPO by the target (in SendTargets answers).
    {key_id::target_name, "TargetName", "13.4", key_sender::both, key_use::any_phase, key_stage::any,
     false, key_scope::session, key_kind::declarative, "", 0, 0, false, {}},
    {key_id::initiator_name, "InitiatorName", "13.5", key_sender::initiator, key_use::login_only,
     key_stage::any, false, key_scope::session, key_kind::declarative, "", 0, 0, false, {}},
    {key_id::target_alias, "TargetAlias", "13.6", key_sender::target, key_use::any_phase, key_stage::any,
     false, key_scope::session, key_kind::declarative, "", 0, 0, false, {}},
    {key_id::initiator_alias, "InitiatorAlias", "13.7", key_sender::initiator, key_use::any_phase,
     key_stage::any, false, key_scope::session, key_kind::declarative, "", 0, 0, false, {}},
    {key_id::target_address, "TargetAddress", "13.8", key_sender::target, key_use::any_phase,
     key_stage::any, false, key_scope::session, key_kind::declarative, "", 0, 0, false, {}},
    {key_id::target_portal_group_tag, "TargetPortalGroupTag", "13.9", key_sender::target,
     key_use::login_only, key_stage::any, false, key_scope::session, key_kind::declarative, "", 0, 65535,
     false, {}},
    {key_id::initial_r2t, "InitialR2T", "13.10", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::boolean_or, "Yes", 0, 0, true,
     {.bool_field = &np::initial_r2t, .offer_bool = &oo::initial_r2t}},
    {key_id::immediate_data, "ImmediateData", "13.11", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::boolean_and, "Yes", 0, 0, true,
     {.bool_field = &np::immediate_data, .offer_bool = &oo::immediate_data}},
    // Declarative per direction: our value bounds what we receive, the
    // target's bounds what we send.
    {key_id::max_recv_data_segment_length, "MaxRecvDataSegmentLength", "13.12", key_sender::both,
     key_use::any_phase, key_stage::operational, false, key_scope::connection, key_kind::declarative,
     "8192", 512, max_segment, false,
     {.number_field = &np::max_recv_data_segment_length,
      .declared_by_target = &np::max_xmit_data_segment_length,
      .offer_number = &oo::max_recv_data_segment_length}},
    {key_id::max_burst_length, "MaxBurstLength", "13.13", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::numerical_min, "262144", 512,
     max_segment, true, {.number_field = &np::max_burst_length, .offer_number = &oo::max_burst_length}},
    {key_id::first_burst_length, "FirstBurstLength", "13.14", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::numerical_min, "65536", 512,
     max_segment, true,
     {.number_field = &np::first_burst_length, .offer_number = &oo::first_burst_length}},
    {key_id::default_time2wait, "DefaultTime2Wait", "13.15", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::numerical_max, "2", 0, 3600, false,
     {.number_field = &np::default_time2wait, .offer_number = &oo::default_time2wait}},
    {key_id::default_time2retain, "DefaultTime2Retain", "13.16", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::numerical_min, "20", 0, 3600, false,
     {.number_field = &np::default_time2retain, .offer_number = &oo::default_time2retain}},
    {key_id::max_outstanding_r2t, "MaxOutstandingR2T", "13.17", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::numerical_min, "1", 1, 65535, true,
     {.number_field = &np::max_outstanding_r2t, .offer_number = &oo::max_outstanding_r2t}},
    {key_id::data_pdu_in_order, "DataPDUInOrder", "13.18", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::boolean_or, "Yes", 0, 0, true,
     {.bool_field = &np::data_pdu_in_order, .offer_bool = &oo::data_pdu_in_order}},
    {key_id::data_sequence_in_order, "DataSequenceInOrder", "13.19", key_sender::both,
     key_use::login_only, key_stage::operational, true, key_scope::session, key_kind::boolean_or, "Yes", 0,
     0, true, {.bool_field = &np::data_sequence_in_order, .offer_bool = &oo::data_sequence_in_order}},
    {key_id::error_recovery_level, "ErrorRecoveryLevel", "13.20", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::numerical_min, "0", 0, 2, false,
     {.number_field = &np::error_recovery_level, .offer_number = &oo::error_recovery_level}},
    {key_id::session_type, "SessionType", "13.21", key_sender::initiator, key_use::login_only,
     key_stage::any, true, key_scope::session, key_kind::declarative, "Normal", 0, 0, false, {}},
    {key_id::auth_method, "AuthMethod", "12.1", key_sender::both, key_use::login_only,
     key_stage::security, false, key_scope::connection, key_kind::list, "None", 0, 0, false, {}},
    {key_id::task_reporting, "TaskReporting", "13.23", key_sender::both, key_use::login_only,
     key_stage::operational, true, key_scope::session, key_kind::list, "RFC3720", 0, 0, true, {}},
    // RFC 7144 §2.1; level 1 is RFC 7143 itself.
    {key_id::iscsi_protocol_level, "iSCSIProtocolLevel", "7144 2.1", key_sender::both,
     key_use::login_only, key_stage::operational, true, key_scope::session, key_kind::numerical_min, "1",
     0, 31, true, {}},
    // §13.25: obsolete since RFC 7143; answered Reject, never NotUnderstood.
    {key_id::of_marker, "OFMarker", "13.25", key_sender::both, key_use::login_only, key_stage::operational,
     false, key_scope::connection, key_kind::obsolete, "No", 0, 0, false, {}},
    {key_id::if_marker, "IFMarker", "13.25", key_sender::both, key_use::login_only, key_stage::operational,
     false, key_scope::connection, key_kind::obsolete, "No", 0, 0, false, {}},
    {key_id::of_mark_int, "OFMarkInt", "13.25", key_sender::both, key_use::login_only,
     key_stage::operational, false, key_scope::connection, key_kind::obsolete, "2048", 0, 0, false, {}},
    {key_id::if_mark_int, "IFMarkInt", "13.25", key_sender::both, key_use::login_only,
     key_stage::operational, false, key_scope::connection, key_kind::obsolete, "2048", 0, 0, false, {}},
}};

constexpr bool rows_in_id_order()
{
    for (std::size_t i = 0; i < table.size(); ++i)
        if (static_cast<std::size_t>(table[i].id) != i) return false;
    return true;
}
static_assert(rows_in_id_order(), "key_row table must be indexed by key_id");

} // namespace

std::span<key_row const> key_table() noexcept { return table; }

key_row const* find_key(std::string_view name) noexcept
{
    auto const it = std::find_if(table.begin(), table.end(), [name](key_row const& r) { return r.name == name; });
    return it == table.end() ? nullptr : &*it;
}

key_row const& key_info(key_id id) noexcept { return table[static_cast<std::size_t>(id)]; }

std::string_view describe(key_kind k) noexcept
{
    switch (k) {
    case key_kind::list: return "list (first acceptable value of the offer)";
    case key_kind::numerical_min: return "Minimum (the answer may not exceed the offer)";
    case key_kind::numerical_max: return "Maximum (the answer may not be below the offer)";
    case key_kind::boolean_and: return "AND (an offer of No allows only No)";
    case key_kind::boolean_or: return "OR (an offer of Yes allows only Yes)";
    case key_kind::declarative: return "declarative";
    case key_kind::obsolete: return "obsolete";
    }
    return "unknown";
}

std::optional<std::string_view> select_from_list(std::string_view offered_list,
                                                 std::span<std::string_view const> acceptable)
{
    for (auto const item : split_list(offered_list))
        if (std::find(acceptable.begin(), acceptable.end(), item) != acceptable.end()) return item;
    return std::nullopt;
}

std::string_view to_string(digest d) noexcept { return d == digest::crc32c ? "CRC32C" : "None"; }

std::optional<digest> parse_digest(std::string_view v) noexcept
{
    if (v == "None") return digest::none;
    if (v == "CRC32C") return digest::crc32c;
    return std::nullopt;
}

} // namespace iscsi::text
