/**
 * @file
 * A session in user space (iscsid.data_path = user, or auto without
 * iscsi_tcp): iscsid runs iscsi-fuse for it, which logs in, serves each LUN
 * as a file under /run/iscsid/user/SID/ and attaches it to a loop device.
 * A child process rather than a thread: its FUSE loop, loop devices and
 * memory stay apart from the daemon, and a crash there takes only that
 * session.
 */
#pragma once

#include "kernel_link.hpp"

#include "iscsi/db/records.hpp"

#include <boost/asio/awaitable.hpp>

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace iscsid {

struct user_session {
    std::uint32_t id = 0;
    pid_t pid = -1;
    std::filesystem::path dir;        ///< /run/iscsid/user/ID: mount point, log, secrets
    std::vector<std::string> devices; ///< "/dev/loop0", ...
    /// iscsi-fuse's stdout after "ready": its "state=..." lines (the
    /// daemon follows them, watch_user_session); -1 for an adopted one.
    int out_fd = -1;
};

/// A user session an earlier iscsid started, still running.
struct adopted_user_session {
    user_session session;
    std::string target, address, iface;
    int port = 3260;
    int tpgt = -1;
};

/// The user sessions whose iscsi-fuse still runs (their directories hold a
/// `session` file); directories of ended ones are removed.
[[nodiscard]] std::vector<adopted_user_session> find_user_sessions();

/// Where user sessions live (ISCSID_USER_DIR overrides /run/iscsid/user).
[[nodiscard]] std::filesystem::path user_sessions_root();

/// Starts iscsi-fuse for node `n` and waits until it says "ready" (its
/// LUNs are served and their loop devices attached) or `timeout` passes.
/// CHAP secrets go to the child in 0600 files, never on its command line.
asio::awaitable<iscsi::result<user_session>> start_user_session(std::uint32_t id, iscsi::db::node_record const& n,
                                                                std::string const& initiator_name,
                                                                std::chrono::milliseconds timeout,
                                                                iscsi::diagnostics& diag);

/// Stops it (SIGTERM: iscsi-fuse detaches the loops, unmounts, logs out)
/// and removes its directory. If it is still running after `timeout` (one
/// of its loop devices is mounted), fails with device_or_resource_busy and
/// leaves it running.
asio::awaitable<std::error_code> stop_user_session(user_session& s, std::chrono::milliseconds timeout);

} // namespace iscsid
