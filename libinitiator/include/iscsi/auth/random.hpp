/**
 * @file
 * Randomness for CHAP identifiers and challenges, injected so that the
 * sans-I/O CHAP code is deterministic under test.
 */
#pragma once

#include <cstddef>
#include <span>

namespace iscsi::auth {

class random_source {
public:
    virtual ~random_source() = default;
    /// Fills `out` with unpredictable bytes. Must not fail.
    virtual void fill(std::span<std::byte> out) = 0;
};

/**
 * The kernel's CSPRNG (getrandom(2)). Thread-safe. If it ever fails (it cannot
 * be here short of a kernel without the call) the process is terminated: issuing predictable
 * challenges would silently void mutual authentication, and there is no
 * safe degraded mode.
 */
[[nodiscard]] random_source& system_random();

} // namespace iscsi::auth
