// vm-ibft-table: writes an iBFT (a whole ACPI table, header included) for
// tests/vm/fwboot, which hands it to the guest with QEMU's -acpitable: a
// firmware table for boots iPXE cannot describe (a VLAN, a static IPv6
// address). One initiator, one NIC (QEMU's first: 52:54:00:12:34:56 at
// 00:03.0) and one target, LUN 1. Usage:
//   vm-ibft-table OUT initiator=IQN target=IQN [ip=A] [prefix=N] [gw=A]
//                 [target-ip=A] [port=N] [vlan=N]
// Addresses are IPv4 or IPv6 (a ':' in them).
#include "support/ibft_table_builder.hpp"

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

namespace t = iscsi::ibft::test;

namespace {

t::ip_bytes address(std::string const& text)
{
    return text.find(':') == std::string::npos ? t::ip4(text.c_str()) : t::ip6(text.c_str());
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: vm-ibft-table OUT key=value...\n";
        return 2;
    }
    std::map<std::string, std::string> kv;
    for (int k = 2; k < argc; ++k) {
        std::string const a = argv[k];
        auto const eq = a.find('=');
        if (eq == std::string::npos) {
            std::cerr << "vm-ibft-table: '" << a << "' is not key=value\n";
            return 2;
        }
        kv[a.substr(0, eq)] = a.substr(eq + 1);
    }
    auto get = [&](char const* key, std::string fallback) { return kv.contains(key) ? kv[key] : fallback; };
    try {
        t::table_builder b;
        auto init = b.add(t::initiator_spec{.name = get("initiator", "iqn.2024-01.org.vmtest:guest")});
        auto nic = b.add(t::nic_spec{.ip = address(get("ip", "10.0.2.15")),
                                     .prefix = static_cast<std::uint8_t>(std::stoi(get("prefix", "24"))),
                                     .gateway = kv.contains("gw") ? address(kv["gw"]) : t::ip_bytes{},
                                     .vlan = static_cast<std::uint16_t>(std::stoi(get("vlan", "0")))});
        auto target = b.add(t::target_spec{.ip = address(get("target-ip", "10.0.2.2")),
                                           .port = static_cast<std::uint16_t>(std::stoi(get("port", "3260"))),
                                           .name = get("target", "iqn.2024-01.org.vmtest:boot")});
        b.place(t::initiator_slot, init).place(t::nic0_slot, nic).place(t::target0_slot, target);
        t::write_table_file(argv[1], b.build().span());
    } catch (std::exception const& e) {
        std::cerr << "vm-ibft-table: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
