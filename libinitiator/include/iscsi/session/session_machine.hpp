/**
 * @file
 * A session at ErrorRecoveryLevel 0 over one connection (RFC 7143 §6.3.5,
 * §7.1.1, §8.3): the leading login, the full feature phase, NOP-Out pings,
 * and session recovery: when the connection fails, wait DefaultTime2Wait,
 * log in again with the same ISID (session reinstatement) and retry the
 * commands that were in flight; once `replacement_timeout` has passed
 * without a new connection, fail them instead.
 *
 * Sans-I/O (STYLE habit 1): the driver reports transport events and `now`,
 * and carries out the actions it polls (connect, send, configure digests,
 * disconnect). docs/state-machines.md draws the states.
 */
#pragma once

#include "iscsi/auth/random.hpp"
#include "iscsi/core/clock.hpp"
#include "iscsi/discovery/portal.hpp"
#include "iscsi/login/login_machine.hpp"
#include "iscsi/pdu/writer.hpp"
#include "iscsi/session/ffp_connection.hpp"

#include <chrono>
#include <compare>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <variant>

namespace iscsi::session {

using namespace std::chrono_literals;

/// A caller's request within a session. Not an ITT: a command retried on a
/// new connection gets a new ITT but keeps its request_id.
struct request_id {
    std::uint64_t value = 0;
    friend auto operator<=>(request_id, request_id) = default;
};

struct session_config {
    discovery::portal portal;
    /// Its ISID names the session; the machine manages the TSIH.
    login::login_params login;
    duration connect_timeout = 10s;
    /// Idle time before a NOP-Out ping, and how long its answer may take
    /// (open-iscsi node.conn[0].timeo.noop_out_interval/_timeout). 0 = no pings.
    duration noop_out_interval = 5s;
    duration noop_out_timeout = 5s;
    /// How long commands wait for a new connection before they fail
    /// (node.session.timeo.replacement_timeout).
    duration replacement_timeout = 120s;
    /// Delay between reconnection attempts after the first (which waits
    /// DefaultTime2Wait, §13.15).
    duration reconnect_interval = 1s;
    duration logout_timeout = 15s;
    unsigned max_redirects = 8;
    /// How often one command is issued again after CHECK CONDITION with
    /// UNIT ATTENTION (the LU did not run it: it was reset, powered on, its
    /// parameters or LUN inventory changed; SAM-5 §5.14). 0: hand every UA
    /// to the caller, as a removable-medium driver would want.
    unsigned unit_attention_retries = 5;
    /// How long one SCSI command may run. Past it, error handling begins as
    /// in Linux's SCSI midlayer: ABORT TASK, then LUN RESET, then session
    /// recovery; the command fails with errc::command_timeout. 0: no limit.
    duration command_timeout = 30s;
    /// How long the target may take to answer each task management function
    /// (open-iscsi node.session.err_timeo.abort_timeout, lu_reset_timeout,
    /// tgt_reset_timeout). No answer in time fails the connection.
    duration abort_timeout = 15s;
    duration lu_reset_timeout = 30s;
    duration tgt_reset_timeout = 30s;
};

/// A task management request from the caller (§11.5).
struct tmf_request {
    pdu::tmf_function function = pdu::tmf_function::logical_unit_reset;
    lun lun_{};                       ///< LOGICAL UNIT RESET: the LU
    std::optional<request_id> task{}; ///< ABORT TASK: the command to abort
};

/// Session states of the initiator (§8.3): Q1 FREE, Q3 LOGGED_IN, Q4 FAILED.
/// A session that has ended (logged out, or its leading login failed) is
/// FREE again and stays so.
enum class session_state : std::uint8_t { free, logged_in, failed };

/// Connection states of the initiator (§8.1.3) that this machine uses:
/// S1 FREE, S2 XPT_WAIT (connecting), S4 IN_LOGIN, S5 LOGGED_IN, S6 IN_LOGOUT.
enum class conn_state : std::uint8_t { free, xpt_wait, in_login, logged_in, in_logout };

/// Actions for the driver, in order.
struct connect_to {
    discovery::portal portal;
};
/// From the next PDU on (both directions): digests and our receive limit
/// as the login negotiated them (§13.1, §13.12).
struct configure_stream {
    pdu::digest_options digests;
    std::uint32_t max_recv_data_segment_length = 8192;
};
struct disconnect {};
using session_action = std::variant<connect_to, configure_stream, pdu::raw_pdu, disconnect>;

struct request_done {
    request_id id;
    std::error_code error;
    scsi_outcome outcome;
    /// For a task_management() request: the target's answer (or ours, for
    /// a command it never saw).
    std::optional<pdu::tmf_response> tmf{};
};

/// What happened to the session, for the driver to log (STYLE habit 7).
struct session_notice {
    enum class kind : std::uint8_t {
        logged_in,          ///< leading login done
        connection_failed,  ///< recovery starts
        login_failed,       ///< a login attempt failed (recovery goes on)
        reinstated,         ///< recovery done: a new connection carries the session
        replacement_timeout,///< queued commands were failed
        async_event,        ///< an Async Message the machine handled
        unit_attention,     ///< a command met a UNIT ATTENTION (detail: the sense) and was retried
        command_timeout,    ///< a command timed out; error handling (abort, LUN reset) began
        ended,              ///< logged out, or the session could not be established
    };
    kind what;
    std::error_code error;
    std::string detail;
};

class session_machine {
public:
    session_machine(session_config cfg, auth::random_source& rng);
    ~session_machine();
    session_machine(session_machine&&) noexcept;
    session_machine& operator=(session_machine&&) noexcept;

