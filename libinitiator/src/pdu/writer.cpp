#include "iscsi/pdu/writer.hpp"

#include "iscsi/core/byte_io.hpp"
#include "iscsi/core/crc32c.hpp"

#include <cassert>

namespace iscsi::pdu {

std::size_t wire_size(raw_pdu const& pdu, digest_options digests) noexcept
{
    std::size_t n = bhs_size + pdu.ahs.size();
    if (digests.header) n += digest_size;
    if (std::size_t const data = pdu.data_size(); data != 0) {
        n += data + padding_for(data);
        // §11.1: the data digest is present only when there is a data segment.
        if (digests.data) n += digest_size;
    }
    return n;
}

void serialize_header(raw_pdu const& pdu, digest_options digests, std::vector<std::byte>& out)
{
    assert(pdu.ahs.size() % 4 == 0 && pdu.ahs.size() <= max_ahs_size);
    std::size_t const data = pdu.data_size();
    assert(data <= max_data_segment_size);
    std::size_t const at = out.size();
    out.insert(out.end(), pdu.bhs.begin(), pdu.bhs.end());
    // The length fields always describe what follows, whatever the BHS held.
    std::span<std::byte> const bhs = std::span{out}.subspan(at, bhs_size);
    bhs[4] = static_cast<std::byte>(pdu.ahs.size() / 4);
    store_be24(bhs.subspan(5), static_cast<std::uint32_t>(data));
    out.insert(out.end(), pdu.ahs.begin(), pdu.ahs.end());
    if (digests.header) {
        // §11.1 / §13.1: the header digest covers BHS and AHS.
        std::uint32_t const crc = crc32c::of(std::span{out}.subspan(at));
        out.resize(out.size() + digest_size);
        store_digest(std::span{out}.last(digest_size), crc);
    }
}

wire_trailer make_trailer(std::span<std::byte const> data, digest_options digests) noexcept
{
    return make_trailer(std::span{&data, 1}, digests);
}

wire_trailer make_trailer(std::span<std::span<std::byte const> const> pieces, digest_options digests) noexcept
{
    wire_trailer t;
    std::size_t size = 0;
    for (auto piece : pieces) size += piece.size();
    if (size == 0) return t;
    std::size_t const pad = padding_for(size);
    t.size_ = pad;  // the padding bytes are zero (§11.1)
    if (digests.data) {
        // §11.1: the data digest covers the data segment and its padding.
        crc32c crc;
        for (auto piece : pieces) crc.update(piece);
        crc.update(std::span{t.buf_}.first(pad));
        store_digest(std::span{t.buf_}.subspan(pad, digest_size), crc.value());
        t.size_ += digest_size;
    }
    return t;
}

void serialize(raw_pdu const& pdu, digest_options digests, std::vector<std::byte>& out)
{
    out.reserve(out.size() + wire_size(pdu, digests));
    serialize_header(pdu, digests, out);
    out.insert(out.end(), pdu.data.begin(), pdu.data.end());
    for (auto piece : pdu.data_ref) out.insert(out.end(), piece.begin(), piece.end());
    auto const trailer = pdu.data_ref.empty() ? make_trailer(pdu.data, digests) : make_trailer(pdu.data_ref, digests);
    out.insert(out.end(), trailer.bytes().begin(), trailer.bytes().end());
}

} // namespace iscsi::pdu
