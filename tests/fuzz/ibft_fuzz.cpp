// Runs the iBFT parser on arbitrary bytes. The table comes from firmware
// (or /dev/mem): a broken one must never crash us, read outside it, or trip
// UBSan. Each input is also scanned for as a memory image, and parsed with
// the checksum enforced; what parses is turned into boot entries and
// printed as `iscsiadm -m fw` prints them.
#include "iscsi/ibft/boot.hpp"
#include "iscsi/ibft/table.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::span<std::byte const> const in(reinterpret_cast<std::byte const*>(data), size);
    if (auto t = iscsi::ibft::parse(in)) {
        for (auto const& g : t->targets)
            (void)g.lun();
        std::vector<std::string> warnings;
        for (auto const& e : iscsi::ibft::boot_entries(*t, warnings)) {
            (void)iscsi::ibft::format_entry(e, false);
            (void)iscsi::ibft::node_record_for(e, {});
        }
    }
    (void)iscsi::ibft::parse(in, {.reject_bad_checksum = true});
    if (auto at = iscsi::ibft::find_in_memory(in))
        (void)iscsi::ibft::parse(in.subspan(*at));
    return 0;
}
