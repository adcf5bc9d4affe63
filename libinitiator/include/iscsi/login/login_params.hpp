/**
 * @file
 * What a login needs (input) and what it yields (output). The same types
 * serve Normal and Discovery sessions.
 */
#pragma once

#include "iscsi/auth/chap.hpp"
#include "iscsi/core/clock.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/text/negotiator.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace iscsi::login {

struct login_params {
    std::string initiator_name;
    std::string initiator_alias; ///< sent only when not empty
    std::string target_name;     ///< required for Normal sessions, absent for Discovery
    text::session_type session_type = text::session_type::normal;

    isid isid_{};
    /// 0 for a new session; the existing TSIH to reinstate a session or add a
    /// connection (§6.3.5 / §11.12.6).
    tsih tsih_{};
    cid cid_{};
    /// The initial CmdSN: Login Requests carry it and do not advance it
    /// (§11.12.8); the first command after login uses it.
    cmdsn cmd_sn{1};

    /// CHAP credentials, or nullopt for AuthMethod=None. With `target` set
    /// (mutual CHAP) we insist on CHAP; otherwise we offer "CHAP,None" like
    /// open-iscsi, so a target without authentication still lets us in.
    std::optional<auth::chap_config> chap;

    text::operational_offer offer{};

    /// Whole-login deadline (open-iscsi node.conn[0].timeo.login_timeout).
    duration login_timeout = std::chrono::seconds(15);
    /// A target that never finishes negotiating is cut off (STYLE habit 16).
    unsigned max_round_trips = 64;
    /// Bound on one continued (C bit) login text from the target.
    std::size_t max_text_bytes = 64 * 1024;
    /// The transport puts its own Initiator Task Tag on our Login Requests.
    /// Linux's libiscsi does when iscsid logs in through the kernel
    /// (SEND_PDU while recovering a session): its login task's index with
    /// the session's age in the top bits, and the age changes with every
    /// recovery. The first Login Response's ITT then stands for the login,
    /// and every later response must carry the same.
    bool itt_assigned_by_transport = false;
};

/// The outcome of a login that reached FullFeaturePhase.
struct login_success {
    text::negotiated_params params;
    tsih tsih_{};
    cmdsn cmd_sn{};     ///< next CmdSN to use
    cmdsn exp_cmd_sn{}; ///< the target's window from the final response
    cmdsn max_cmd_sn{};
    statsn exp_stat_sn{};
    bool authenticated = false; ///< CHAP was performed
    bool mutual = false;        ///< and the target proved itself
};

/// Status class 1 (§11.13.5): log in again at `target_address`.
struct login_redirect {
    std::string target_address; ///< "host[:port][,tpgt]", as sent by the target
    bool permanent = false;
};

} // namespace iscsi::login
