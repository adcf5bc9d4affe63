/**
 * @file
 * One connection in the full feature phase at ErrorRecoveryLevel 0
 * (RFC 7143 §4, §11): SCSI commands with immediate, unsolicited and
 * R2T-solicited Data-Out, Data-In with phase collapse, text exchanges with
 * continuation, NOP pings both ways, logout. Sans-I/O: submit tasks, feed
 * PDUs, poll PDUs to send and completions.
 *
 * Session recovery (reconnect, reinstatement, replacement_timeout) sits
 * above this type: when error() is set, the owner drops the connection and
 * the outstanding tasks come back from fail_all().
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"
#include "iscsi/session/cmd_window.hpp"
#include "iscsi/session/task.hpp"
#include "iscsi/text/params.hpp"

#include <deque>
#include <map>
#include <utility>
#include <optional>
#include <span>
#include <vector>

namespace iscsi::session {

/// The state a login leaves behind (see login::login_success).
struct ffp_params {
    text::negotiated_params params;
    cmdsn cmd_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    statsn exp_stat_sn{};
    /// Bound on a continued text response (SendTargets of many targets).
    std::size_t max_text_bytes = 16 * 1024 * 1024;
};

class ffp_connection {
public:
    explicit ffp_connection(ffp_params p);

    itt submit(scsi_request req);
    itt submit_text(text::key_values keys);
    itt submit_logout(pdu::logout_reason reason, cid c = cid{});
    itt submit_nop(std::vector<std::byte> ping_data = {});
    /**
     * A Task Management Function Request (§11.5), immediate. ABORT TASK
     * names the task in `referenced` (its LUN is used); a task the target
     * has not seen yet (held by the command window) is aborted here and the
     * request completes at once, as does one for a task that no longer
     * exists (task_does_not_exist). When the target reports "function
     * complete", the tasks the function ended complete with task_aborted:
     * the target sends nothing more for them (§4.2.3.3 / §7.11 (clearing
     * effects): its response follows their last PDU on this connection).
     */
    itt submit_tmf(pdu::tmf_function function, lun l, std::optional<itt> referenced = std::nullopt);

    void handle_pdu(pdu::raw_pdu const& raw);
    /**
     * Where the data of an incoming PDU should go (pdu::reader placement):
     * for a Data-In of a read with read_into buffers, the part of them its
     * Buffer Offset and length cover; otherwise nothing (data stays in the
     * PDU). A Data-In that does not fit gets nothing here and fails in
     * handle_pdu as data_overrun.
     */
    [[nodiscard]] std::vector<std::span<std::byte>> placement_for(pdu::raw_pdu const& header);

    [[nodiscard]] std::optional<pdu::raw_pdu> poll_transmit();
    /**
     * The driver wrote these PDUs (from poll_transmit, in order). A PDU
     * that borrowed a caller's write buffers (raw_pdu::data_ref) no longer
     * needs them; a command whose response came first (an early CHECK
     * CONDITION) completes once its last such PDU is written.
     */
    void on_written(std::span<pdu::raw_pdu const> pdus);
    [[nodiscard]] std::optional<completion> poll_completion();
    [[nodiscard]] std::optional<async_event> poll_event();

    /// Set when the connection can no longer be used (recovery_for() says how).
    [[nodiscard]] std::error_code error() const noexcept { return error_; }
    [[nodiscard]] diagnostics const& diag() const noexcept { return diag_; }
    /// Fails every outstanding task with `why` (connection lost, shutdown);
    /// the connection writes nothing more, so held completions go out too.
    void fail_all(std::error_code why);
    /// For ERL 0 session recovery (§7.1.1): removes every SCSI task and
    /// returns its request with the ITT it had, so the owner can retry it on
    /// a new connection; other tasks complete with `why`.
    std::vector<std::pair<itt, scsi_request>> take_scsi_requests(std::error_code why);

    [[nodiscard]] std::size_t outstanding() const noexcept { return tasks_.size(); }
    [[nodiscard]] statsn exp_stat_sn() const noexcept { return exp_stat_sn_; }
    [[nodiscard]] cmd_window const& window() const noexcept { return window_; }
    [[nodiscard]] text::negotiated_params const& params() const noexcept { return params_; }

