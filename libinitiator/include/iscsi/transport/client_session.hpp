/**
 * @file
 * A logged-in session over one TCP connection, driven by Asio coroutines:
 * connect → login (following redirects) → tasks → logout. It composes the
 * sans-I/O machines (login_machine, ffp_connection) with drive().
 *
 * Threading: all calls on one strand/io_context thread; one task at a time
 * is awaited by this simple client (the daemon's session manager is the
 * concurrent user of ffp_connection).
 */
#pragma once

#include "iscsi/discovery/portal.hpp"
#include "iscsi/discovery/sendtargets.hpp"
#include "iscsi/login/login_machine.hpp"
#include "iscsi/session/ffp_connection.hpp"
#include "iscsi/transport/pdu_stream.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <memory>

namespace iscsi::transport {

struct connect_options {
    duration connect_timeout = std::chrono::seconds(10);
    /// Redirects followed before giving up (a loop guard, §11.13.5).
    unsigned max_redirects = 8;
};

/// A connection that completed its login and is in the full feature phase,
/// not yet used: for the session layer here, or to hand to the kernel.
struct logged_in_connection {
    pdu_stream stream;
    discovery::portal portal; ///< where it logged in, after redirects
    login::login_success info;
};

/// Connects to `portal` and logs in with `params`, following redirects
/// (§11.13.5). On failure `diag` (if given) says what happened.
asio::awaitable<result<logged_in_connection>>
login_connection(asio::any_io_executor ex, discovery::portal portal, login::login_params params,
                 connect_options opts = {}, diagnostics* diag = nullptr);

class client_session {
public:
    /// Connects to `portal`, logs in with `params` and enters the full
    /// feature phase. On failure `diag` (if given) says what happened.
    static asio::awaitable<result<std::unique_ptr<client_session>>>
    login(asio::any_io_executor ex, discovery::portal portal, login::login_params params,
          connect_options opts = {}, diagnostics* diag = nullptr);

    asio::awaitable<result<session::scsi_outcome>> execute(session::scsi_request req, duration timeout,
                                                           diagnostics* diag = nullptr);
    asio::awaitable<result<text::key_values>> text_exchange(text::key_values keys, duration timeout,
                                                            diagnostics* diag = nullptr);
    /// Logout (close the session) and close the connection.
    asio::awaitable<std::error_code> logout(duration timeout, diagnostics* diag = nullptr);

    [[nodiscard]] login::login_success const& login_info() const noexcept { return info_; }
    /// The portal finally logged in to (after redirects).
    [[nodiscard]] discovery::portal const& portal() const noexcept { return portal_; }
    [[nodiscard]] std::string peer() const { return stream_.peer(); }

    client_session(pdu_stream stream, discovery::portal portal, login::login_success info);

private:
    asio::awaitable<result<session::completion>> await_task(itt tag, duration timeout, diagnostics* diag);

    pdu_stream stream_;
    discovery::portal portal_;
    login::login_success info_;
    session::ffp_connection ffp_;
    std::map<std::uint32_t, session::completion> finished_;
};

/**
 * SendTargets discovery (RFC 7143 §12.3, Appendix C): a Discovery session
 * to `portal`, `SendTargets=All`, logout. `params.session_type` is forced
 * to Discovery and TargetName is not sent.
 */
asio::awaitable<result<std::vector<discovery::target_record>>>
discover_sendtargets(asio::any_io_executor ex, discovery::portal portal, login::login_params params,
                     connect_options opts = {}, diagnostics* diag = nullptr);

} // namespace iscsi::transport
