/**
 * @file
 * One entry point per -m mode; each returns the process exit code.
 */
#pragma once

#include "context.hpp"
#include "exit_codes.hpp"

namespace iscsiadm {

exit_code run_node(context& ctx);
exit_code run_discovery(context& ctx);
exit_code run_discoverydb(context& ctx);
exit_code run_iface(context& ctx);
exit_code run_session(context& ctx);
exit_code run_fw(context& ctx);
/// -m discovery -t fw: the firmware's targets as node records.
exit_code run_fw_discovery(context& ctx);
exit_code run_host(context& ctx);

} // namespace iscsiadm
