// Runs every SCSI response parser (libinitiator/scsi) on arbitrary bytes.
// Response data comes from the target, so none of these may read out of
// bounds, allocate by a peer-stated length, or trip UBSan. The first byte
// selects a parser so the corpus can specialise; every input also goes
// through parse_sense, the one a target reaches most easily.
#include "iscsi/scsi/capacity.hpp"
#include "iscsi/scsi/inquiry.hpp"
#include "iscsi/scsi/mode_sense.hpp"
#include "iscsi/scsi/report_luns.hpp"
#include "iscsi/scsi/sense.hpp"
#include "iscsi/scsi/vpd.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

using namespace iscsi::scsi;

void run_vpd(std::span<std::byte const> d)
{
    (void)parse_supported_vpd_pages(d);
    (void)parse_unit_serial(d);
    if (auto ds = parse_device_identification(d)) {
        for (auto const& x : *ds) (void)x.text();
        (void)best_lu_designator(*ds);
    }
    (void)parse_block_limits(d);
    (void)parse_logical_block_provisioning(d);
}

void run_mode(std::span<std::byte const> d, bool ten)
{
    auto mp = ten ? parse_mode_sense10(d) : parse_mode_sense6(d);
    if (!mp) return;
    for (auto const& p : mp->pages) (void)parse_caching_page(p);
    (void)find_mode_page(*mp, mode_page_caching);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::span<std::byte const> const all{reinterpret_cast<std::byte const*>(data), size};
    if (auto s = parse_sense(all)) (void)describe(*s);
    if (all.empty()) return 0;

    auto const d = all.subspan(1);
    switch (data[0] % 6) {
    case 0: (void)parse_inquiry(d); break;
    case 1: run_vpd(d); break;
    case 2:
        if (auto c = parse_read_capacity10(d)) (void)c->bytes();
        if (auto c = parse_read_capacity16(d)) (void)c->bytes(), (void)c->physical_block_size();
        break;
    case 3: (void)parse_report_luns(d); break;
    case 4: run_mode(d, false); break;
    default: run_mode(d, true); break;
    }
    return 0;
}
