#include "bhs_codec.hpp"

#include <algorithm>
#include <utility>
#include <cassert>

namespace iscsi::pdu::detail {
namespace {

std::string hex_byte(std::uint8_t v)
{
    static constexpr char digits[] = "0123456789abcdef";
    return {'0', 'x', digits[v >> 4], digits[v & 0xfU]};
}

} // namespace

raw_pdu start(opcode op, bool immediate, std::uint8_t byte1) noexcept
{
    raw_pdu r;
    bhs_out out{r};
    out.u8(0, static_cast<std::uint8_t>(static_cast<std::uint8_t>(op) | bit_if(immediate, immediate_flag)));
    out.u8(off_flags, byte1);
    return r;
}

void finish(raw_pdu& r) noexcept
{
    assert(r.ahs.size() % 4 == 0 && r.ahs.size() <= max_ahs_size);
    assert(r.data.size() <= max_data_segment_size);
    bhs_out out{r};
    out.u8(off_total_ahs_length, static_cast<std::uint8_t>(r.ahs.size() / 4));
    store_be24(std::span{r.bhs}.subspan(off_data_segment_length), static_cast<std::uint32_t>(r.data.size()));
}

void finish(raw_pdu& r, std::vector<std::byte> data) noexcept
{
    r.data = std::move(data);
    finish(r);
}

std::error_code malformed(diagnostics* diag, std::string message)
{
    if (diag) diag->set(std::move(message));
    return errc::malformed;
}

std::error_code check_header(raw_pdu const& r, opcode expected, diagnostics* diag)
{
    opcode const op = r.op();
    if (op != expected) {
        errc const e = is_known(op) ? errc::wrong_opcode : errc::unknown_opcode;
        if (diag)
            diag->set("Expected a " + std::string{name_of(expected)} + " PDU but received opcode " +
                      hex_byte(static_cast<std::uint8_t>(op)) + " (" + std::string{name_of(op)} + ").");
        return e;
    }
    // A placed data segment (reader placement) is elsewhere: data is empty.
    std::size_t const data_size = r.data_placed ? r.data_segment_length() : r.data.size();
    if (r.ahs.size() != std::size_t{r.total_ahs_length()} * 4 || data_size != r.data_segment_length() ||
        (r.data_placed && !r.data.empty()))
        return malformed(diag, "The " + std::string{name_of(op)} +
                                   " PDU's TotalAHSLength or DataSegmentLength disagrees with its contents.");
    return {};
}

std::error_code check_header_only(raw_pdu const& r, opcode expected, diagnostics* diag)
{
    if (auto ec = check_header(r, expected, diag)) return ec;
    if (!r.data.empty())
        return malformed(diag, "A " + std::string{name_of(expected)} + " PDU carries no data segment, but this one has " +
                                   std::to_string(r.data.size()) + " bytes.");
    return {};
}

std::vector<std::byte> join_sense(std::vector<std::byte> const& sense, std::vector<std::byte> const& rest)
{
    std::vector<std::byte> out;
    if (sense.empty() && rest.empty()) return out;
    assert(sense.size() <= 0xffff);
    // Sized once and filled in place (GCC 12 -O3 misreads resize + insert).
    out.resize(2 + sense.size() + rest.size());
    store_be16(out, static_cast<std::uint16_t>(sense.size()));
    auto const after = std::copy(sense.begin(), sense.end(), out.begin() + 2);
    std::copy(rest.begin(), rest.end(), after);
    return out;
}

std::error_code split_sense(std::span<std::byte const> data, std::vector<std::byte>& sense,
                            std::vector<std::byte>& rest, diagnostics* diag)
{
    if (data.empty()) return {};
    if (data.size() < 2)
        return malformed(diag, "The data segment is too short to hold its 2-byte SenseLength.");
    std::size_t const n = load_be16(data);
    if (n > data.size() - 2)
        return malformed(diag, "SenseLength " + std::to_string(n) + " overruns the " +
                                   std::to_string(data.size()) + "-byte data segment.");
    sense.assign(data.begin() + 2, data.begin() + 2 + static_cast<std::ptrdiff_t>(n));
    rest.assign(data.begin() + 2 + static_cast<std::ptrdiff_t>(n), data.end());
    return {};
}

} // namespace iscsi::pdu::detail
