// PDU codec throughput: CRC32C (the digest of RFC 7143 §13.1), encode +
// serialize, and reader framing, for a SCSI Command and an 8 KiB Data-In.
#include "iscsi/core/crc32c.hpp"
#include "iscsi/pdu/data.hpp"
#include "iscsi/pdu/reader.hpp"
#include "iscsi/pdu/scsi_cmd.hpp"
#include "iscsi/pdu/writer.hpp"

#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

namespace {

using namespace iscsi;
using namespace iscsi::pdu;

pdu::scsi_command read10(std::uint32_t tag)
{
    pdu::scsi_command p;
    p.read = true;
    p.lun_ = lun::from_index(1);
    p.itt_ = itt{tag};
    p.expected_data_transfer_length = 4096;
    p.cmd_sn = cmdsn{tag};
    p.exp_stat_sn = statsn{tag};
    p.cdb = {std::byte{0x28}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0x10}, std::byte{0},
             std::byte{0},    std::byte{0}, std::byte{8}, std::byte{0}};
    return p;
}

pdu::data_in data_in_8k(std::uint32_t tag)
{
    pdu::data_in p;
    p.final = true;
    p.itt_ = itt{tag};
    p.data_sn = datasn{tag};
    p.data.assign(8192, std::byte{0x5a});
    return p;
}

digest_options digests_of(benchmark::State const& state)
{
    bool const on = state.range(0) != 0;
    return {on, on};
}

void BM_Crc32c(benchmark::State& state)
{
    std::vector<std::byte> buf(static_cast<std::size_t>(state.range(0)), std::byte{0xa5});
    for (auto _ : state) benchmark::DoNotOptimize(crc32c::of(buf));
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32c)->Arg(48)->Arg(4096)->Arg(64 * 1024)->Arg(1024 * 1024);

// The anchor measured in the same run: copying the same buffer. A digest
// pass reads each byte once, so memcpy speed is the ceiling it is held to.
void BM_Anchor_Memcpy(benchmark::State& state)
{
    std::vector<std::byte> src(static_cast<std::size_t>(state.range(0)), std::byte{0xa5});
    std::vector<std::byte> dst(src.size());
    for (auto _ : state) {
        std::memcpy(dst.data(), src.data(), src.size());
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Anchor_Memcpy)->Arg(48)->Arg(4096)->Arg(64 * 1024)->Arg(1024 * 1024);

void BM_EncodeSerialize_ScsiCommand(benchmark::State& state)
{
    auto const cmd = read10(7);
    digest_options const d = digests_of(state);
    std::vector<std::byte> out;
    for (auto _ : state) {
        out.clear();
        serialize(encode(cmd), d, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeSerialize_ScsiCommand)->ArgName("digests")->Arg(0)->Arg(1);

// Copies the 8 KiB payload into the PDU and the output buffer.
void BM_EncodeSerialize_DataIn8K(benchmark::State& state)
{
    auto const din = data_in_8k(7);
    digest_options const d = digests_of(state);
    std::vector<std::byte> out;
    for (auto _ : state) {
        out.clear();
        serialize(encode(din), d, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * 8192);
}
BENCHMARK(BM_EncodeSerialize_DataIn8K)->ArgName("digests")->Arg(0)->Arg(1);

// Scatter/gather: header and trailer only; the payload stays where it is.
void BM_EncodeGather_DataIn8K(benchmark::State& state)
{
    auto din = data_in_8k(7);
    auto payload = std::move(din.data);
    din.data = {};
    digest_options const d = digests_of(state);
    std::vector<std::byte> header;
    for (auto _ : state) {
        header.clear();
        raw_pdu raw = encode(din);
        raw.data.swap(payload);  // the caller's buffer, not a copy
        serialize_header(raw, d, header);
        auto const trailer = make_trailer(raw.data, d);
        raw.data.swap(payload);
        benchmark::DoNotOptimize(header.data());
        benchmark::DoNotOptimize(trailer.bytes().data());
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * 8192);
}
BENCHMARK(BM_EncodeGather_DataIn8K)->ArgName("digests")->Arg(0)->Arg(1);

template <class Make>
void frame(benchmark::State& state, Make make, std::size_t data_bytes)
{
    constexpr std::uint32_t pdus_per_buffer = 64;
    digest_options const d = digests_of(state);
    std::vector<std::byte> stream;
    for (std::uint32_t i = 0; i < pdus_per_buffer; ++i) serialize(encode(make(i)), d, stream);
    for (auto _ : state) {
        reader r{{.max_data_segment_length = 8192, .max_ahs_length = 1024}, d};
        std::span<std::byte const> in{stream};
        std::error_code ec;
        while (!in.empty()) {
            in = in.subspan(r.put(in, ec));
            if (ec) {
                state.SkipWithError("framing failed");
                return;
            }
            if (r.has_pdu()) benchmark::DoNotOptimize(r.take());
        }
    }
    state.SetItemsProcessed(state.iterations() * pdus_per_buffer);
    if (data_bytes > 0)
        state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(pdus_per_buffer * data_bytes));
}

void BM_Reader_ScsiCommand(benchmark::State& state) { frame(state, read10, 0); }
BENCHMARK(BM_Reader_ScsiCommand)->ArgName("digests")->Arg(0)->Arg(1);

void BM_Reader_DataIn8K(benchmark::State& state) { frame(state, data_in_8k, 8192); }
BENCHMARK(BM_Reader_DataIn8K)->ArgName("digests")->Arg(0)->Arg(1);

} // namespace

BENCHMARK_MAIN();
