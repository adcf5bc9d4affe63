#include "iscsi/text/errors.hpp"

#include <string>

namespace iscsi::text {
namespace {

class category final : public iscsi::error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "iscsi.text"; }

    [[nodiscard]] std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::missing_separator: return "A key=value pair in the text has no '=' separator.";
        case errc::missing_terminator: return "The text does not end with a null byte after its last pair.";
        case errc::key_too_long: return "A key name is longer than the 63 bytes RFC 7143 allows.";
        case errc::value_too_long: return "A value is longer than the allowed limit.";
        case errc::too_many_pairs: return "The text holds more key=value pairs than the allowed limit.";
        case errc::text_too_long: return "The text is larger than the allowed limit.";
        case errc::bad_key_name: return "A key name is empty or contains a character RFC 7143 does not allow.";
        case errc::duplicate_key: return "A key was sent again after it had already been negotiated.";
        case errc::invalid_value: return "A value does not have the form its key requires.";
        case errc::out_of_range: return "A numerical value is outside the range its key allows.";
        case errc::answer_not_permitted:
            return "The target answered with a value the negotiation rule does not permit.";
        case errc::unsolicited_response: return "The target answered a key that was never offered.";
        case errc::key_not_allowed: return "The target sent a key it may not send at this point.";
        case errc::negotiation_failed: return "The target rejected a parameter value we require.";
        case errc::burst_length_conflict:
            return "The negotiated FirstBurstLength exceeds MaxBurstLength.";
        case errc::bad_offer: return "The configured negotiation parameters are invalid.";
        }
        return "Unknown text negotiation error.";
    }

    // A target that sends malformed text or breaks the negotiation rules
    // breaks the login on this connection; a retry may reach a healthier
    // portal. A clean refusal of what we need will not change on a retry.
    [[nodiscard]] recovery recovery_of(int value) const noexcept override
    {
        switch (static_cast<errc>(value)) {
        case errc::negotiation_failed:
        case errc::burst_length_conflict: return recovery::fail_session;
        case errc::bad_offer: return recovery::report_to_user;
        default: return recovery::drop_connection;
        }
    }
};

} // namespace

iscsi::error_category const& text_category() noexcept
{
    static category const instance;
    return instance;
}

} // namespace iscsi::text
