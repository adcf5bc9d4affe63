// The key tables of open-iscsi's record files (schema.hpp). Row order is the
// order open-iscsi 2.1.8 prints and writes keys; tests/unit/db compares a
// fresh record against a record written by open-iscsi itself.
#include "iscsi/db/schema.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

namespace iscsi::db {
namespace {

using namespace std::string_view_literals;

// --- value printers and parsers, chosen by the member's type ---------------

constexpr std::array yes_no{"No"sv, "Yes"sv};
constexpr std::array startup_names{"manual"sv, "automatic"sv, "onboot"sv};
constexpr std::array discovery_startup_names{"manual"sv, "automatic"sv};
constexpr std::array auth_names{"None"sv, "CHAP"sv};
constexpr std::array disc_type_names{"send_targets"sv, "isns"sv, "offload_send_targets"sv,
                                     "slp"sv, "static"sv, "fw"sv};
constexpr std::array digest_names{"None"sv, "CRC32C"sv, "CRC32C,None"sv, "None,CRC32C"sv};
constexpr std::array scan_names{"manual"sv, "auto"sv};
constexpr std::array disc_kind_names{"sendtargets"sv, "slp"sv, "isns"sv};

constexpr std::span<std::string_view const> choices_of(std::string const*) { return {}; }
constexpr std::span<std::string_view const> choices_of(int const*) { return {}; }
constexpr std::span<std::string_view const> choices_of(bool const*) { return yes_no; }
constexpr std::span<std::string_view const> choices_of(startup_mode const*) { return startup_names; }
constexpr std::span<std::string_view const> choices_of(discovery_startup const*) { return discovery_startup_names; }
constexpr std::span<std::string_view const> choices_of(auth_method const*) { return auth_names; }
constexpr std::span<std::string_view const> choices_of(discovery_type const*) { return disc_type_names; }
constexpr std::span<std::string_view const> choices_of(digest_pref const*) { return digest_names; }
constexpr std::span<std::string_view const> choices_of(scan_mode const*) { return scan_names; }
constexpr std::span<std::string_view const> choices_of(discovery_kind const*) { return disc_kind_names; }

std::string format_value(std::string const& v) { return v; }
std::string format_value(int v) { return std::to_string(v); }
template <class Choice>
std::string format_value(Choice const& v)
{
    auto names = choices_of(&v);
    auto const i = static_cast<std::size_t>(v);
    return i < names.size() ? std::string(names[i]) : std::string();
}

void append_value(std::string& out, std::string const& v) { out += v; }
void append_value(std::string& out, int v)
{
    char buf[16];
    auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(end - buf)); // (pointer, length): the iterator form goes through _M_replace
}
template <class Choice>
void append_value(std::string& out, Choice const& v)
{
    auto names = choices_of(&v);
    auto const i = static_cast<std::size_t>(v);
    if (i < names.size())
        out += names[i];
}

/// A value is one line of a file: a newline or NUL would split or cut it.
bool is_single_line(std::string_view v)
{
    return v.find_first_of("\n\r"sv) == std::string_view::npos && v.find('\0') == std::string_view::npos;
}

parse_status parse_value(std::string& out, std::string_view v)
{
    if (!is_single_line(v))
        return parse_status::bad_value;
    out.assign(v);
    return parse_status::ok;
}

// Stricter than open-iscsi (strtoul: "abc" silently becomes 0): a number
// must be a whole decimal int. docs/compat.md records the difference.
parse_status parse_value(int& out, std::string_view v)
{
    int n = 0;
    auto const* const end = v.data() + v.size();
    auto const [p, ec] = std::from_chars(v.data(), end, n);
    if (v.empty() || ec != std::errc{} || p != end)
        return parse_status::bad_value;
    out = n;
    return parse_status::ok;
}

template <class Choice>
parse_status parse_value(Choice& out, std::string_view v)
{
    auto names = choices_of(&out);
    auto const it = std::find(names.begin(), names.end(), v);
    if (it == names.end())
        return parse_status::bad_value;
    out = static_cast<Choice>(it - names.begin());
    return parse_status::ok;
}

/// node.session.auth.chap_algs: a comma list of the algorithms we and
/// open-iscsi know (RFC 7143 §12.1.3 / RFC 8265 numbering aside).
parse_status parse_chap_algs(std::string& out, std::string_view v)
{
    constexpr std::array known{"MD5"sv, "SHA1"sv, "SHA256"sv, "SHA3-256"sv};
    std::string_view rest = v;
    while (true) {
        auto const comma = rest.find(',');
        auto const item = rest.substr(0, comma);
        if (std::find(known.begin(), known.end(), item) == known.end())
            return parse_status::bad_value;
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    out.assign(v);
    return parse_status::ok;
}

constexpr auto shown = visibility::shown;
constexpr auto masked = visibility::masked;
constexpr bool rw = true;
constexpr bool ro = false;

// One row: key, member, visibility, modifiable. The lambdas are captureless,
// so each row stores two plain function pointers bound to one member; a
// macro because C++20 cannot name "a member of a member" any other way
// without a pointer-to-member chain per nesting level.
#define ISCSI_DB_ROW(R, key, member, vis, mod)                                                   \
    field<R>                                                                                     \
    {                                                                                            \
        key, vis, mod, [](R const& r) { return format_value(r.member); },                        \
            [](R const& r, std::string& out) { append_value(out, r.member); },                   \
            [](R& r, std::string_view v) { return parse_value(r.member, v); },                   \
            choices_of(static_cast<std::remove_cvref_t<decltype(std::declval<R&>().member)> const*>(nullptr))                                         \
    }
#define ISCSI_DB_CHAP_ALGS(R, key, member)                                                       \
    field<R>                                                                                     \
    {                                                                                            \
        key, shown, rw, [](R const& r) { return r.member; },                                     \
            [](R const& r, std::string& out) { out += r.member; },                               \
            [](R& r, std::string_view v) { return parse_chap_algs(r.member, v); }, {}            \
    }

#define N(key, member, vis, mod) ISCSI_DB_ROW(node_record, key, member, vis, mod)
const std::array node_head{
    N("node.name", name, shown, ro),
    N("node.tpgt", tpgt, shown, ro),
    N("node.startup", startup, shown, rw),
    N("node.leading_login", leading_login, shown, rw),
};

const std::array node_tail{
    N("node.discovery_address", discovery_address, shown, ro),
    N("node.discovery_port", discovery_port, shown, ro),
    N("node.discovery_type", disc_type, shown, ro),
    N("node.session.initial_cmdsn", session.initial_cmdsn, shown, rw),
    N("node.session.initial_login_retry_max", session.initial_login_retry_max, shown, rw),
    N("node.session.xmit_thread_priority", session.xmit_thread_priority, shown, rw),
    N("node.session.cmds_max", session.cmds_max, shown, rw),
    N("node.session.queue_depth", session.queue_depth, shown, rw),
    N("node.session.nr_sessions", session.nr_sessions, shown, rw),
    N("node.session.auth.authmethod", session.auth.authmethod, shown, rw),
    N("node.session.auth.username", session.auth.username, shown, rw),
    N("node.session.auth.password", session.auth.password, masked, rw),
    N("node.session.auth.username_in", session.auth.username_in, shown, rw),
    N("node.session.auth.password_in", session.auth.password_in, masked, rw),
    ISCSI_DB_CHAP_ALGS(node_record, "node.session.auth.chap_algs", session.chap_algs),
    N("node.session.timeo.replacement_timeout", session.replacement_timeout, shown, rw),
    N("node.session.err_timeo.abort_timeout", session.abort_timeout, shown, rw),
    N("node.session.err_timeo.lu_reset_timeout", session.lu_reset_timeout, shown, rw),
    N("node.session.err_timeo.tgt_reset_timeout", session.tgt_reset_timeout, shown, rw),
    N("node.session.err_timeo.host_reset_timeout", session.host_reset_timeout, shown, rw),
    N("node.session.iscsi.FastAbort", session.fast_abort, shown, rw),
    N("node.session.iscsi.InitialR2T", session.initial_r2t, shown, rw),
    N("node.session.iscsi.ImmediateData", session.immediate_data, shown, rw),
    N("node.session.iscsi.FirstBurstLength", session.first_burst_length, shown, rw),
    N("node.session.iscsi.MaxBurstLength", session.max_burst_length, shown, rw),
    N("node.session.iscsi.DefaultTime2Retain", session.default_time2retain, shown, rw),
    N("node.session.iscsi.DefaultTime2Wait", session.default_time2wait, shown, rw),
    N("node.session.iscsi.MaxConnections", session.max_connections, shown, rw),
    N("node.session.iscsi.MaxOutstandingR2T", session.max_outstanding_r2t, shown, rw),
    N("node.session.iscsi.ERL", session.erl, shown, rw),
    N("node.session.scan", session.scan, shown, rw),
    N("node.session.reopen_max", session.reopen_max, shown, rw),
    N("node.conn[0].address", conn.address, shown, ro),
    N("node.conn[0].port", conn.port, shown, ro),
    N("node.conn[0].startup", conn.startup, shown, rw),
    N("node.conn[0].tcp.window_size", conn.window_size, shown, rw),
    N("node.conn[0].tcp.type_of_service", conn.type_of_service, shown, rw),
    N("node.conn[0].timeo.logout_timeout", conn.logout_timeout, shown, rw),
    N("node.conn[0].timeo.login_timeout", conn.login_timeout, shown, rw),
    N("node.conn[0].timeo.auth_timeout", conn.auth_timeout, shown, rw),
    N("node.conn[0].timeo.noop_out_interval", conn.noop_out_interval, shown, rw),
    N("node.conn[0].timeo.noop_out_timeout", conn.noop_out_timeout, shown, rw),
    N("node.conn[0].iscsi.MaxXmitDataSegmentLength", conn.max_xmit_data_segment_length, shown, rw),
    N("node.conn[0].iscsi.MaxRecvDataSegmentLength", conn.max_recv_data_segment_length, shown, rw),
    N("node.conn[0].iscsi.HeaderDigest", conn.header_digest, shown, rw),
    N("node.conn[0].iscsi.DataDigest", conn.data_digest, shown, rw),
    N("node.conn[0].iscsi.IFMarker", conn.if_marker, shown, rw),
    N("node.conn[0].iscsi.OFMarker", conn.of_marker, shown, rw),
};
#undef N

#define I(key, member, mod) ISCSI_DB_ROW(iface_record, key, member, shown, mod)
const std::array iface_rows{
    I("iface.iscsi_ifacename", name, ro),
    I("iface.net_ifacename", net_ifacename, rw),
    I("iface.ipaddress", ipaddress, rw),
    I("iface.prefix_len", prefix_len, rw),
    I("iface.hwaddress", hwaddress, rw),
    I("iface.transport_name", transport_name, rw),
    I("iface.initiatorname", initiatorname, rw),
    I("iface.state", state, rw),
    I("iface.vlan_id", vlan_id, rw),
    I("iface.vlan_priority", vlan_priority, rw),
    I("iface.vlan_state", vlan_state, rw),
    I("iface.iface_num", iface_num, rw),
    I("iface.mtu", mtu, rw),
    I("iface.port", port, rw),
    I("iface.bootproto", bootproto, rw),
    I("iface.subnet_mask", subnet_mask, rw),
    I("iface.gateway", gateway, rw),
    I("iface.dhcp_alt_client_id_state", dhcp_alt_client_id_state, rw),
    I("iface.dhcp_alt_client_id", dhcp_alt_client_id, rw),
    I("iface.dhcp_dns", dhcp_dns, rw),
    I("iface.dhcp_learn_iqn", dhcp_learn_iqn, rw),
    I("iface.dhcp_req_vendor_id_state", dhcp_req_vendor_id_state, rw),
    I("iface.dhcp_vendor_id_state", dhcp_vendor_id_state, rw),
    I("iface.dhcp_vendor_id", dhcp_vendor_id, rw),
    I("iface.dhcp_slp_da", dhcp_slp_da, rw),
    I("iface.fragmentation", fragmentation, rw),
    I("iface.gratuitous_arp", gratuitous_arp, rw),
    I("iface.incoming_forwarding", incoming_forwarding, rw),
    I("iface.tos_state", tos_state, rw),
    I("iface.tos", tos, rw),
    I("iface.ttl", ttl, rw),
    I("iface.delayed_ack", delayed_ack, rw),
    I("iface.tcp_nagle", tcp_nagle, rw),
    I("iface.tcp_wsf_state", tcp_wsf_state, rw),
    I("iface.tcp_wsf", tcp_wsf, rw),
    I("iface.tcp_timer_scale", tcp_timer_scale, rw),
    I("iface.tcp_timestamp", tcp_timestamp, rw),
    I("iface.redirect", redirect, rw),
    I("iface.def_task_mgmt_timeout", def_task_mgmt_timeout, rw),
    I("iface.header_digest", header_digest, rw),
    I("iface.data_digest", data_digest, rw),
    I("iface.immediate_data", immediate_data, rw),
    I("iface.initial_r2t", initial_r2t, rw),
    I("iface.data_seq_inorder", data_seq_inorder, rw),
    I("iface.data_pdu_inorder", data_pdu_inorder, rw),
    I("iface.erl", erl, rw),
    I("iface.max_receive_data_len", max_receive_data_len, rw),
    I("iface.first_burst_len", first_burst_len, rw),
    I("iface.max_outstanding_r2t", max_outstanding_r2t, rw),
    I("iface.max_burst_len", max_burst_len, rw),
    I("iface.chap_auth", chap_auth, rw),
    I("iface.bidi_chap", bidi_chap, rw),
    I("iface.strict_login_compliance", strict_login_compliance, rw),
    I("iface.discovery_auth", discovery_auth, rw),
    I("iface.discovery_logout", discovery_logout, rw),
};
#undef I

#define D(key, member, vis, mod) ISCSI_DB_ROW(discovery_record, key, member, vis, mod)
// open-iscsi names the algorithm list of a discovery record
// node.session.auth.chap_algs; we keep its spelling for compatibility.
const std::array sendtargets_rows{
    D("discovery.startup", startup, shown, rw),
    D("discovery.type", type, shown, ro),
    D("discovery.sendtargets.address", address, shown, ro),
    D("discovery.sendtargets.port", port, shown, ro),
    D("discovery.sendtargets.auth.authmethod", auth.authmethod, shown, rw),
    D("discovery.sendtargets.auth.username", auth.username, shown, rw),
    D("discovery.sendtargets.auth.password", auth.password, masked, rw),
    D("discovery.sendtargets.auth.username_in", auth.username_in, shown, rw),
    D("discovery.sendtargets.auth.password_in", auth.password_in, masked, rw),
    ISCSI_DB_CHAP_ALGS(discovery_record, "node.session.auth.chap_algs", chap_algs),
    D("discovery.sendtargets.timeo.login_timeout", login_timeout, shown, rw),
    D("discovery.sendtargets.use_discoveryd", use_discoveryd, shown, rw),
    D("discovery.sendtargets.discoveryd_poll_inval", discoveryd_poll_inval, shown, rw),
    D("discovery.sendtargets.reopen_max", reopen_max, shown, rw),
    D("discovery.sendtargets.timeo.auth_timeout", auth_timeout, shown, rw),
    D("discovery.sendtargets.timeo.active_timeout", active_timeout, shown, rw),
    D("discovery.sendtargets.iscsi.MaxRecvDataSegmentLength", max_recv_data_segment_length, shown, rw),
};

// open-iscsi prints an iSNS server's address under the sendtargets keys.
const std::array isns_rows{
    D("discovery.startup", startup, shown, rw),
    D("discovery.type", type, shown, ro),
    D("discovery.sendtargets.address", address, shown, ro),
    D("discovery.sendtargets.port", port, shown, ro),
    D("discovery.isns.use_discoveryd", use_discoveryd, shown, rw),
    D("discovery.isns.discoveryd_poll_inval", discoveryd_poll_inval, shown, rw),
};
#undef D
#undef ISCSI_DB_ROW
#undef ISCSI_DB_CHAP_ALGS

template <class Record>
field<Record> const* find_in(std::span<field<Record> const> rows, std::string_view key) noexcept
{
    auto const it = std::find_if(rows.begin(), rows.end(), [&](auto const& f) { return f.key == key; });
    return it == rows.end() ? nullptr : &*it;
}

} // namespace

std::span<field<node_record> const> node_head_fields() noexcept { return node_head; }
std::span<field<node_record> const> node_tail_fields() noexcept { return node_tail; }
std::span<field<iface_record> const> iface_fields() noexcept { return iface_rows; }

std::span<field<discovery_record> const> discovery_fields(discovery_kind kind) noexcept
{
    switch (kind) {
    case discovery_kind::sendtargets: return sendtargets_rows;
    case discovery_kind::isns: return isns_rows;
    case discovery_kind::slp: break;
    }
    return {};
}

bool node_field_ref::modifiable() const noexcept
{
    if (node)
        return node->modifiable;
    // A node record may switch to another iface by name (open-iscsi allows
    // it); in an iface record the name is the record's identity.
    return iface && (iface->modifiable || iface->key == "iface.iscsi_ifacename");
}

std::span<std::string_view const> node_field_ref::choices() const noexcept
{
    if (node)
        return node->choices;
    return iface ? iface->choices : std::span<std::string_view const>{};
}

node_field_ref find_node_field(std::string_view key) noexcept
{
    if (auto const* f = find_in(node_head_fields(), key))
        return {f, nullptr};
    if (auto const* f = find_in(node_tail_fields(), key))
        return {f, nullptr};
    // In a node record, iface.iscsi_ifacename may change (it names the iface
    // the record uses); in an iface record it is the record's own name.
    if (auto const* f = find_in(iface_fields(), key))
        return {nullptr, f};
    return {};
}

field<iface_record> const* find_iface_field(std::string_view key) noexcept
{
    return find_in(iface_fields(), key);
}

field<discovery_record> const* find_discovery_field(discovery_kind kind, std::string_view key) noexcept
{
    return find_in(discovery_fields(kind), key);
}

parse_status set_node_value(node_record& r, node_field_ref ref, std::string_view value)
{
    if (ref.node)
        return ref.node->parse(r, value);
    return ref.iface->parse(r.iface, value);
}

std::string get_node_value(node_record const& r, node_field_ref ref)
{
    return ref.node ? ref.node->print(r) : ref.iface->print(r.iface);
}

std::string short_secret_warning(std::string_view key, std::string_view value)
{
    auto const ref = find_node_field(key);
    auto const* disc = find_discovery_field(discovery_kind::sendtargets, key);
    bool const secret = (ref.node && ref.node->vis == visibility::masked) || (disc && disc->vis == visibility::masked);
    if (!secret || value.empty() || value.size() >= recommended_chap_secret_bytes)
        return {};
    return std::string(key) + " is " + std::to_string(value.size()) + (value.size() == 1 ? " byte" : " bytes") +
           " long: a CHAP secret shorter than " + std::to_string(recommended_chap_secret_bytes) +
           " bytes (96 bits) can be recovered from one recorded login by an off-line dictionary attack "
           "(RFC 7143 9.2.1); use at least 12 random characters";
}

} // namespace iscsi::db
