/**
 * @file
 * Failures as named D-Bus errors, in one table: an iscsid answer's status
 * (open-iscsi's ISCSI_ERR_* exit codes) becomes
 * org.iscsiinitiator.Iscsid1.Error.<Name>, and the message keeps
 * open-iscsi's wording where clients match on it (Cockpit looks for
 * "initiator failed authorization" to mark the password field).
 */
#pragma once

#include <string>
#include <string_view>

struct sd_bus_message;

namespace iscsid::dbus {

inline constexpr std::string_view error_prefix = "org.iscsiinitiator.Iscsid1.Error.";

/// "org.iscsiinitiator.Iscsid1.Error.SessionExists" ... for an exit code.
[[nodiscard]] std::string error_name(int status);

/// The message: open-iscsi's sentence for the code, then what happened.
[[nodiscard]] std::string error_message(int status, std::string_view detail);

/// Replies to the method call `m` with that error; returns what an sd-bus
/// method handler returns (1: replied).
int reply_error(sd_bus_message* m, int status, std::string_view detail);

/// Replies org.freedesktop.DBus.Error.InvalidArgs with `detail`.
int reply_invalid_args(sd_bus_message* m, std::string_view detail);

} // namespace iscsid::dbus
