/**
 * @file
 * Multi-PDU text (RFC 7143 §6.2, §11.10.2, §11.12.2): a Text or Login PDU
 * with the C (continue) bit set carries only part of a text, and a key=value
 * pair may be cut anywhere, even inside a key name. The receiver joins the
 * data segments before parsing; the sender cuts the encoded text into chunks
 * no larger than the peer's MaxRecvDataSegmentLength.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/text/key_value.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace iscsi::text {

/**
 * Joins the data segments of one text that arrives in several PDUs.
 * Feed every segment in order with its C bit; once a segment with C=0 has
 * arrived, complete() is true and take() parses the whole text.
 */
class text_assembler {
public:
    /// @param max_total_bytes limit on the joined text (habit 16); RFC 7143
    ///        §6.1 asks every node to accept at least 8192 bytes.
    explicit text_assembler(std::size_t max_total_bytes = text_limits{}.max_total_bytes) noexcept
        : max_total_bytes_(max_total_bytes)
    {
    }

    /**
     * Appends one data segment. `more` is the PDU's C bit.
     * Appending to a complete text starts a new one (call take() first).
     * @return errc::text_too_long when the joined text would exceed the
     *         limit; the assembler is then reset.
     */
    result<void> append(std::span<std::byte const> segment, bool more, diagnostics* diag = nullptr);

    /// True once the segment with C=0 has been appended.
    [[nodiscard]] bool complete() const noexcept { return complete_; }
    /// The bytes joined so far.
    [[nodiscard]] std::span<std::byte const> bytes() const noexcept { return buffer_; }

    /**
     * Parses the complete text and resets the assembler.
     * Precondition: complete(). Errors are those of text::parse().
     */
    [[nodiscard]] result<key_values> take(text_limits const& limits = {}, diagnostics* diag = nullptr);

    void reset() noexcept;

private:
    std::size_t max_total_bytes_;
    std::vector<std::byte> buffer_;
    bool complete_ = false;
};

/**
 * Cuts an encoded text into chunks of at most max_chunk bytes, in order; a
 * PDU carries each, with C=1 on all but the last. Cuts may fall inside a pair
 * (§6.2 allows it). An empty text gives one empty chunk, so the caller always
 * has a final PDU to send. A max_chunk of 0 is treated as 1.
 */
[[nodiscard]] std::vector<std::vector<std::byte>> split(std::span<std::byte const> text, std::size_t max_chunk);

} // namespace iscsi::text
