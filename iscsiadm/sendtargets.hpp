/**
 * @file
 * Running a SendTargets discovery for iscsiadm (-m discovery and
 * -m discoverydb -D): login parameters from the discovery record and the
 * iface, the exchange through libinitiator's transport, and the node
 * records that result.
 */
#pragma once

#include "context.hpp"

#include "iscsi/db/records.hpp"
#include "iscsi/discovery/sendtargets.hpp"

#include <variant>
#include <vector>

namespace iscsiadm {

/// The ifaces a discovery binds to: those named with -I, else every iface
/// record in ifaces/ (open-iscsi's binding rule), else "default".
[[nodiscard]] std::variant<std::vector<iscsi::db::iface_record>, exit_code> discovery_ifaces(context& ctx);

/// Host name or address to the numeric address records are filed under.
[[nodiscard]] std::variant<std::string, exit_code> resolve_address(std::string const& host);

/// The initiator name a discovery through `iface` uses: the iface's, else
/// initiatorname.iscsi's (a missing one is reported).
[[nodiscard]] std::variant<std::string, exit_code> discovery_initiator_name(context& ctx,
                                                                           iscsi::db::iface_record const& iface);

/// One node record per (target portal, iface) of `targets`, appended to
/// `out`, as discovery through `disc` found them (tpgt 1 when unknown).
void append_records(context& ctx, iscsi::db::discovery_record const& disc, iscsi::db::iface_record const& iface,
                    std::vector<iscsi::discovery::target_record> const& targets,
                    std::vector<iscsi::db::node_record>& out);

/// Runs SendTargets against `disc` for every iface and returns one node
/// record per (target portal, iface), in the order the target listed them.
[[nodiscard]] std::variant<std::vector<iscsi::db::node_record>, exit_code>
run_sendtargets(context& ctx, iscsi::db::discovery_record const& disc,
                std::vector<iscsi::db::iface_record> const& ifaces);

/// What -o new/delete/update/nonpersistent ask of the database; nullopt
/// for an operation discovery does not know (already reported).
struct discovery_ops {
    bool persist = true;
    iscsi::db::discovered_save save;
};
/// With no -o, `defaults` applies: -m discovery adds new records, resets
/// existing ones to iscsid.conf and removes stale ones, like open-iscsi.
[[nodiscard]] std::variant<discovery_ops, exit_code> parse_discovery_ops(
    std::vector<std::string> const& ops, iscsi::db::discovered_save defaults = {true, true, true});

/// Stores the result (unless nonpersistent) and prints the flat lines.
[[nodiscard]] exit_code store_and_print(context& ctx, iscsi::db::discovery_record const& disc,
                                        std::vector<iscsi::db::node_record> const& nodes,
                                        discovery_ops const& ops);

} // namespace iscsiadm
