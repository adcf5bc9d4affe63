/**
 * @file
 * Errors are values (STYLE habit 6). Every module owns an error enum and a
 * category derived from iscsi::error_category, which also says what recovery
 * the error needs. The core never throws; fallible functions return
 * iscsi::result<T>.
 */
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <system_error>

namespace iscsi {

/// What the caller must do about an error (RFC 7143 §7 error handling).
enum class recovery : unsigned char {
    /// Answer the offending PDU with a Reject and carry on (§11.17).
    reject_pdu,
    /// The connection can no longer be trusted: close it, recover per ERL.
    drop_connection,
    /// The session cannot continue (e.g. login refused): give up on it.
    fail_session,
    /// Not a protocol fault: a bad argument or configuration the user must fix.
    report_to_user,
};

/// Base of every category in the library; adds the recovery classification.
class error_category : public std::error_category {
public:
    [[nodiscard]] virtual recovery recovery_of(int value) const noexcept = 0;
};

/// Recovery for any error code; codes from outside the library (sockets,
/// timers) mean the transport failed, so the connection is dropped.
[[nodiscard]] recovery recovery_for(std::error_code const& ec) noexcept;

template <class T>
using result = boost::system::result<T, std::error_code>;

/// Human detail that accompanies an error code (STYLE habit 6): filled in by
/// the function that detected the problem, logged by whoever owns the context.
struct diagnostics {
    std::string message;
    void set(std::string m) { message = std::move(m); }
    void clear() noexcept { message.clear(); }
};

} // namespace iscsi
