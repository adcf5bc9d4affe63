#include "iscsi/pdu/reader.hpp"

#include "iscsi/pdu/errors.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace iscsi::pdu {
namespace {

std::string hex32(std::uint32_t v)
{
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

} // namespace

reader::reader(reader_limits limits, digest_options digests) noexcept
    : limits_(limits), next_limits_(limits), digests_(digests), next_digests_(digests)
{
}

std::size_t reader::put(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag)
{
    ec.clear();
    if (state_ == state::failed) {
        ec = errc::reader_failed;
        return 0;
    }
    std::size_t used = 0;
    while (used < in.size() && state_ != state::complete) {
        used += step(in.subspan(used), ec, diag);
        if (ec) break;
    }
    return used;
}

// One field of §11.1's layout per call; one handler per field.
std::size_t reader::step(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag)
{
    switch (state_) {
    case state::bhs: return put_bhs(in, ec, diag);
    case state::ahs: return put_ahs(in);
    case state::header_digest: return put_header_digest(in, ec, diag);
    case state::data: return put_data(in);
    case state::padding: return put_padding(in);
    case state::data_digest: return put_data_digest(in, ec, diag);
    case state::complete:
    case state::failed: break;
    }
    return 0;
}

std::size_t reader::put_bhs(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag)
{
    if (got_ == 0) {  // a new PDU: settings changed since the last one apply now
        limits_ = next_limits_;
        digests_ = next_digests_;
        crc_ = crc32c{};
    }
    std::size_t const n = std::min(in.size(), bhs_size - got_);
    std::copy_n(in.begin(), n, pdu_.bhs.begin() + static_cast<std::ptrdiff_t>(got_));
    got_ += n;
    if (got_ < bhs_size) return n;
    // Check peer-controlled lengths before allocating anything for them.
    if (!check_lengths(ec, diag)) return n;
    if (digests_.header) crc_.update(pdu_.bhs);
    got_ = 0;
    need_ = std::size_t{pdu_.total_ahs_length()} * 4;
    if (need_ > 0) {
        pdu_.ahs.reserve(need_);
        state_ = state::ahs;
    } else {
        after_ahs();
    }
    return n;
}

bool reader::check_lengths(std::error_code& ec, diagnostics* diag)
{
    std::uint32_t const dsl = pdu_.data_segment_length();
    if (dsl > limits_.max_data_segment_length) {
        if (diag)
            diag->set("The peer announced a " + std::to_string(dsl) +
                      "-byte data segment, above our MaxRecvDataSegmentLength of " +
                      std::to_string(limits_.max_data_segment_length) + " bytes.");
        fail(ec, errc::data_segment_too_long);
        return false;
    }
    std::uint32_t const ahs = std::uint32_t{pdu_.total_ahs_length()} * 4;
    if (ahs > limits_.max_ahs_length) {
        if (diag)
            diag->set("The peer announced " + std::to_string(ahs) + " bytes of AHS, above our limit of " +
                      std::to_string(limits_.max_ahs_length) + " bytes.");
        fail(ec, errc::ahs_too_long);
        return false;
    }
    return true;
}

std::size_t reader::put_ahs(std::span<std::byte const> in)
{
    std::size_t const n = std::min(in.size(), need_ - pdu_.ahs.size());
    auto const chunk = in.first(n);
    pdu_.ahs.insert(pdu_.ahs.end(), chunk.begin(), chunk.end());
    if (digests_.header) crc_.update(chunk);
    if (pdu_.ahs.size() == need_) after_ahs();
    return n;
}

std::size_t reader::take_digest_bytes(std::span<std::byte const> in)
{
    std::size_t const n = std::min(in.size(), digest_size - got_);
    std::copy_n(in.begin(), n, digest_.begin() + static_cast<std::ptrdiff_t>(got_));
    got_ += n;
    return n;
}

std::size_t reader::put_header_digest(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag)
{
    std::size_t const n = take_digest_bytes(in);
    if (got_ < digest_size) return n;
    std::uint32_t const expected = crc_.value();
    std::uint32_t const received = load_digest(digest_);
    if (received != expected) {
        // §7.8: the lengths we just read may be corrupt; nothing after this
        // PDU can be located, so the connection must go.
        if (diag) diag->set("Header digest " + hex32(received) + " received, " + hex32(expected) + " computed.");
        fail(ec, errc::header_digest_error);
        return n;
    }
    start_data();
    return n;
}

// The AHS (if any) is in: the header digest follows when one is due.
void reader::after_ahs()
{
    if (digests_.header) {
        state_ = state::header_digest;
        got_ = 0;
        return;
    }
    start_data();
}

void reader::start_data()
{
    crc_ = crc32c{};
    got_ = 0;
    need_ = pdu_.data_segment_length();
    if (need_ == 0) {
        state_ = state::complete;  // §11.1: no data segment, no data digest
        return;
    }
    state_ = state::data;
    placed_.clear();
    piece_ = piece_off_ = 0;
    if (placement_) {
        auto where = placement_(pdu_);
        std::size_t total = 0;
        for (auto s : where) total += s.size();
        if (!where.empty() && total == need_) {
            placed_ = std::move(where);
            pdu_.data_placed = true;
            advance_placed(0); // skip empty pieces
            return;
        }
    }
    pdu_.data.reserve(need_);  // bounded: check_lengths() ran at the end of the BHS
}

std::span<std::byte> reader::placed_region()
{
    return placed_[piece_].subspan(piece_off_);
}

void reader::advance_placed(std::size_t n)
{
    piece_off_ += n;
    while (piece_ < placed_.size() && piece_off_ == placed_[piece_].size()) {
        ++piece_;
        piece_off_ = 0;
    }
}

std::size_t reader::put_data(std::span<std::byte const> in)
{
    std::size_t const n = std::min(in.size(), need_ - got_);
    auto const chunk = in.first(n);
    if (digests_.data) crc_.update(chunk);
    if (!placed_.empty()) {
        for (std::size_t done = 0; done < n;) {
            auto room = placed_region();
            std::size_t const m = std::min(room.size(), n - done);
            std::copy_n(chunk.begin() + static_cast<std::ptrdiff_t>(done), m, room.begin());
            advance_placed(m);
            done += m;
        }
    } else if (pdu_.data.size() == got_) {
        pdu_.data.insert(pdu_.data.end(), chunk.begin(), chunk.end());
    } else { // data_space() already sized the buffer
        std::copy(chunk.begin(), chunk.end(), pdu_.data.begin() + static_cast<std::ptrdiff_t>(got_));
    }
    data_progress(n);
    return n;
}

std::span<std::byte> reader::data_space()
{
    if (state_ != state::data) return {};
    if (!placed_.empty()) return placed_region();
    if (pdu_.data.size() < need_) pdu_.data.resize(need_);
    return std::span{pdu_.data}.subspan(got_, need_ - got_);
}

void reader::data_filled(std::size_t n)
{
    auto const space = data_space();
    auto const region = space.first(std::min(n, space.size()));
    if (digests_.data) crc_.update(region);
    if (!placed_.empty()) advance_placed(region.size());
    data_progress(region.size());
}

/// n more bytes of the data segment have arrived (and been digested).
void reader::data_progress(std::size_t n)
{
    got_ += n;
    if (got_ == need_) {
        got_ = 0;
        need_ = padding_for(need_);
        if (need_ > 0)
            state_ = state::padding;
        else
            after_data();
    }
}

std::size_t reader::put_padding(std::span<std::byte const> in)
{
    std::size_t const n = std::min(in.size(), need_ - got_);
    if (digests_.data) crc_.update(in.first(n));  // §11.1: the digest covers the padding
    got_ += n;
    if (got_ == need_) after_data();
    return n;
}

void reader::after_data()
{
    got_ = 0;
    state_ = digests_.data ? state::data_digest : state::complete;
}

std::size_t reader::put_data_digest(std::span<std::byte const> in, std::error_code& ec, diagnostics* diag)
{
    std::size_t const n = take_digest_bytes(in);
    if (got_ < digest_size) return n;
    std::uint32_t const expected = crc_.value();
    std::uint32_t const received = load_digest(digest_);
    if (received == expected) {
        state_ = state::complete;
        return n;
    }
    // §7.8: the header was sound, so the stream stays framed: drop this
    // PDU, keep its BHS for the Reject, and carry on.
    if (diag) diag->set("Data digest " + hex32(received) + " received, " + hex32(expected) + " computed.");
    ec = errc::data_digest_error;
    discarded_ = pdu_.bhs;
    pdu_ = raw_pdu{};
    state_ = state::bhs;
    got_ = 0;
    return n;
}

raw_pdu reader::take()
{
    raw_pdu out = std::move(pdu_);
    pdu_ = raw_pdu{};
    placed_.clear();
    state_ = state::bhs;
    got_ = 0;
    return out;
}

void reader::fail(std::error_code& ec, std::error_code what)
{
    ec = what;
    state_ = state::failed;
}

} // namespace iscsi::pdu
