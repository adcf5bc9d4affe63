/**
 * @file
 * iscsiadm's exit codes are open-iscsi's status codes (iscsi/core/exit_status.hpp).
 */
#pragma once

#include "iscsi/core/exit_status.hpp"

namespace iscsiadm {

using exit_code = iscsi::exit_status;
using iscsi::describe;
using iscsi::to_int;

} // namespace iscsiadm
