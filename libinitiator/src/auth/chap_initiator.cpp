// The initiator side of CHAP, RFC 7143 §12.1.3.
#include "chap_common.hpp"

#include "iscsi/auth/binary_value.hpp"

#include <algorithm>
#include <array>

namespace iscsi::auth {

using detail::fail;

chap_initiator::chap_initiator(chap_config config, random_source& random)
    : config_(std::move(config)), random_(&random)
{
}

text::key_values chap_initiator::offer() const
{
    // §12.1.3: "CHAP_A=<A1,A2,...>", a list of algorithms in preference order.
    std::string list;
    for (auto a : config_.algorithms) {
        if (!list.empty()) list += ',';
        list += std::to_string(static_cast<unsigned>(a));
    }
    return {{std::string(detail::key_a), std::move(list)}};
}

bool chap_initiator::chap_a7_ambiguous() const noexcept
{
    return algorithm_ == chap_algorithm::sha256 && !config_.quirks.tgt_chap_a7_is_sha1;
}

result<text::key_values> chap_initiator::respond(text::key_values const& from_target, diagnostics* diag)
{
    if (stage_ != stage::offered)
        return fail(errc::out_of_order, diag, "a second CHAP challenge arrived after we had responded");
    auto r = respond_impl(from_target, diag);
    if (!r) {
        stage_ = stage::failed;
        return r;
    }
    stage_ = mutual() ? stage::awaiting_target_proof : stage::done;
    return r;
}

result<text::key_values> chap_initiator::respond_impl(text::key_values const& from_target, diagnostics* diag)
{
    if (auto ok = check_config(config_, diag); !ok) return ok.error();
    auto a = detail::find_once(from_target, detail::key_a, true, diag);
    if (!a) return a.error();
    auto i = detail::find_once(from_target, detail::key_i, true, diag);
    if (!i) return i.error();
    auto c = detail::find_once(from_target, detail::key_c, true, diag);
    if (!c) return c.error();

    // §6.2.1: a target that supports none of our values answers "Reject"
    // (some send "None" or "NotUnderstood").
    std::string const& a_value = **a;
    auto const number = detail::parse_number(a_value);
    if (!number) {
        if (a_value == "Reject" || a_value == "None" || a_value == "NotUnderstood" || a_value == "Irrelevant")
            return fail(errc::no_common_algorithm, diag,
                        "target answered CHAP_A=" + a_value + " to our offer of " +
                            format_chap_algs(config_.algorithms));
        return fail(errc::algorithm_not_offered, diag,
                    "target selected CHAP_A=" + a_value.substr(0, 32) + ", not one of " +
                        offer().front().value);
    }
    auto const chosen = chap_algorithm_from_number(*number);
    if (!chosen || std::find(config_.algorithms.begin(), config_.algorithms.end(), *chosen) ==
                       config_.algorithms.end())
        return fail(errc::algorithm_not_offered, diag,
                    "target selected CHAP_A=" + std::to_string(*number) + ", not one of " + offer().front().value);
    algorithm_ = *chosen;

    auto id = detail::parse_identifier(**i, diag);
    if (!id) return id.error();
    auto challenge = detail::parse_challenge(**c, diag);
    if (!challenge) return challenge.error();
    // §12.1.3 reflection: the two directions must never use the same
    // challenge. The target speaks first, so we cannot have sent ours yet;
    // the rule is enforced where it can bite — make_own_challenge() never
    // issues the target's challenge, and verify_impl() refuses a target that
    // later echoes either challenge.
    target_challenge_ = std::move(*challenge);

    auto response = chap_digest(hash_for(*algorithm_, config_.quirks), *id, config_.initiator.password,
                                target_challenge_);
    if (!response) return fail(errc::digest_unavailable, diag,
                               "OpenSSL cannot compute " + std::string(to_string(*algorithm_)) +
                                   " (disabled by the crypto policy?)");

    text::key_values out{{std::string(detail::key_n), config_.initiator.username},
                         {std::string(detail::key_r), encode_hex(*response)}};
    if (mutual()) {
        if (auto ok = make_own_challenge(diag); !ok) return ok.error();
        out.push_back({std::string(detail::key_i), std::to_string(static_cast<unsigned>(own_id_))});
        out.push_back({std::string(detail::key_c), encode_hex(own_challenge_)});
    }
    return out;
}

result<void> chap_initiator::make_own_challenge(diagnostics* diag)
{
    // A random identifier and at least 16 random bytes (digest-sized for the
    // longer digests), so that a response cannot be precomputed or replayed.
    std::size_t const length =
        std::max(min_own_challenge_length, digest_size(hash_for(*algorithm_, config_.quirks)));
    own_challenge_.assign(length, std::byte{0});
    // The two challenges must differ (§12.1.3); equal ones mean a broken
    // random source or a target replaying our bytes, so try a few times.
    for (int attempt = 0; attempt < 4; ++attempt) {
        std::array<std::byte, 1> id{};
        random_->fill(id);
        own_id_ = std::to_integer<std::uint8_t>(id[0]);
        random_->fill(own_challenge_);
        if (!detail::same_bytes(own_challenge_, target_challenge_)) return {};
    }
    return fail(errc::reflected_challenge, diag, "could not make a mutual CHAP challenge distinct from the target's");
}

result<void> chap_initiator::verify_target(text::key_values const& from_target, diagnostics* diag)
{
    if (!mutual()) return fail(errc::out_of_order, diag, "target CHAP proof received but mutual CHAP is not configured");
    if (stage_ != stage::awaiting_target_proof)
        return fail(errc::out_of_order, diag, "target CHAP proof received before our response");
    auto r = verify_impl(from_target, diag);
    stage_ = r ? stage::done : stage::failed;
    return r;
}

result<void> chap_initiator::verify_impl(text::key_values const& from_target, diagnostics* diag)
{
    // A target that sends a challenge back at this point is trying to get us
    // to compute something for it: refuse if it is ours or its own again.
    auto c = detail::find_once(from_target, detail::key_c, false, diag);
    if (!c) return c.error();
    if (*c) {
        auto echoed = decode_binary_value(**c);
        if (echoed && (detail::same_bytes(*echoed, own_challenge_) || detail::same_bytes(*echoed, target_challenge_)))
            return fail(errc::reflected_challenge, diag, "the target sent back a CHAP challenge already used");
        return fail(errc::out_of_order, diag, "the target sent a second CHAP challenge");
    }

    auto n = detail::find_once(from_target, detail::key_n, true, diag);
    if (!n) return n.error();
    auto r = detail::find_once(from_target, detail::key_r, true, diag);
    if (!r) return r.error();
    if (**n != config_.target->username)
        return fail(errc::target_name_mismatch, diag,
                    "target failed authentication: it sent CHAP_N=\"" + (*n)->substr(0, 255) + "\", expected \"" +
                        config_.target->username + "\"");

    hash_function const hash = hash_for(*algorithm_, config_.quirks);
    auto theirs = detail::parse_response(**r, digest_size(hash), errc::bad_response_length, diag);
    if (!theirs) {
        if (theirs.error() == errc::bad_response_length && chap_a7_ambiguous() && diag)
            diag->message += " (a target treating CHAP_A=7 as SHA-1, like tgt, needs the tgt_chap_a7_is_sha1 quirk)";
        return theirs.error();
    }
    auto expected = chap_digest(hash, own_id_, config_.target->password, own_challenge_);
    if (!expected) return fail(errc::digest_unavailable, diag, "OpenSSL cannot compute the CHAP digest");
    if (!detail::same_bytes(*theirs, *expected))
        return fail(errc::target_auth_failed, diag,
                    "target failed authentication: its CHAP_R does not match the configured password_in");
    return {};
}

} // namespace iscsi::auth
