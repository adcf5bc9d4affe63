/**
 * @file
 * Printing node records the way open-iscsi 2.1.8 does, shared by node,
 * discovery and discoverydb modes: the flat list ("ip:port,tpgt target"),
 * the tree (-P 1), and their JSON forms.
 */
#pragma once

#include "cli.hpp"

#include "iscsi/db/store.hpp"

#include <string>
#include <vector>

namespace iscsiadm {

/// open-iscsi's listing order: target, then portal directory name, then
/// iface, byte-wise (scandir with alphasort in the C locale).
void sort_like_open_iscsi(std::vector<iscsi::db::node_key>& keys);

/// "127.0.0.1:3260,1 iqn..." / "[fe80::1]:3260,1 iqn..." (an address
/// without a '.' is bracketed, as open-iscsi does).
[[nodiscard]] std::string flat_line(iscsi::db::node_key const& k);
[[nodiscard]] std::string format_portal_text(std::string const& address, int port);

/// The -P 1 tree: Target / Portal / Iface Name, grouped as open-iscsi does.
[[nodiscard]] std::string node_tree(std::vector<iscsi::db::node_key> const& keys);

/// JSON array of node keys.
[[nodiscard]] std::string nodes_json(std::vector<iscsi::db::node_key> const& keys);

} // namespace iscsiadm
