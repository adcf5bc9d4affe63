/**
 * @file
 * The node fields of iscsid's control messages, written and read in one
 * place: a node's key (target, address, port, tpgt, iface), and a login
 * request that may carry the whole record to log in with as "record" lines
 * ("key = value", a record file's lines) for a record that is not in the
 * database (firmware targets: iscsiadm -m fw -l, iscsistart).
 */
#pragma once

#include "ipc_protocol.hpp"

#include "iscsi/db/records.hpp"
#include "iscsi/db/store.hpp"

#include <optional>

namespace iscsid {

/// The key a request names; nullopt without target, address and port.
[[nodiscard]] std::optional<iscsi::db::node_key> key_from(ipc_message const& req);
void add_key(ipc_message& m, iscsi::db::node_key const& k);

/// op=login for `key`; with `record`, the record travels with it.
[[nodiscard]] ipc_message login_request(iscsi::db::node_key const& key,
                                        iscsi::db::node_record const* record = nullptr);

/// The record a login request carries, if it carries one.
[[nodiscard]] std::optional<iscsi::db::node_record> record_from(ipc_message const& req);

} // namespace iscsid