private:
    enum class task_kind : std::uint8_t { scsi, text, logout, nop, tmf };

    struct task {
        task_kind kind{};
        scsi_request req;            ///< scsi
        scsi_outcome out;            ///< scsi result being filled in
        std::uint32_t received = 0;  ///< Data-In bytes so far
        std::uint32_t immediate_bytes = 0; ///< write data sent with the command
        datasn next_data_sn{};       ///< expected DataSN of the next Data-In
        text::key_values text_keys;  ///< the text response
        std::deque<std::vector<std::byte>> text_out; ///< request pieces not yet sent
        logout_outcome logout{};
        std::vector<std::byte> text_in;
        std::vector<std::byte> ping; ///< ping data, then the echo
        std::optional<pdu::raw_pdu> command; ///< waiting for the window to open
        cmdsn cmd_sn{};              ///< once sent: ABORT TASK's RefCmdSN
        r2tsn next_r2t_sn{};         ///< R2TSN the next R2T must carry (§11.8.3)
        pdu::task_mgmt_request tmf{}; ///< tmf: what was asked
        tmf_outcome tmf_out{};
    };

    itt add_task(task t);
    void queue_command(itt tag, pdu::raw_pdu cmd, bool immediate);
    void flush_window();
    void send_unsolicited(itt tag, task& t, std::uint32_t from, std::uint32_t to);
    void send_text_piece(itt tag, task& t, ttt target_tag);
    void send_data_out(itt tag, task& t, ttt target_tag, std::uint32_t offset, std::uint32_t length);
    void complete(itt tag, std::error_code ec = {});
    void fail(std::error_code ec, std::string detail);
    /// Takes a response's StatSN (§4.2.2.2): ExpStatSN follows it, unless
    /// it is so far from ExpStatSN that the connection must be out of step;
    /// then the connection fails and this returns false.
    [[nodiscard]] bool accept_stat_sn(statsn sn);

    task* task_for(itt tag, task_kind kind, char const* what);
    void on_scsi_response(pdu::raw_pdu const& raw);
    void on_data_in(pdu::raw_pdu const& raw);
    /// Puts a Data-In payload where it belongs; false when it does not fit the read buffers.
    bool store_data_in(task& t, std::uint32_t offset, pdu::raw_pdu const& raw);
    void on_r2t(pdu::raw_pdu const& raw);
    void on_nop_in(pdu::raw_pdu const& raw);
    void on_text_response(pdu::raw_pdu const& raw);
    void on_logout_response(pdu::raw_pdu const& raw);
    void on_reject(pdu::raw_pdu const& raw);
    void on_async(pdu::raw_pdu const& raw);
    void on_tmf_response(pdu::raw_pdu const& raw);
    /// After "function complete": ends the SCSI tasks the function cleared.
    void clear_tasks(pdu::task_mgmt_request const& req);

    text::negotiated_params params_;
    cmd_window window_;
    statsn exp_stat_sn_;
    std::size_t max_text_bytes_;
    std::uint32_t next_itt_ = 1;

    std::map<std::uint32_t, task> tasks_;
    std::deque<itt> waiting_;  ///< non-immediate commands held by the window
    std::deque<pdu::raw_pdu> outbound_;
    std::deque<completion> completions_;
    /// ITT -> PDUs with borrowed write data handed out and not yet written.
    std::map<std::uint32_t, std::uint32_t> borrowed_;
    /// Completions held until their borrowed PDUs are written (on_written).
    std::map<std::uint32_t, completion> parked_;
    std::deque<async_event> events_;
    std::error_code error_;
    diagnostics diag_;
};

} // namespace iscsi::session
