/**
 * @file
 * The typed records of open-iscsi's database: node, discovery and iface
 * records, exactly the settings open-iscsi 2.1.8 keeps in its files under
 * /etc/iscsi. Field names follow the file keys (node.session.auth.username is
 * node_record::session.auth.username). The key table that maps each key to a
 * member, with its printer and parser, is schema.hpp; these structs hold no
 * behaviour. Defaults here are open-iscsi's compiled-in defaults; new records
 * start from them overlaid with iscsid.conf (config.hpp).
 */
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace iscsi::db {

/// node.startup / node.conn[0].startup.
enum class startup_mode : std::uint8_t { manual, automatic, onboot };
/// discovery.startup: whether iscsid runs the discovery at start.
enum class discovery_startup : std::uint8_t { manual, automatic };
/// node.session.auth.authmethod / discovery.sendtargets.auth.authmethod.
enum class auth_method : std::uint8_t { none, chap };
/// node.discovery_type: how the record was found.
enum class discovery_type : std::uint8_t { send_targets, isns, offload_send_targets, slp, static_, fw };
/// Digest preference lists of node.conn[0].iscsi.HeaderDigest / DataDigest.
enum class digest_pref : std::uint8_t { none, crc32c, crc32c_none, none_crc32c };
/// node.session.scan: whether the kernel scans LUNs at login.
enum class scan_mode : std::uint8_t { manual, automatic };
/// discovery.type of a discovery record (open-iscsi numbers slp second).
enum class discovery_kind : std::uint8_t { sendtargets, slp, isns };

/// Keys found in a file that no table knows: kept in file order and written
/// back unchanged, so a record from a newer tool survives our update.
using extra_keys = std::vector<std::pair<std::string, std::string>>;

/// iface.* — a network interface binding (ifaces/<name>, and embedded in
/// every node record). Empty strings mean "not set".
struct iface_record {
    std::string name = "default"; ///< iface.iscsi_ifacename
    std::string net_ifacename, ipaddress;
    int prefix_len = 0;
    std::string hwaddress, transport_name = "tcp", initiatorname, state;
    int vlan_id = 0, vlan_priority = 0;
    std::string vlan_state;
    int iface_num = 0, mtu = 0, port = 0;
    std::string bootproto, subnet_mask, gateway, dhcp_alt_client_id_state, dhcp_alt_client_id,
        dhcp_dns, dhcp_learn_iqn, dhcp_req_vendor_id_state, dhcp_vendor_id_state, dhcp_vendor_id,
        dhcp_slp_da, fragmentation, gratuitous_arp, incoming_forwarding, tos_state;
    int tos = 0, ttl = 0;
    std::string delayed_ack, tcp_nagle, tcp_wsf_state;
    int tcp_wsf = 0, tcp_timer_scale = 0;
    std::string tcp_timestamp, redirect;
    int def_task_mgmt_timeout = 0;
    std::string header_digest, data_digest, immediate_data, initial_r2t, data_seq_inorder,
        data_pdu_inorder;
    int erl = 0, max_receive_data_len = 0, first_burst_len = 0, max_outstanding_r2t = 0,
        max_burst_len = 0;
    std::string chap_auth, bidi_chap, strict_login_compliance, discovery_auth, discovery_logout;
    extra_keys extra;
    friend bool operator==(iface_record const&, iface_record const&) = default;
};

struct chap_settings {
    auth_method authmethod = auth_method::none;
    std::string username, password, username_in, password_in;
    friend bool operator==(chap_settings const&, chap_settings const&) = default;
};

/// node.session.*
struct session_settings {
    int initial_cmdsn = 0;
    int initial_login_retry_max = 4;
    int xmit_thread_priority = -20;
    int cmds_max = 128;
    int queue_depth = 32;
    int nr_sessions = 1;
    chap_settings auth;
    /// node.session.auth.chap_algs: comma list of MD5, SHA1, SHA256, SHA3-256.
    std::string chap_algs = "MD5";
    int replacement_timeout = 120;
    int abort_timeout = 15, lu_reset_timeout = 30, tgt_reset_timeout = 30, host_reset_timeout = 60;
    bool fast_abort = true;
    bool initial_r2t = false;
    bool immediate_data = true;
    int first_burst_length = 262144;
    int max_burst_length = 16776192;
    int default_time2retain = 0, default_time2wait = 2;
    int max_connections = 1, max_outstanding_r2t = 1, erl = 0;
    scan_mode scan = scan_mode::automatic;
    int reopen_max = 0;
    friend bool operator==(session_settings const&, session_settings const&) = default;
};

/// node.conn[0].* (open-iscsi keeps one connection per record).
struct conn_settings {
    std::string address;
    int port = 3260;
    startup_mode startup = startup_mode::manual;
    int window_size = 524288, type_of_service = 0;
    int logout_timeout = 15, login_timeout = 30, auth_timeout = 45;
    int noop_out_interval = 5, noop_out_timeout = 5;
    int max_xmit_data_segment_length = 0, max_recv_data_segment_length = 262144;
    digest_pref header_digest = digest_pref::none, data_digest = digest_pref::none;
    bool if_marker = false, of_marker = false;
    friend bool operator==(conn_settings const&, conn_settings const&) = default;
};

/// A node record: one target portal reached through one iface.
struct node_record {
    std::string name; ///< node.name, the target IQN
    int tpgt = -1;    ///< -1: unknown (a static record in the old file form)
    startup_mode startup = startup_mode::manual;
    bool leading_login = false;
    iface_record iface;
    std::string discovery_address;
    int discovery_port = 0;
    discovery_type disc_type = discovery_type::static_;
    session_settings session;
    conn_settings conn;
    extra_keys extra;
    friend bool operator==(node_record const&, node_record const&) = default;
};

/// discovery.sendtargets.* or discovery.isns.* (send_targets/<a>,<p>/st_config,
/// isns/<a>,<p>/isns_config).
struct discovery_record {
    discovery_startup startup = discovery_startup::manual;
    discovery_kind type = discovery_kind::sendtargets;
    std::string address;
    int port = 3260;
    chap_settings auth;
    std::string chap_algs = "MD5";
    int login_timeout = 15;
    bool use_discoveryd = false;
    int discoveryd_poll_inval = 30;
    int reopen_max = 5;
    int auth_timeout = 45, active_timeout = 30;
    int max_recv_data_segment_length = 32768;
    extra_keys extra;
    friend bool operator==(discovery_record const&, discovery_record const&) = default;
};

} // namespace iscsi::db
