/**
 * @file
 * Errors of the auth module (STYLE habit 6). Authentication failures fail the
 * session: retrying with the same secret cannot succeed and only feeds an
 * attacker more transcripts. Configuration mistakes are reported to the user.
 *
 * The target refusing *our* credentials arrives as a Login status (class 2,
 * detail 1, §11.13.5) and is the login module's error, not ours; the errors
 * here are what we detect ourselves.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <system_error>
#include <type_traits>

namespace iscsi::auth {

enum class errc : int {
    // --- configuration (report_to_user) ---
    /// A name in a chap_algs list is not MD5, SHA1, SHA256 or SHA3-256.
    unknown_algorithm_name = 1,
    /// Empty username or secret, empty algorithm list, or one secret for both
    /// directions (§9.2.1 forbids reusing a secret across directions).
    bad_config,
    /// OpenSSL cannot compute the digest (e.g. MD5 in FIPS mode).
    digest_unavailable,

    // --- the peer broke the CHAP exchange (fail_session) ---
    /// A required CHAP key is absent from the peer's message.
    missing_key,
    /// A CHAP key appears twice in one message.
    duplicate_key,
    /// The target answered CHAP_A=Reject (or similar): no algorithm in common.
    no_common_algorithm,
    /// The target picked a CHAP_A value we did not offer.
    algorithm_not_offered,
    /// CHAP_I is not a number in 0..255.
    bad_identifier,
    /// CHAP_C or CHAP_R is not a valid hex ("0x") or base64 ("0b") value.
    bad_encoding,
    /// A challenge is shorter or longer than we accept.
    bad_challenge_length,
    /// The peer sent back a challenge we issued (reflection attack, §12.1.3).
    reflected_challenge,
    /// CHAP keys arrived in an order the exchange does not allow.
    out_of_order,

    // --- mutual CHAP: the target did not prove itself (fail_session) ---
    /// CHAP_N from the target is not the configured target username.
    target_name_mismatch,
    /// CHAP_R from the target has the wrong length for the algorithm.
    bad_response_length,
    /// CHAP_R from the target does not match the configured target secret.
    target_auth_failed,

    // --- target side (chap_target, used by the test target) ---
    /// The initiator's CHAP_N/CHAP_R did not match (the target answers 0201).
    initiator_auth_failed,
    /// The initiator asked for mutual CHAP but the target has no credentials.
    mutual_not_configured,
};

/// The category of iscsi::auth::errc.
[[nodiscard]] error_category const& auth_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), auth_category()};
}

} // namespace iscsi::auth

template <>
struct std::is_error_code_enum<iscsi::auth::errc> : std::true_type {};
