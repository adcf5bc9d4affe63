/**
 * @file
 * Every typed PDU of one direction as a variant, with a dispatcher on the
 * opcode: what a connection's receive path (or the test target's) needs.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/pdu/async.hpp"
#include "iscsi/pdu/data.hpp"
#include "iscsi/pdu/login.hpp"
#include "iscsi/pdu/logout.hpp"
#include "iscsi/pdu/nop.hpp"
#include "iscsi/pdu/r2t.hpp"
#include "iscsi/pdu/raw_pdu.hpp"
#include "iscsi/pdu/reject.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/snack.hpp"
#include "iscsi/pdu/text.hpp"
#include "iscsi/pdu/tmf.hpp"

#include <variant>

namespace iscsi::pdu {

/// PDUs an initiator sends (opcodes 0x00..0x1f).
using initiator_pdu = std::variant<nop_out, scsi_command, task_mgmt_request, login_request, text_request,
                                   data_out, logout_request, snack_request>;
/// PDUs a target sends (opcodes 0x20..0x3f).
using target_pdu = std::variant<nop_in, scsi_response, task_mgmt_response, login_response, text_response,
                                data_in, logout_response, r2t, async_message, reject>;

/// Decodes any target PDU. Errors: unknown_opcode for an opcode RFC 7143
/// does not define, wrong_opcode for an initiator opcode, else as the
/// decode_*() function of the opcode.
[[nodiscard]] result<target_pdu> decode_target_pdu(raw_pdu const& raw, diagnostics* diag = nullptr);
/// Decodes any initiator PDU (for the test target); errors as above.
[[nodiscard]] result<initiator_pdu> decode_initiator_pdu(raw_pdu const& raw, diagnostics* diag = nullptr);

[[nodiscard]] raw_pdu encode(initiator_pdu const& p);
[[nodiscard]] raw_pdu encode(target_pdu const& p);

} // namespace iscsi::pdu
