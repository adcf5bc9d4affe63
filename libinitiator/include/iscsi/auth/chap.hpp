/**
 * @file
 * CHAP for iSCSI login (RFC 7143 §12.1.3 over RFC 1994), sans-I/O: both
 * sides take the peer's key/value pairs and return the pairs to send.
 *
 * The exchange, with the keys each side sends (§12.1.3):
 *
 *     I→T  CHAP_A=<A1,A2,...>                     chap_initiator::offer()
 *     T→I  CHAP_A=<A> CHAP_I=<I> CHAP_C=<C>        chap_target::challenge()
 *     I→T  CHAP_N=<N> CHAP_R=<R> [CHAP_I CHAP_C]   chap_initiator::respond()
 *     T→I  [CHAP_N=<N> CHAP_R=<R>]                 chap_target::authenticate()
 *          (mutual only)                           chap_initiator::verify_target()
 *
 * Secrets never appear in error codes, diagnostics or returned keys.
 */
#pragma once

#include "iscsi/auth/binary_value.hpp"
#include "iscsi/auth/digest.hpp"
#include "iscsi/auth/errors.hpp"
#include "iscsi/auth/random.hpp"
#include "iscsi/auth/secret.hpp"
#include "iscsi/core/error.hpp"
#include "iscsi/text/key_value.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iscsi::auth {

/// CHAP_A values: the PPP "CHAP algorithms" registry at IANA (RFC 1994 §4.1
/// assigns 5; 6, 7 and 8 were registered in 2019 for iSCSI, and are what
/// LIO and open-iscsi implement).
enum class chap_algorithm : std::uint8_t { md5 = 5, sha1 = 6, sha256 = 7, sha3_256 = 8 };

/// open-iscsi's spelling: "MD5", "SHA1", "SHA256", "SHA3-256".
[[nodiscard]] std::string_view to_string(chap_algorithm a) noexcept;

/// The algorithm for a CHAP_A number, if it is one we implement.
[[nodiscard]] std::optional<chap_algorithm> chap_algorithm_from_number(std::uint64_t n) noexcept;

/**
 * Parses open-iscsi's node.session.auth.chap_algs, e.g. "SHA3-256,SHA256,SHA1,MD5":
 * comma-separated, case-insensitive, blanks around names ignored, repeats
 * dropped (the first position wins). Fails with errc::unknown_algorithm_name
 * (the diagnostics name the bad entry) or errc::bad_config for an empty list.
 */
[[nodiscard]] result<std::vector<chap_algorithm>> parse_chap_algs(std::string_view list,
                                                                  diagnostics* diag = nullptr);

/// The inverse of parse_chap_algs: "SHA256,MD5".
[[nodiscard]] std::string format_chap_algs(std::span<chap_algorithm const> algs);

/**
 * Named interoperability quirks, all off by default.
 *
 * tgt_chap_a7_is_sha1 — tgt (the Linux SCSI target framework, fujita/tgt,
 * usr/iscsi/chap.c; Debian's tgtd 1.0.85) predates the IANA registration and
 * defines CHAP_DIGEST_ALG_SHA1 as 7. It accepts only 5 and 7, picks the first
 * of those in the initiator's CHAP_A list, and for 7 computes and expects
 * SHA-1 (20-byte) responses. IANA and LIO/open-iscsi define 7 as SHA-256. An
 * initiator offering "SHA256,...,MD5" to tgt therefore gets CHAP_A=7 back and
 * fails: tgt cannot even decode a 32-byte response (open-iscsi issue #192,
 * "buf[20] !sufficient to decode string[66]").
 *
 * With the quirk on, CHAP_A=7 is computed with SHA-1 in both directions.
 * We do not auto-detect tgt: in one-way CHAP nothing the target sends before
 * our response distinguishes the two meanings, and "retry with SHA-1 after a
 * failure" would let anyone in the path downgrade SHA-256 to SHA-1 and would
 * double failed attempts against account lockouts. Instead the user sets the
 * quirk (or offers only MD5) for tgt targets, and
 * chap_initiator::chap_a7_ambiguous() lets the login layer suggest it when a
 * CHAP_A=7 login is refused.
 */
struct chap_quirks {
    bool tgt_chap_a7_is_sha1 = false;
};

/// The hash a CHAP_A value means under the given quirks.
[[nodiscard]] hash_function hash_for(chap_algorithm a, chap_quirks const& q) noexcept;

struct chap_credentials {
    std::string username;
    secret password;
};

struct chap_config {
    chap_credentials initiator;             ///< we prove ourselves with these
    std::optional<chap_credentials> target; ///< mutual CHAP: the target must prove itself with these
    /// Ordered offer, most preferred first, like open-iscsi's chap_algs.
    /// MD5 is the algorithm every target implements (RFC 1994 / §12.1.3);
    /// it is the default. FIPS systems may leave it out.
    std::vector<chap_algorithm> algorithms{chap_algorithm::md5};
    chap_quirks quirks;
};

/// Bounds on the target's challenge. 1024 is §12.1.3's limit on binary C and
/// R. Fewer than 8 bytes makes responses replayable; every target we know
/// sends at least 16 (LIO 16..32, tgt 25..49, FreeBSD ctld 1024).
inline constexpr std::size_t min_challenge_length = 8;
inline constexpr std::size_t max_challenge_length = max_binary_value_length;
/// Our mutual challenge: at least 16 random bytes, and the digest size for
/// the longer digests (as LIO does).
inline constexpr std::size_t min_own_challenge_length = 16;

/**
 * Checks a configuration: non-empty usernames, secrets and algorithm list,
 * and distinct secrets for the two directions — RFC 7143 §9.2.1 forbids
 * configuring a CHAP secret used to authenticate initiators for
 * authenticating targets, which would make reflection trivial.
 * Fails with errc::bad_config (diagnostics say which rule, never the secret).
 */
