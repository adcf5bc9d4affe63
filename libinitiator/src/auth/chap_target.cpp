// The target side of CHAP, RFC 7143 §12.1.3. Used by the test target
// (tests/support) and unit tests, so the initiator is always exercised
// against the same parsing rules it uses itself.
#include "chap_common.hpp"

#include "iscsi/auth/binary_value.hpp"

#include <algorithm>
#include <array>

namespace iscsi::auth {

using detail::fail;

chap_target::chap_target(chap_target_config config, random_source& random)
    : config_(std::move(config)), random_(&random)
{
}

std::string chap_target::encode(std::span<std::byte const> bytes) const
{
    return config_.base64 ? encode_base64(bytes) : encode_hex(bytes);
}

result<text::key_values> chap_target::challenge(text::key_values const& from_initiator, diagnostics* diag)
{
    if (stage_ != stage::awaiting_offer) return fail(errc::out_of_order, diag, "a second CHAP_A offer arrived");
    auto r = challenge_impl(from_initiator, diag);
    stage_ = r ? stage::awaiting_response : stage::failed;
    return r;
}

result<text::key_values> chap_target::challenge_impl(text::key_values const& from_initiator, diagnostics* diag)
{
    auto a = detail::find_once(from_initiator, detail::key_a, true, diag);
    if (!a) return a.error();
    // Honour the initiator's order: the first offered value we implement.
    std::string_view list = **a;
    while (!algorithm_) {
        auto const comma = list.find(',');
        auto const n = detail::parse_number(list.substr(0, comma));
        auto const alg = n ? chap_algorithm_from_number(*n) : std::nullopt;
        if (alg && std::find(config_.algorithms.begin(), config_.algorithms.end(), *alg) != config_.algorithms.end())
            algorithm_ = alg;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    if (!algorithm_)
        return fail(errc::no_common_algorithm, diag, "no supported algorithm in CHAP_A=" + (*a)->substr(0, 64));

    std::array<std::byte, 1> id{};
    random_->fill(id);
    id_ = std::to_integer<std::uint8_t>(id[0]);
    challenge_.assign(config_.challenge_length, std::byte{0});
    random_->fill(challenge_);
    return text::key_values{{std::string(detail::key_a), std::to_string(static_cast<unsigned>(*algorithm_))},
                            {std::string(detail::key_i), std::to_string(static_cast<unsigned>(id_))},
                            {std::string(detail::key_c), encode(challenge_)}};
}

result<text::key_values> chap_target::authenticate(text::key_values const& from_initiator, diagnostics* diag)
{
    if (stage_ != stage::awaiting_response)
        return fail(errc::out_of_order, diag, "CHAP response received before a challenge was issued");
    auto r = authenticate_impl(from_initiator, diag);
    stage_ = r ? stage::done : stage::failed;
    return r;
}

result<text::key_values> chap_target::authenticate_impl(text::key_values const& from_initiator, diagnostics* diag)
{
    auto n = detail::find_once(from_initiator, detail::key_n, true, diag);
    if (!n) return n.error();
    auto r = detail::find_once(from_initiator, detail::key_r, true, diag);
    if (!r) return r.error();
    hash_function const hash = hash_for(*algorithm_, config_.quirks);
    auto theirs = detail::parse_response(**r, digest_size(hash), errc::initiator_auth_failed, diag);
    if (!theirs) return theirs.error();
    auto expected = chap_digest(hash, id_, config_.initiator.password, challenge_);
    if (!expected) return expected.error();
    // Name and response are checked together so that a wrong name and a
    // wrong secret are indistinguishable to the peer.
    bool const name_ok = **n == config_.initiator.username;
    if (!detail::same_bytes(*theirs, *expected) || !name_ok)
        return fail(errc::initiator_auth_failed, diag, "initiator CHAP_N/CHAP_R did not match");
    return answer_mutual(from_initiator, diag);
}

result<text::key_values> chap_target::answer_mutual(text::key_values const& from_initiator, diagnostics* diag)
{
    auto i = detail::find_once(from_initiator, detail::key_i, false, diag);
    if (!i) return i.error();
    auto c = detail::find_once(from_initiator, detail::key_c, false, diag);
    if (!c) return c.error();
    if (!*i && !*c) return text::key_values{}; // one-way CHAP
    if (!*i || !*c)
        return fail(errc::missing_key, diag, "mutual CHAP needs both CHAP_I and CHAP_C from the initiator");
    if (!config_.target) return fail(errc::mutual_not_configured, diag, "the initiator requested mutual CHAP");

    auto id = detail::parse_identifier(**i, diag);
    if (!id) return id.error();
    auto their_challenge = detail::parse_challenge(**c, diag);
    if (!their_challenge) return their_challenge.error();
    // §12.1.3: the responder must check that the originator did not reuse
    // the challenge it was sent, and close the connection if it did.
    if (detail::same_bytes(*their_challenge, challenge_))
        return fail(errc::reflected_challenge, diag, "the initiator reflected our CHAP challenge");
    auto response = chap_digest(hash_for(*algorithm_, config_.quirks), *id, config_.target->password,
                                *their_challenge);
    if (!response) return response.error();
    return text::key_values{{std::string(detail::key_n), config_.target->username},
                            {std::string(detail::key_r), encode(*response)}};
}

} // namespace iscsi::auth
