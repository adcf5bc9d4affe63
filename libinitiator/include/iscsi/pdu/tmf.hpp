/**
 * @file
 * Task Management Function Request and Response PDUs (RFC 7143 §11.5, §11.6).
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/core/serial_number.hpp"
#include "iscsi/pdu/raw_pdu.hpp"

#include <cstdint>

namespace iscsi::pdu {

/// §11.5.1.
enum class tmf_function : std::uint8_t {
    abort_task = 1,
    abort_task_set = 2,
    clear_aca = 3,
    clear_task_set = 4,
    logical_unit_reset = 5,
    target_warm_reset = 6,
    target_cold_reset = 7,
    task_reassign = 8,
};

/// §11.5.
struct task_mgmt_request {
    bool immediate = true;  ///< TMF requests are normally immediate
    tmf_function function = tmf_function::abort_task;
    lun lun_{};
    itt itt_{};
    itt referenced_task_tag = reserved_itt;  ///< ABORT TASK / TASK REASSIGN
    cmdsn cmd_sn{};
    statsn exp_stat_sn{};
    cmdsn ref_cmd_sn{};
    datasn exp_data_sn{};   ///< TASK REASSIGN only
    friend bool operator==(task_mgmt_request const&, task_mgmt_request const&) = default;
};

/// §11.6.1.
enum class tmf_response : std::uint8_t {
    function_complete = 0,
    task_does_not_exist = 1,
    lun_does_not_exist = 2,
    task_still_allegiant = 3,
    allegiance_reassignment_not_supported = 4,
    function_not_supported = 5,
    function_authorization_failed = 6,
    function_rejected = 255,
};

/// §11.6.
struct task_mgmt_response {
    tmf_response response = tmf_response::function_complete;
    itt itt_{};
    statsn stat_sn{};
    cmdsn exp_cmd_sn{};
    cmdsn max_cmd_sn{};
    friend bool operator==(task_mgmt_response const&, task_mgmt_response const&) = default;
};

[[nodiscard]] raw_pdu encode(task_mgmt_request const& p);
[[nodiscard]] raw_pdu encode(task_mgmt_response const& p);
/// Errors: wrong_opcode / unknown_opcode; malformed for a data segment,
/// which TMF PDUs never carry. Function codes outside the enum decode as
/// they are, so a target can answer "function not supported" (§11.6.1).
[[nodiscard]] result<task_mgmt_request> decode_task_mgmt_request(raw_pdu const& raw, diagnostics* diag = nullptr);
[[nodiscard]] result<task_mgmt_response> decode_task_mgmt_response(raw_pdu const& raw,
                                                                   diagnostics* diag = nullptr);

} // namespace iscsi::pdu