    /// Begins the leading login: the first action is connect_to.
    void start(time_point now);
    /// Queues a SCSI command; its request_done comes from poll_completion().
    request_id submit(scsi_request req, time_point now);
    /// Ends the session: waits for commands in flight, then Logout
    /// (close the session, §11.14). Queued commands that never went out
    /// fail with errc::session_ended.
    void logout(time_point now);
    /**
     * ABORT TASK, LUN RESET or a target reset (§11.5); the answer comes as
     * a request_done with `tmf` set. Commands the function ends complete
     * with errc::task_aborted. An ABORT TASK for a command still queued
     * here ends it without asking the target. Without a connection the
     * request fails with errc::no_connection.
     */
    request_id task_management(tmf_request r, time_point now);

    // Transport events for the current connection.
    void on_connected(time_point now);
    void on_transport_error(std::error_code ec, time_point now);
    void on_pdu(pdu::raw_pdu const& p, time_point now);
    /// The driver wrote these PDUs, from poll_action, in order: write
    /// buffers they borrowed are free (ffp_connection::on_written). A
    /// command's completion can wait for this, never for anything else.
    void on_written(std::span<pdu::raw_pdu const> pdus, time_point now);
    void on_timeout(time_point now);
    /// Direct data placement for the reader of the current connection
    /// (ffp_connection::placement_for); nothing outside the full feature phase.
    [[nodiscard]] std::vector<std::span<std::byte>> placement_for(pdu::raw_pdu const& header);

    [[nodiscard]] std::optional<session_action> poll_action();
    [[nodiscard]] std::optional<request_done> poll_completion();
    [[nodiscard]] std::optional<session_notice> poll_notice();
    /// When on_timeout() must be called next.
    [[nodiscard]] std::optional<time_point> poll_timeout() const;

    [[nodiscard]] session_state state() const noexcept { return state_; }
    [[nodiscard]] conn_state connection() const noexcept { return conn_; }
    /// True once the session is over for good; error() says why (none after
    /// a clean logout).
    [[nodiscard]] bool ended() const noexcept { return ended_; }
    [[nodiscard]] std::error_code error() const noexcept { return error_; }
    [[nodiscard]] diagnostics const& diag() const noexcept { return diag_; }
    /// Commands accepted and not yet completed.
    [[nodiscard]] std::size_t outstanding() const noexcept;
    /// The TSIH of the current session (0 before the first login).
    [[nodiscard]] tsih session_handle() const noexcept { return tsih_; }
    /// Negotiated parameters of the current connection, if logged in.
    [[nodiscard]] text::negotiated_params const* params() const noexcept;

private:
    struct pending {
        request_id id;
        scsi_request req;
        unsigned unit_attentions = 0;
    };
    struct in_flight {
        request_id id;
        unsigned unit_attentions = 0;
        lun lun_{};
        bool timed_out = false;  ///< error handling runs for it
        bool eh_reset = false;   ///< an error-handling LUN RESET covers it: retry when it ends
    };
    /// A TMF on the wire: the caller's (with its id) or error handling's.
    struct tmf_in_flight {
        std::optional<request_id> id{};
        pdu::tmf_function function{};
        lun lun_{};
        time_point deadline{};
        std::optional<std::uint32_t> victim{}; ///< error handling: the ITT that timed out
    };

