/**
 * @file
 * The login of a discovery session (SessionType=Discovery) from a
 * discovery record: shared by iscsiadm (-m discovery) and iscsid (its
 * D-Bus DiscoverSendTargets), so both log in the same way.
 */
#pragma once

#include "iscsi/db/records.hpp"
#include "iscsi/login/login_params.hpp"

#include <string>

namespace iscsid {

/// As `initiator_name`, with the record's CHAP settings, login timeout and
/// MaxRecvDataSegmentLength, and a fresh random ISID (RFC 7143 §10.1.1
/// "random" format: discovery sessions are never reinstated).
[[nodiscard]] iscsi::login::login_params discovery_login_params(iscsi::db::discovery_record const& disc,
                                                                std::string initiator_name);

} // namespace iscsid
