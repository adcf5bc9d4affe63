/**
 * @file
 * `iscsistart -b` and its manual form: logins without a running iscsid, for
 * the initramfs. The daemon's own login (iscsid::daemon, kernel hand-off
 * included) runs in this process; when every login has answered the
 * process ends and the sessions stay in the kernel, where iscsid on the
 * real root adopts them (and recovers them from the firmware's record).
 */
#pragma once

#include "iscsi/db/records.hpp"

#include <filesystem>
#include <vector>

namespace iscsistart {

/// Logs in to every record at once; prints open-iscsi's "iscsistart:
/// Logging into ..." line for each and the reason of each failure.
/// Returns true when all logged in.
bool log_in(std::vector<iscsi::db::node_record> const& records, std::filesystem::path const& db_root, int debug);

} // namespace iscsistart
