// libFuzzer target: bytes → text::parse → parse_sendtargets, and the same
// bytes as a portal string (parse_portal must round-trip through
// format_portal whenever it accepts).
#include "iscsi/discovery/portal.hpp"
#include "iscsi/discovery/sendtargets.hpp"
#include "iscsi/text/key_value.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace {

void require(bool ok)
{
    if (!ok) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    using namespace iscsi::discovery;
    std::span<std::byte const> const bytes(reinterpret_cast<std::byte const*>(data), size);

    portal const discovery_portal{"192.0.2.1", 3260, 1};
    if (auto keys = iscsi::text::parse(bytes)) {
        iscsi::diagnostics diag;
        if (auto records = parse_sendtargets(*keys, discovery_portal, &diag)) {
            require(records->size() <= max_targets);
            for (auto const& r : *records) {
                require(!r.portals.empty());
                require(r.portals.size() <= max_portals_per_target);
            }
        } else {
            require(!diag.message.empty());
        }
    }

    std::string_view const text(reinterpret_cast<char const*>(data), size);
    if (auto p = parse_portal(text)) {
        auto again = parse_portal(format_portal(*p));
        require(again && *again == *p);
    }
    return 0;
}
