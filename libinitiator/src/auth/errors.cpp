#include "iscsi/auth/errors.hpp"

#include <string>

namespace iscsi::auth {
namespace {

// Wording follows open-iscsi where users grep for it ("target failed
// authentication"); nothing here ever includes a secret.
class category final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.auth"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::unknown_algorithm_name:
            return "unknown CHAP algorithm name (valid: MD5, SHA1, SHA256, SHA3-256)";
        case errc::bad_config: return "invalid CHAP configuration";
        case errc::digest_unavailable:
            return "the CHAP digest algorithm is not available (OpenSSL's libcrypto missing, or the hash disabled)";
        case errc::missing_key: return "CHAP message from the peer lacks a required key";
        case errc::duplicate_key: return "CHAP message from the peer repeats a key";
        case errc::no_common_algorithm: return "target supports none of the offered CHAP algorithms";
        case errc::algorithm_not_offered: return "target selected a CHAP algorithm that was not offered";
        case errc::bad_identifier: return "CHAP_I is not a number between 0 and 255";
        case errc::bad_encoding: return "CHAP value is not valid hex (0x) or base64 (0b)";
        case errc::bad_challenge_length: return "CHAP challenge length out of range";
        case errc::reflected_challenge: return "peer reflected our CHAP challenge";
        case errc::out_of_order: return "CHAP message arrived out of order";
        case errc::target_name_mismatch:
            return "target failed authentication: unexpected CHAP name";
        case errc::bad_response_length:
            return "target failed authentication: CHAP response has the wrong length";
        case errc::target_auth_failed: return "target failed authentication";
        case errc::initiator_auth_failed: return "initiator failed authentication";
        case errc::mutual_not_configured:
            return "mutual CHAP requested but no target credentials are configured";
        }
        return "unknown auth error";
    }

    recovery recovery_of(int value) const noexcept override
    {
        switch (static_cast<errc>(value)) {
        case errc::unknown_algorithm_name:
        case errc::bad_config:
        case errc::digest_unavailable:
        case errc::mutual_not_configured: return recovery::report_to_user;
        default: return recovery::fail_session;
        }
    }
};

} // namespace

error_category const& auth_category() noexcept
{
    static category const instance;
    return instance;
}

} // namespace iscsi::auth
