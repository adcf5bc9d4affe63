// libFuzzer target for the text module: arbitrary bytes through the §6.1
// parser, the continuation assembler and the operational negotiator.
// Invariants (a violation traps):
//  - parse(encode(parse(x))) == parse(x)
//  - splitting x into chunks and re-assembling it parses exactly like x
//  - a negotiator that accepted the target's keys holds parameters inside
//    their RFC 7143 §13 ranges, with FirstBurstLength <= MaxBurstLength
//    once every offer is answered.
#include "iscsi/text/assembler.hpp"
#include "iscsi/text/key_value.hpp"
#include "iscsi/text/negotiator.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

using namespace iscsi::text;

void check(bool ok)
{
    if (!ok) __builtin_trap();
}

void check_params(negotiated_params const& p, bool all_answered)
{
    check(p.max_xmit_data_segment_length >= 512 && p.max_xmit_data_segment_length <= 16777215);
    check(p.max_burst_length >= 512 && p.max_burst_length <= 16776192);
    check(p.first_burst_length >= 512);
    check(p.error_recovery_level <= 2);
    check(p.default_time2wait <= 3600 && p.default_time2retain <= 3600);
    check(p.max_connections == 1 && p.max_outstanding_r2t == 1); // offered 1, Minimum
    if (all_answered) check(p.first_burst_length <= p.max_burst_length);
}

void negotiate(session_type type, key_values const& kvs, std::size_t group)
{
    operational_offer offer;
    offer.header_digest = {digest::crc32c, digest::none};
    negotiator n(type, offer);
    for (std::size_t pos = 0; pos < kvs.size(); pos += group) {
        auto const end = kvs.begin() + static_cast<std::ptrdiff_t>(std::min(kvs.size(), pos + group));
        key_values const pdu(kvs.begin() + static_cast<std::ptrdiff_t>(pos), end);
        iscsi::diagnostics diag;
        if (!n.handle(pdu, &diag)) {
            check(!diag.message.empty());
            return;
        }
        for (auto const& answer : n.take_answers())
            check(!answer.key.empty() && !answer.value.empty());
        check_params(n.params(), n.all_answered());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) return 0;
    auto const control = static_cast<std::size_t>(data[0]);
    std::span<std::byte const> const text(reinterpret_cast<std::byte const*>(data + 1), size - 1);

    text_limits limits;
    limits.max_pairs = 256;
    auto const direct = parse(text, limits);

    // Continuation: cut into chunks of 1..64 bytes and join them again.
    text_assembler assembler;
    auto const chunks = split(text, (control & 63U) + 1);
    for (std::size_t i = 0; i < chunks.size(); ++i)
        check(static_cast<bool>(assembler.append(chunks[i], i + 1 < chunks.size())));
    check(assembler.complete());
    auto const joined = assembler.take(limits);
    check(joined.has_value() == direct.has_value());
    if (!direct) {
        check(joined.error() == direct.error());
        return 0;
    }
    check(*joined == *direct);

    auto const again = parse(encode(*direct), limits);
    check(again && *again == *direct);

    std::size_t const group = ((control >> 6) & 3U) + 1;
    negotiate(session_type::normal, *direct, group);
    negotiate(session_type::discovery, *direct, group);
    return 0;
}
