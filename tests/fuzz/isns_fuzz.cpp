// libFuzzer target: bytes from an iSNS server → message_reader (fed in two
// pieces, cut where the first byte says) → parse_targets /
// parse_registration → discovery_exchange and registrar. Accepted messages must encode
// and read back to the same attributes.
#include "iscsi/discovery/isns/exchange.hpp"
#include "iscsi/discovery/isns/messages.hpp"
#include "iscsi/discovery/isns/pdu.hpp"
#include "iscsi/discovery/isns/registrar.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

void require(bool ok)
{
    if (!ok) __builtin_trap();
}

using namespace iscsi::discovery::isns;

void check_message(message const& m)
{
    iscsi::diagnostics diag;
    if (auto t = parse_targets(m, &diag)) {
        require(t->size() <= iscsi::discovery::max_targets);
        for (auto const& r : *t)
            require(r.portals.size() <= iscsi::discovery::max_portals_per_target);
    } else {
        require(!diag.message.empty());
    }
    (void)parse_registration(m);
    // Round trip: what we accepted, we can write and read again.
    auto wire = encode(m);
    message_reader again;
    auto used = again.feed(wire);
    require(used && *used == wire.size() && again.ready());
    require(again.take().attributes == m.attributes);
    // The exchange takes it as its first answer without crashing.
    discovery_exchange x({"iqn.2026-12.test:fuzz", "", "", std::nullopt, 0, std::nullopt}, m.xid);
    (void)x.take_output();
    (void)x.on_message(m);
    // So does a registrar, as an answer on its connection and as an SCN.
    registrar reg({"iqn.2026-12.test:fuzz", "", "", std::nullopt, 0, std::nullopt});
    reg.connected(iscsi::time_point{}, m.xid, "127.0.0.1", 40000);
    (void)reg.take_output();
    (void)reg.on_message(m, iscsi::time_point{});
    auto answer = reg.on_scn(m);
    message_reader back;
    auto back_used = back.feed(answer);
    require(back_used && *back_used == answer.size() && back.ready());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0)
        return 0;
    std::span<std::byte const> in(reinterpret_cast<std::byte const*>(data) + 1, size - 1);
    auto const cut = std::min<std::size_t>(std::to_integer<std::size_t>(std::byte{data[0]}), in.size());
    message_reader r;
    for (auto part : {in.first(cut), in.subspan(cut)}) {
        while (!part.empty()) {
            auto used = r.feed(part);
            if (!used)
                return 0;
            require(*used <= part.size());
            part = part.subspan(*used);
            if (r.ready())
                check_message(r.take());
            else
                require(part.empty());
        }
    }
    return 0;
}
