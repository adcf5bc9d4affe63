/**
 * @file
 * What callers ask of a full-feature connection and what they get back.
 */
#pragma once

#include "iscsi/core/ids.hpp"
#include "iscsi/pdu/logout.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/tmf.hpp"
#include "iscsi/scsi/cdb.hpp"
#include "iscsi/text/key_value.hpp"

#include <cstdint>
#include <span>
#include <system_error>
#include <variant>
#include <vector>

namespace iscsi::session {

struct scsi_request {
    lun lun_{};
    scsi::command cmd;
    /// For writes: exactly cmd.expected_length bytes (or use write_from).
    std::vector<std::byte> data_out;
    pdu::task_attribute attr = pdu::task_attribute::simple;
    /**
     * For reads: the caller's buffers (scatter list, in order) that receive
     * the data instead of scsi_outcome::data. They must stay valid until the
     * command completes. With a driver that places data directly
     * (scsi_session), Data-In payloads go from the socket straight into
     * them: no copy in user space.
     */
    std::vector<std::span<std::byte>> read_into{};
    /**
     * For writes, instead of data_out: the caller's buffers (gather list, in
     * order, cmd.expected_length bytes in all), valid until the command
     * completes. The data is not copied in user space: the PDUs that carry
     * it point into these buffers (raw_pdu::data_ref) and go out by gather
     * writes, and the command completes only after they have been written.
     */
    std::vector<std::span<std::byte const>> write_from{};

    /// Bytes of write data the request carries (data_out or write_from).
    [[nodiscard]] std::size_t write_length() const noexcept
    {
        if (write_from.empty()) return data_out.size();
        std::size_t n = 0;
        for (auto s : write_from) n += s.size();
        return n;
    }
    /// Appends write data bytes [offset, offset + n) to `out`.
    void append_write_data(std::size_t offset, std::size_t n, std::vector<std::byte>& out) const;
};

struct scsi_outcome {
    pdu::service_response response = pdu::service_response::command_completed;
    std::uint8_t status = 0;       ///< SAM status; 0 = GOOD
    std::vector<std::byte> data;   ///< Data-In, trimmed to what the target sent (empty with read_into)
    std::uint32_t received = 0;    ///< bytes of Data-In received (into data or read_into)
    std::vector<std::byte> sense;  ///< sense data with CHECK CONDITION
    std::uint32_t residual = 0;
    bool underflow = false;
    bool overflow = false;
};

struct text_outcome {
    text::key_values keys; ///< the whole (possibly continued) response
};

struct logout_outcome {
    pdu::logout_response_code response{};
    std::uint16_t time2wait = 0;
    std::uint16_t time2retain = 0;
};

struct nop_outcome {
    std::vector<std::byte> echoed;
};

/// The target's answer to a Task Management Function Request (§11.6.1).
struct tmf_outcome {
    pdu::tmf_response response = pdu::tmf_response::function_complete;
};

/// One finished task. `error` set means the outcome is not meaningful.
struct completion {
    itt tag{};
    std::error_code error{};
    std::variant<scsi_outcome, text_outcome, logout_outcome, nop_outcome, tmf_outcome> outcome;
    /// SCSI tasks: the request, handed back so that the owner can issue it
    /// again (after a UNIT ATTENTION) without having kept a copy.
    std::optional<scsi_request> request{};
};

/// Async Message events (§11.9) surfaced to the owner of the connection.
enum class async_event : std::uint8_t {
    scsi_async_event = 0,
    logout_requested = 1,
    connection_drop = 2,
    session_drop = 3,
    negotiation_requested = 4,
    task_termination = 5,
    vendor = 255,
};

} // namespace iscsi::session
