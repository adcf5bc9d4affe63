/**
 * @file
 * From a node record (open-iscsi's database) to what a login and the
 * kernel need: login parameters (identity, CHAP, the operational offer of
 * RFC 7143 §13) and the kernel's session settings.
 */
#pragma once

#include "iscsi/db/records.hpp"
#include "iscsi/db/store.hpp"
#include "iscsi/kernel/session_params.hpp"
#include "iscsi/login/login_params.hpp"

#include <string>

namespace iscsid {

/// Open-iscsi's ISID for a node's first session: OUI format (type 0),
/// 00:02:3d is the OUI open-iscsi uses, qualifier 1. Stable across
/// restarts, so a new login reinstates a session left behind (§10.1.1).
inline constexpr std::uint64_t default_isid = 0x00023d000001ULL;

/// Whether a login offers CHAP: when the record says CHAP, and also when it
/// has CHAP credentials under authmethod None, as open-iscsi does (its
/// `-m discovery -t fw` writes such records, and old records have them).
[[nodiscard]] bool uses_chap(iscsi::db::chap_settings const& a);

[[nodiscard]] iscsi::login::login_params login_params_for(iscsi::db::node_record const& n,
                                                          std::string const& initiator_name);

[[nodiscard]] iscsi::kernel::session_settings kernel_settings_for(iscsi::db::node_record const& n,
                                                                  std::string const& initiator_name);

} // namespace iscsid
