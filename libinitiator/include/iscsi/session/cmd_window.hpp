/**
 * @file
 * The command window of RFC 7143 §4.2.2.1: the target accepts non-immediate
 * commands with ExpCmdSN <= CmdSN <= MaxCmdSN (serial arithmetic). Updates
 * from responses are taken only when they move forward, and only when
 * MaxCmdSN >= ExpCmdSN - 1 ("MaxCmdSN ... MUST be ignored" otherwise).
 */
#pragma once

#include "iscsi/core/serial_number.hpp"

namespace iscsi::session {

class cmd_window {
public:
    cmd_window(cmdsn next, cmdsn exp, cmdsn max) noexcept : next_(next), exp_(exp), max_(max) {}

    /// May a non-immediate command be sent now?
    [[nodiscard]] bool open() const noexcept { return next_ <= max_; }
    /// The CmdSN for the next command; non-immediate commands advance it.
    [[nodiscard]] cmdsn next() const noexcept { return next_; }
    cmdsn take() noexcept { return next_++; }

    void update(cmdsn exp, cmdsn max) noexcept
    {
        if (max + 1 < exp) return; // §4.2.2.1: invalid window, ignore both
        if (exp > exp_) exp_ = exp;
        if (max > max_) max_ = max;
    }

    [[nodiscard]] cmdsn expected() const noexcept { return exp_; }
    [[nodiscard]] cmdsn max() const noexcept { return max_; }

private:
    cmdsn next_;
    cmdsn exp_;
    cmdsn max_;
};

} // namespace iscsi::session
