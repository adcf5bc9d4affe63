/**
 * @file
 * Running an iSNS discovery for iscsiadm (-m discovery -t isns and
 * -m discoverydb -t isns -D): one query per initiator name among the
 * ifaces, through libinitiator's transport::discover_isns.
 */
#pragma once

#include "context.hpp"

#include "iscsi/db/records.hpp"

#include <variant>
#include <vector>

namespace iscsiadm {

/// Asks the iSNS server of `disc` which targets each iface's initiator may
/// see, and returns one node record per (target portal, iface). Failures
/// are reported; the exit code is open-iscsi's (25 query failed, 26
/// registration failed).
[[nodiscard]] std::variant<std::vector<iscsi::db::node_record>, exit_code>
run_isns(context& ctx, iscsi::db::discovery_record const& disc, std::vector<iscsi::db::iface_record> const& ifaces);

} // namespace iscsiadm
