// libFuzzer target: arbitrary bytes through the PDU reader (RFC 7143 §11.1
// framing), with digests off and on, and every framed PDU through every
// decode_*() function. Oracle: no crash or sanitizer report, the reader
// never consumes more than it was given, and whatever decodes re-encodes to
// a PDU that decodes to the same value.
#include "iscsi/pdu/decode.hpp"
#include "iscsi/pdu/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

namespace {

using namespace iscsi::pdu;

template <class T>
void check_decoder(raw_pdu const& raw, iscsi::result<T> (*decode)(raw_pdu const&, iscsi::diagnostics*))
{
    iscsi::diagnostics diag;
    auto const typed = decode(raw, &diag);
    if (!typed) return;
    auto const again = decode(encode(*typed), nullptr);
    if (!again || !(*again == *typed)) std::abort();
}

void decode_every_way(raw_pdu const& raw)
{
    check_decoder(raw, decode_nop_out);
    check_decoder(raw, decode_scsi_command);
    check_decoder(raw, decode_task_mgmt_request);
    check_decoder(raw, decode_login_request);
    check_decoder(raw, decode_text_request);
    check_decoder(raw, decode_data_out);
    check_decoder(raw, decode_logout_request);
    check_decoder(raw, decode_snack_request);
    check_decoder(raw, decode_nop_in);
    check_decoder(raw, decode_scsi_response);
    check_decoder(raw, decode_task_mgmt_response);
    check_decoder(raw, decode_login_response);
    check_decoder(raw, decode_text_response);
    check_decoder(raw, decode_data_in);
    check_decoder(raw, decode_logout_response);
    check_decoder(raw, decode_r2t);
    check_decoder(raw, decode_async_message);
    check_decoder(raw, decode_reject);
    (void)decode_target_pdu(raw);
    (void)decode_initiator_pdu(raw);
}

/// Feeds `in` in chunks of `chunk` bytes (0: all at once).
void run(std::span<std::byte const> in, digest_options digests, std::size_t chunk)
{
    reader r{{.max_data_segment_length = 65536, .max_ahs_length = 1024}, digests};
    iscsi::diagnostics diag;
    while (!in.empty()) {
        auto const piece = chunk == 0 ? in : in.first(std::min(chunk, in.size()));
        std::error_code ec;
        std::size_t const n = r.put(piece, ec, &diag);
        if (n > piece.size()) std::abort();
        in = in.subspan(n);
        if (r.has_pdu()) decode_every_way(r.take());
        if (ec && ec != errc::data_digest_error) return;
        if (n == 0 && !ec) std::abort();  // no progress without a reason
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::span<std::byte const> const in{reinterpret_cast<std::byte const*>(data), size};
    run(in, {}, 0);
    run(in, {true, true}, 0);
    // Small odd chunks exercise every field boundary of the framer.
    run(in, {}, 7);
    run(in, {true, true}, 5);
    return 0;
}
