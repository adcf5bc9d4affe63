#include "iscsi/discovery/isns/errors.hpp"

#include <array>
#include <string_view>

namespace iscsi::discovery::isns {
namespace {

class category final : public error_category {
public:
    char const* name() const noexcept override { return "iscsi.isns"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::bad_version: return "iSNS server sent a PDU of another iSNSP version";
        case errc::bad_sequence: return "iSNS server sent the PDUs of a message out of sequence";
        case errc::message_too_large: return "iSNS server sent a message larger than the limit";
        case errc::bad_attribute_length: return "iSNS server sent an attribute with a bad length";
        case errc::too_many_attributes: return "iSNS server sent a message with too many attributes";
        case errc::missing_status: return "iSNS server sent a response without a status code";
        case errc::bad_attribute_value: return "iSNS server sent an attribute value of the wrong size or form";
        case errc::unexpected_response: return "iSNS server sent a response to no request of ours";
        case errc::bad_response_layout: return "iSNS server sent a response whose objects cannot be told apart";
        case errc::too_many_objects: return "iSNS server listed more targets or portals than the limit";
        case errc::registration_refused: return "iSNS server refused the registration";
        case errc::query_refused: return "iSNS server refused the query";
        case errc::timed_out: return "iSNS server did not answer in time";
        case errc::bad_address: return "not an IPv4 or IPv6 address";
        }
        return "unknown iSNS error";
    }

    recovery recovery_of(int value) const noexcept override
    {
        switch (static_cast<errc>(value)) {
        case errc::registration_refused:
        case errc::query_refused:
        case errc::timed_out: return recovery::fail_session;
        case errc::bad_address: return recovery::report_to_user;
        default: return recovery::drop_connection;
        }
    }
};

} // namespace

error_category const& isns_category() noexcept
{
    static category const instance;
    return instance;
}

std::string status_name(std::uint32_t status)
{
    // RFC 4171 §6.4, Status Codes; 4 is reserved.
    static constexpr std::array<std::string_view, 24> names{
        "Successful",
        "Unknown Error",
        "Message Format Error",
        "Invalid Registration",
        "",
        "Invalid Query",
        "Source Unknown",
        "Source Absent",
        "Source Unauthorized",
        "No Such Entry",
        "Version Not Supported",
        "Internal Error",
        "Busy",
        "Option Not Understood",
        "Invalid Update",
        "Message (FUNCTION_ID) Not Supported",
        "SCN Event Rejected",
        "SCN Registration Rejected",
        "Attribute Not Implemented",
        "FC_DOMAIN_ID Not Available",
        "FC_DOMAIN_ID Not Allocated",
        "ESI Not Available",
        "Invalid Deregistration",
        "Registration Feature Not Supported",
    };
    if (status < names.size() && !names[status].empty())
        return std::string(names[status]);
    return "status " + std::to_string(status);
}

} // namespace iscsi::discovery::isns
