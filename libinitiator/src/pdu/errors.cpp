#include "iscsi/pdu/errors.hpp"
#include "iscsi/pdu/opcode.hpp"

namespace iscsi::pdu {
namespace {

class category final : public iscsi::error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "iscsi.pdu"; }

    [[nodiscard]] std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::data_segment_too_long:
            return "The peer sent a data segment longer than our MaxRecvDataSegmentLength.";
        case errc::ahs_too_long: return "The peer sent more additional header segments than we accept.";
        case errc::header_digest_error: return "A PDU header failed its CRC32C header digest check.";
        case errc::data_digest_error: return "A PDU data segment failed its CRC32C data digest check.";
        case errc::unknown_opcode: return "The peer sent a PDU with an opcode RFC 7143 does not define.";
        case errc::wrong_opcode: return "The peer sent a PDU that is not allowed at this point.";
        case errc::malformed: return "The peer sent a PDU whose fields are inconsistent.";
        case errc::reader_failed: return "The PDU stream was already broken by an earlier error.";
        }
        return "Unknown PDU error.";
    }

    // RFC 7143 §7: what each failure leaves intact decides the recovery.
    [[nodiscard]] recovery recovery_of(int value) const noexcept override
    {
        switch (static_cast<errc>(value)) {
        case errc::data_segment_too_long:
        case errc::ahs_too_long:
        case errc::header_digest_error: // §7.8: the lengths themselves are suspect
        case errc::wrong_opcode:
        case errc::reader_failed:
            return recovery::drop_connection;
        case errc::data_digest_error: // §7.8: header intact, discard and Reject
        case errc::unknown_opcode:    // §11.17.1 reason 0x04/0x05
        case errc::malformed:         // §11.17.1 reason 0x09 "Invalid PDU field"
            return recovery::reject_pdu;
        }
        return recovery::drop_connection;
    }
};

} // namespace

iscsi::error_category const& pdu_category() noexcept
{
    static category const instance;
    return instance;
}

std::string_view name_of(opcode op) noexcept
{
    switch (op) {
    case opcode::nop_out: return "NOP-Out";
    case opcode::scsi_command: return "SCSI Command";
    case opcode::task_mgmt_request: return "Task Management Function Request";
    case opcode::login_request: return "Login Request";
    case opcode::text_request: return "Text Request";
    case opcode::data_out: return "SCSI Data-Out";
    case opcode::logout_request: return "Logout Request";
    case opcode::snack_request: return "SNACK Request";
    case opcode::nop_in: return "NOP-In";
    case opcode::scsi_response: return "SCSI Response";
    case opcode::task_mgmt_response: return "Task Management Function Response";
    case opcode::login_response: return "Login Response";
    case opcode::text_response: return "Text Response";
    case opcode::data_in: return "SCSI Data-In";
    case opcode::logout_response: return "Logout Response";
    case opcode::r2t: return "R2T";
    case opcode::async_message: return "Asynchronous Message";
    case opcode::reject: return "Reject";
    }
    return "unknown opcode";
}

} // namespace iscsi::pdu
