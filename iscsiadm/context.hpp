/**
 * @file
 * What every mode needs: the parsed options, the database and iscsid.conf.
 * The database root is ISCSI_SYSCONFDIR (/etc/iscsi on Debian), or
 * $ISCSI_ROOT when set (tests, containers with the database elsewhere).
 */
#pragma once

#include "cli.hpp"
#include "exit_codes.hpp"

#include "iscsi/db/config.hpp"
#include "iscsi/db/store.hpp"

#include <optional>
#include <string>
#include <system_error>

namespace iscsiadm {

class context {
public:
    explicit context(options opts);
    [[nodiscard]] options const& opts() const noexcept { return opts_; }
    [[nodiscard]] iscsi::db::store& db() noexcept { return db_; }
    /// iscsid.conf, loaded on first use; warnings about it go to stderr once.
    [[nodiscard]] iscsi::db::config const& conf();

private:
    options opts_;
    iscsi::db::store db_;
    std::optional<iscsi::db::config> conf_;
};

/// A -p argument: address, and port/tpgt only when the user gave them
/// (an absent port matches any port when selecting records).
struct portal_arg {
    std::string address;
    std::optional<int> port;
    std::optional<int> tpgt;
};
[[nodiscard]] std::optional<portal_arg> parse_portal_arg(std::string const& text);

/// Maps a database error to open-iscsi's exit code and prints why.
exit_code report_db_error(std::error_code const& ec, std::string_view what);

} // namespace iscsiadm
