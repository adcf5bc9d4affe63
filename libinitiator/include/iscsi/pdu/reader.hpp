/**
 * @file
 * Incremental PDU framer (RFC 7143 §11.1, STYLE habit 3): bytes in, whole
 * raw_pdus out. It knows only the generic BHS length fields, so it frames
 * every opcode, known or not; the typed decode_*() functions judge content.
 */
#pragma once

#include "iscsi/core/crc32c.hpp"
#include "iscsi/core/error.hpp"
#include "iscsi/pdu/errors.hpp"
#include "iscsi/pdu/raw_pdu.hpp"
#include "iscsi/pdu/writer.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <system_error>

namespace iscsi::pdu {

/// Bounds on peer-controlled lengths (STYLE habit 16).
struct reader_limits {
    /// Our declared MaxRecvDataSegmentLength (§13.12; 8192 by default).
    std::uint32_t max_data_segment_length = 8192;
    /// Largest TotalAHSLength * 4 we accept.
    std::uint32_t max_ahs_length = 1024;
};

class reader {
public:
    explicit reader(reader_limits limits = {}, digest_options digests = {}) noexcept;

    /// New limits; they apply from the next PDU on (the one in progress
    /// keeps the settings it started with).
    void set_limits(reader_limits limits) noexcept { next_limits_ = limits; }
    /// New digest settings (e.g. after login, §13.1); from the next PDU on.
    void set_digests(digest_options digests) noexcept { next_digests_ = digests; }

    /**
     * Consumes bytes of the stream and returns how many it took. It stops
     * right after completing one PDU and takes nothing more until take().
     * Lengths are checked as soon as the BHS is complete, before any buffer
     * for the AHS or data is allocated. On error it sets `ec` (an
     * iscsi::pdu::errc), fills `diag` and returns the bytes consumed so far;
     * the reader is then unusable and every later put() fails with
     * errc::reader_failed (a framing error drops the connection).
     * The one exception is errc::data_digest_error (§7.8): the framing is
     * intact, so the reader has consumed the whole PDU, drops it, keeps its
     * BHS in discarded_bhs() (for the Reject it needs, §11.17.4) and goes
     * on with the next PDU.
     */
    std::size_t put(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag = nullptr);

    /**
     * Inside a data segment: the bytes still to come, and room for them, so
     * that a caller can read the stream straight into the PDU instead of
     * staging large segments in its own buffer (one copy less). Write into
     * data_space(), then confirm with data_filled(n) (n <= its size); the
     * digest and the state advance as put() would.
     */
    [[nodiscard]] std::size_t data_remaining() const noexcept { return state_ == state::data ? need_ - got_ : 0; }

    /**
     * Direct data placement: once a PDU's header is complete (and its
     * digest checked), `f` may name where its data segment goes instead of
     * raw_pdu::data, as pieces whose sizes add up to DataSegmentLength (any
     * other answer, e.g. empty, keeps the data in the PDU). The PDU then
     * arrives with `data` empty and `data_placed` set; the data digest is
     * checked over the placed bytes. With data_space() this lets a Data-In
     * go from the socket straight into the caller's read buffer.
     */
    using placement_fn = std::function<std::vector<std::span<std::byte>>(raw_pdu const& header)>;
    void set_placement(placement_fn f) { placement_ = std::move(f); }
    [[nodiscard]] std::span<std::byte> data_space();
    void data_filled(std::size_t n);

    [[nodiscard]] bool has_pdu() const noexcept { return state_ == state::complete; }
    /// True between PDUs (no partial PDU buffered).
    [[nodiscard]] bool idle() const noexcept { return state_ == state::bhs && got_ == 0; }
    /// Precondition: has_pdu(). Hands the PDU over and starts the next one.
    [[nodiscard]] raw_pdu take();
    /// The BHS of the last PDU dropped for a data digest error.
    [[nodiscard]] std::array<std::byte, bhs_size> const& discarded_bhs() const noexcept { return discarded_; }

private:
    // Where the reader is in §11.1's layout; one enumerator per field.
    enum class state : std::uint8_t { bhs, ahs, header_digest, data, padding, data_digest, complete, failed };

    std::size_t put_bhs(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag);
    std::size_t put_ahs(std::span<std::byte const> in);
    std::size_t put_header_digest(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag);
    std::size_t put_data(std::span<std::byte const> in);
    void data_progress(std::size_t n);
    /// The writable region at data offset got_: the current placed piece, or pdu_.data.
    [[nodiscard]] std::span<std::byte> placed_region();
    void advance_placed(std::size_t n);
    std::size_t put_padding(std::span<std::byte const> in);
    std::size_t put_data_digest(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag);
    bool check_lengths(std::error_code& ec, diagnostics* diag);
    void after_ahs();
    void start_data();
    void after_data();
    std::size_t take_digest_bytes(std::span<std::byte const> in);
    std::size_t step(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag);
    void fail(std::error_code& ec, std::error_code what);

    reader_limits limits_;
    reader_limits next_limits_;
    digest_options digests_;
    digest_options next_digests_;
    state state_ = state::bhs;
    std::size_t got_ = 0;     ///< bytes of the current field received so far
    std::size_t need_ = 0;    ///< size of the current field
    crc32c crc_;
    placement_fn placement_;
    std::vector<std::span<std::byte>> placed_; ///< empty: the data goes to pdu_.data
    std::size_t piece_ = 0;                    ///< placed_ piece being filled
    std::size_t piece_off_ = 0;                ///< bytes of it filled
    std::array<std::byte, digest_size> digest_{};
    raw_pdu pdu_;
    std::array<std::byte, bhs_size> discarded_{};
};

} // namespace iscsi::pdu
