/**
 * @file
 * What iscsiadm can see of sessions without iscsid: the kernel's, in sysfs.
 */
#pragma once

namespace iscsiadm {

/// True when the kernel has iSCSI sessions (/sys/class/iscsi_session).
[[nodiscard]] bool has_sessions();

} // namespace iscsiadm