    void connect(time_point now);
    void drain_login(time_point now);
    void login_finished(time_point now);
    void login_failed(std::error_code ec, std::string detail, time_point now);
    void enter_full_feature(time_point now);
    void connection_failed(std::error_code ec, std::string detail, time_point now);
    void drain_connection(time_point now);
    void issue(pending p, time_point now);
    /// Delivers or retries one finished SCSI task (unit attention, error handling).
    void scsi_finished(in_flight f, completion& c, time_point now);
    bool retry_unit_attention(in_flight f, scsi_outcome const& out, std::optional<scsi_request>& req, time_point now);
    // Task management and command timeouts (session_tasks.cpp).
    itt send_tmf(tmf_in_flight t, std::optional<itt> referenced, time_point now);
    void tmf_finished(tmf_in_flight t, completion const& c, time_point now);
    void command_timed_out(std::uint32_t tag, time_point now);
    void escalate(tmf_in_flight const& t, time_point now);
    void check_task_deadlines(time_point now);
    [[nodiscard]] std::optional<time_point> next_task_deadline() const;
    /// Connection lost: caller's TMFs fail, error handling's are dropped.
    void fail_tmfs(std::error_code ec);
    void maybe_send_logout(time_point now);
    void end(std::error_code ec, std::string detail);
    void fail_queued(std::error_code ec);
    void note(session_notice::kind k, std::error_code ec = {}, std::string detail = {});

    session_config cfg_;
    auth::random_source* rng_;
    discovery::portal portal_; ///< where the next connection goes (after redirects)
    unsigned redirects_ = 0;

    session_state state_ = session_state::free;
    conn_state conn_ = conn_state::free;
    bool started_ = false;
    bool ever_logged_in_ = false;
    bool closing_ = false;
    bool ended_ = false;
    /// Set once replacement_timeout has passed in FAILED: new commands fail at once.
    bool fast_fail_ = false;
    tsih tsih_{};
    std::uint32_t time2wait_s_ = 2;

    std::optional<login::login_machine> login_;
    std::optional<ffp_connection> ffp_;
    std::map<std::uint32_t, in_flight> in_flight_; ///< ITT -> request
    std::map<std::uint32_t, tmf_in_flight> tmfs_;   ///< ITT -> TMF
    /// Command deadlines in issue order, which is deadline order (one
    /// command_timeout, a monotonic clock). Entries of finished commands are
    /// dropped lazily: one whose ITT now names another request is stale.
    struct deadline_entry {
        time_point at;
        std::uint32_t tag;
        request_id id;
    };
    mutable std::deque<deadline_entry> deadlines_;
    /// The front entry of deadlines_ that is still live, if any.
    [[nodiscard]] deadline_entry const* live_deadline() const;
    std::optional<itt> ping_;
    std::optional<itt> logout_tag_;

    std::deque<pending> queue_; ///< not yet on a connection (retries first)
    std::uint64_t next_request_ = 1;

    time_point last_heard_{};
    std::optional<time_point> conn_deadline_;   ///< connect or logout deadline
    std::optional<time_point> ping_deadline_;
    std::optional<time_point> reconnect_at_;
    std::optional<time_point> replacement_at_;

    std::deque<session_action> actions_;
    std::deque<request_done> done_;
    std::deque<session_notice> notices_;
    std::error_code error_;
    diagnostics diag_;
};

} // namespace iscsi::session
