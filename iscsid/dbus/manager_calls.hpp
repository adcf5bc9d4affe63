/**
 * @file
 * The Manager methods that take a while (a discovery, a login, a logout):
 * coroutines that reply to the kept call when they are done.
 */
#pragma once

#include "service.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace iscsid::dbus {

/// One node of a discovery's answer, udisks2's (sisis): name, tpgt,
/// address, port, iface.
struct found_node {
    std::string name;
    int tpgt = 1;
    std::string address;
    int port = 3260;
    std::string iface;
};

/// Replies a(sisis) and their count (i) to the call `m`.
int reply_nodes(sd_bus_message* m, std::vector<found_node> const& nodes);

asio::awaitable<void> run_discover_send_targets(service& s, message_ptr call, std::string host,
                                                std::uint16_t port, options opts);
/// The same through an iSNS server (RFC 4171), as `iscsiadm -m discovery -t isns`.
asio::awaitable<void> run_discover_isns(service& s, message_ptr call, std::string host, std::uint16_t port,
                                        options opts);
asio::awaitable<void> run_login(service& s, message_ptr call, iscsi::db::node_key key, options opts);
asio::awaitable<void> run_logout(service& s, message_ptr call, iscsi::db::node_key key, options opts);
/// Logs session `sid` out and replies (ISCSI.Session's Logout too).
asio::awaitable<void> logout_session(service& s, message_ptr call, std::uint32_t sid);

/// A Node object's Update (`opts` set: applied as Login's options) or
/// Delete (`opts` null; refused while the node has a session); replies.
void reply_record_change(service& s, message_ptr const& call, iscsi::db::node_key const& key, options const* opts);

/// Applies a Login's options to a node record: username, password,
/// reverse-username and reverse-password (CHAP, as udisks2 names them),
/// and any modifiable node.* or iface.* key with its open-iscsi meaning.
/// False, with `why`, for an unknown key or a value its field refuses.
[[nodiscard]] bool apply_options(iscsi::db::node_record& r, options const& opts, std::string& why);

} // namespace iscsid::dbus
