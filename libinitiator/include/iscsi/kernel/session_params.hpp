/**
 * @file
 * What the kernel must be told about a connection we logged in to before
 * it may start it: the SET_PARAM list, in the order open-iscsi sends it
 * (identity and timeouts first, then the negotiated operational keys and
 * ExpStatSN, RFC 7143 §13). Values are text, as the kernel parses them.
 */
#pragma once

#include "iscsi/kernel/uevent.hpp"
#include "iscsi/text/params.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace iscsi::kernel {

/// The node record's settings the kernel uses (whole seconds: the kernel's
/// timers are in seconds).
struct session_settings {
    std::string target_name;
    std::string persistent_address; ///< the portal logged in to
    std::uint16_t persistent_port = 3260;
    std::uint16_t tpgt = 1;         ///< used when the target did not declare one
    int recovery_tmo = 120;         ///< node.session.timeo.replacement_timeout
    int abort_tmo = 15;
    int lu_reset_tmo = 30;
    int tgt_reset_tmo = 30;
    int noop_out_interval = 5;      ///< RECV_TMO: ping after this long idle
    int noop_out_timeout = 5;       ///< PING_TMO
    bool fast_abort = true;
    std::string username;           ///< CHAP names only; secrets never go to the kernel
    std::string username_in;
    std::string iface_name = "default";
    std::string initiator_name;
};

struct param_setting {
    param id{};
    std::string value;
    friend bool operator==(param_setting const&, param_setting const&) = default;
};

/// The settings and negotiated values to SET_PARAM after BIND_CONN and
/// before START_CONN. Empty strings are left out (the kernel keeps none).
/// `exp_stat_sn` is the StatSN the target will send next.
[[nodiscard]] std::vector<param_setting> connection_params(session_settings const& s,
                                                           text::negotiated_params const& n,
                                                           std::uint32_t exp_stat_sn);

} // namespace iscsi::kernel