[[nodiscard]] result<void> check_config(chap_config const& config, diagnostics* diag = nullptr);

/// The initiator side of AuthMethod=CHAP (§12.1.3).
class chap_initiator {
public:
    /// `random` must outlive this object.
    chap_initiator(chap_config config, random_source& random);

    /// {CHAP_A=5[,6,...]} in the configured order.
    [[nodiscard]] text::key_values offer() const;

    /**
     * Handles the target's CHAP_A, CHAP_I, CHAP_C and returns CHAP_N and
     * CHAP_R (+ CHAP_I and CHAP_C of our own challenge when mutual). Errors:
     * bad_config, missing_key, duplicate_key, no_common_algorithm,
     * algorithm_not_offered, bad_identifier, bad_encoding,
     * bad_challenge_length, reflected_challenge, digest_unavailable,
     * out_of_order (called twice). After any error the object only answers
     * out_of_order.
     */
    [[nodiscard]] result<text::key_values> respond(text::key_values const& from_target,
                                                   diagnostics* diag = nullptr);

    /**
     * Mutual only: checks the target's CHAP_N and CHAP_R. Errors:
     * target_name_mismatch, bad_response_length, target_auth_failed,
     * reflected_challenge (the target echoed a challenge), missing_key,
     * duplicate_key, bad_encoding, out_of_order (not mutual, or before respond).
     */
    [[nodiscard]] result<void> verify_target(text::key_values const& from_target,
                                             diagnostics* diag = nullptr);

    [[nodiscard]] bool mutual() const noexcept { return config_.target.has_value(); }
    /// True once the exchange needs nothing more (one-way: after respond()).
    [[nodiscard]] bool complete() const noexcept { return stage_ == stage::done; }
    /// The algorithm the target chose, once respond() has seen it.
    [[nodiscard]] std::optional<chap_algorithm> algorithm() const noexcept { return algorithm_; }
    /// True when the target chose CHAP_A=7 and the tgt quirk is off: if the
    /// target then refuses us, it may be tgt (see chap_quirks).
    [[nodiscard]] bool chap_a7_ambiguous() const noexcept;

private:
    enum class stage : std::uint8_t { offered, awaiting_target_proof, done, failed };

    result<text::key_values> respond_impl(text::key_values const& from_target, diagnostics* diag);
    result<void> verify_impl(text::key_values const& from_target, diagnostics* diag);
    result<void> make_own_challenge(diagnostics* diag);

    chap_config config_;
    random_source* random_;
    stage stage_ = stage::offered;
    std::optional<chap_algorithm> algorithm_;
    std::vector<std::byte> target_challenge_; ///< what the target asked us
    std::vector<std::byte> own_challenge_;    ///< what we asked the target (mutual)
    std::uint8_t own_id_ = 0;
};

/// Configuration of the target side (used by the test target and unit tests).
struct chap_target_config {
    chap_credentials initiator;             ///< what the initiator must present
    std::optional<chap_credentials> target; ///< our answer to a mutual challenge
    /// What the target implements; it picks the first of the initiator's
    /// offer that appears here (tgt and LIO both honour the initiator's order).
    std::vector<chap_algorithm> algorithms{chap_algorithm::md5, chap_algorithm::sha1,
                                           chap_algorithm::sha256, chap_algorithm::sha3_256};
    chap_quirks quirks;                     ///< tgt_chap_a7_is_sha1 emulates tgt
    std::size_t challenge_length = 16;      ///< bytes of CHAP_C we issue
    bool base64 = false;                    ///< encode CHAP_C/CHAP_R as "0b…"
};

/// The target side of AuthMethod=CHAP.
class chap_target {
public:
    /// `random` must outlive this object.
    chap_target(chap_target_config config, random_source& random);

    /**
     * Handles the initiator's CHAP_A list; returns CHAP_A, CHAP_I, CHAP_C.
     * Errors: missing_key, duplicate_key, no_common_algorithm (the caller
     * answers CHAP_A=Reject or a login error), out_of_order.
     */
    [[nodiscard]] result<text::key_values> challenge(text::key_values const& from_initiator,
                                                     diagnostics* diag = nullptr);

    /**
     * Checks the initiator's CHAP_N and CHAP_R; if it also sent CHAP_I and
     * CHAP_C, answers them with our CHAP_N and CHAP_R (otherwise returns no
     * keys). Errors: initiator_auth_failed (login status 0201),
     * mutual_not_configured, reflected_challenge (§12.1.3: the responder
     * MUST check that its own challenge is not echoed), missing_key,
     * duplicate_key, bad_identifier, bad_encoding, bad_challenge_length,
     * out_of_order.
     */
    [[nodiscard]] result<text::key_values> authenticate(text::key_values const& from_initiator,
                                                        diagnostics* diag = nullptr);

    [[nodiscard]] std::optional<chap_algorithm> algorithm() const noexcept { return algorithm_; }

private:
    enum class stage : std::uint8_t { awaiting_offer, awaiting_response, done, failed };

    result<text::key_values> challenge_impl(text::key_values const& from_initiator, diagnostics* diag);
    result<text::key_values> authenticate_impl(text::key_values const& from_initiator, diagnostics* diag);
    result<text::key_values> answer_mutual(text::key_values const& from_initiator, diagnostics* diag);
    [[nodiscard]] std::string encode(std::span<std::byte const> bytes) const;

    chap_target_config config_;
    random_source* random_;
    stage stage_ = stage::awaiting_offer;
    std::optional<chap_algorithm> algorithm_;
    std::uint8_t id_ = 0;
    std::vector<std::byte> challenge_;
};

} // namespace iscsi::auth
