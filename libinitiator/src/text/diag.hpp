// Private helpers of the text module for error reporting.
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/text/errors.hpp"

#include <string>
#include <string_view>

namespace iscsi::text::detail {

/// Sets the diagnostic (if wanted) and returns the code, so callers can write
/// `return fail(errc::x, diag, "...")`.
inline std::error_code fail(errc e, diagnostics* diag, std::string message)
{
    if (diag) diag->set(std::move(message));
    return make_error_code(e);
}

/// Peer bytes made safe and short for a message.
inline std::string printable(std::string_view s)
{
    constexpr std::size_t max_shown = 40;
    std::string out;
    for (char c : s.substr(0, max_shown))
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (s.size() > max_shown) out += "...";
    return out;
}

} // namespace iscsi::text::detail
