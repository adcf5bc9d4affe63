/**
 * @file
 * Logins through iscsid, shared by -m node, -m discovery and -m fw: all
 * requested at once (the daemon runs them concurrently), results printed in
 * request order with open-iscsi's wording and exit codes.
 */
#pragma once

#include "exit_codes.hpp"

#include "iscsi/db/records.hpp"
#include "iscsi/db/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace iscsiadm {

struct login_request {
    iscsi::db::node_key key;
    /// Set: log in with this record instead of the stored one (firmware
    /// targets, which open-iscsi never writes to the database for -m fw -l).
    std::optional<iscsi::db::node_record> record;
};

/// "[iface: myif, target: iqn..., portal: 127.0.0.1,3260]", open-iscsi's
/// name for one login.
[[nodiscard]] std::string login_name(iscsi::db::node_key const& k);

/// Logs in to every request; `wait_devices` as --wait-devices. The exit code
/// is the last failure's (open-iscsi's rule), success when all logged in;
/// with `existing_ok` a session that already exists counts as logged in.
exit_code log_in(std::vector<login_request> const& requests, std::optional<double> wait_devices,
                 bool existing_ok = false);

} // namespace iscsiadm
