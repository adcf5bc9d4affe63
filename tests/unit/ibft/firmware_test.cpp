// Firmware boot entries (boot.hpp) and where they come from (firmware.hpp):
// the kernel's /sys/firmware/ibft of a real iPXE boot and the raw table of
// the same boot give the same entries and the same `iscsiadm -m fw` record;
// sources are tried in order; entries follow the NIC association.
#include "iscsi/ibft/firmware.hpp"

#include "support/isolation.hpp"
#include "support/ibft_table_builder.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace iscsi::ibft {
namespace {

namespace fs = std::filesystem;
fs::path const fixtures = fs::path(ISCSI_TEST_FIXTURES) / "ibft";

/// Rebuilds a captured /sys/firmware/ibft listing (fixtures/ibft/*-sysfs.txt)
/// under `sys`, with the NIC's PCI device owning interface eth0, as the
/// guest had it.
void make_sysfs(fs::path const& capture, fs::path const& sys)
{
    std::ifstream in(capture);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        auto rel = [&](std::string p) { return sys / p.substr(std::string("/sys/").size()); };
        if (auto eq = line.find(" = "); eq != std::string::npos) {
            fs::create_directories(rel(line.substr(0, eq)).parent_path());
            std::ofstream(rel(line.substr(0, eq))) << line.substr(eq + 3) << "\n";
        } else if (auto arrow = line.find(" -> "); arrow != std::string::npos) {
            auto const link = rel(line.substr(0, arrow));
            auto const target = line.substr(arrow + 4);
            fs::create_directories(link.parent_path());
            fs::create_directories((link.parent_path() / target / "net/eth0").lexically_normal());
            fs::create_symlink(target, link);
        } else {
            fs::create_directories(rel(line));
        }
    }
    // The raw table names the NIC by PCI function 00:03.0 (BDF 0x18).
    fs::create_directories(sys / "bus/pci/devices");
    fs::create_symlink("../../../devices/pci0000:00/0000:00:03.0", sys / "bus/pci/devices/0000:00:03.0");
}

class RealBoot : public ::testing::TestWithParam<char const*> {
protected:
    iscsi::test::temp_dir dir;
};

TEST_P(RealBoot, KernelTreeAndRawTableGiveTheSameRecord)
{
    std::string const name = GetParam();
    fs::path const sys = dir.path() / "sys";
    make_sysfs(fixtures / (name + "-sysfs.txt"), sys);
    std::vector<std::string> warnings;
    auto const kernel = entries_from_sysfs(sys / "firmware/ibft", sys, warnings);
    auto const raw = read_firmware({.sys = sys, .table_file = fixtures / (name + ".bin")});
    ASSERT_TRUE(raw) << raw.error().message();
    ASSERT_EQ(kernel.size(), 1U);
    ASSERT_EQ(raw->entries.size(), 1U);
    EXPECT_EQ(format_entry(kernel[0], true), format_entry(raw->entries[0], true));
    EXPECT_EQ(kernel[0].netdev, "eth0") << "through ethernet0/device/net";
    EXPECT_EQ(raw->entries[0].netdev, "eth0") << "through the PCI function the table names";
    EXPECT_EQ(kernel[0].lun_number, 1U);
    EXPECT_TRUE(warnings.empty());
}

INSTANTIATE_TEST_SUITE_P(IpxeUnderQemu, RealBoot,
                         ::testing::Values("ibft-bios", "ibft-uefi-acpi", "ibft-bios-chap-mutual"));

TEST(Record, OpenIscsisLayoutWithSecretsMaskedUnlessAsked)
{
    auto t = parse(test::read_table_file(fixtures / "ibft-bios-chap-mutual.bin"));
    ASSERT_TRUE(t);
    std::vector<std::string> w;
    auto e = boot_entries(*t, w);
    ASSERT_EQ(e.size(), 1U);
    e[0].netdev = "eth0";
    EXPECT_EQ(format_entry(e[0], false), "# BEGIN RECORD 2.1.8\n"
                                         "iface.initiatorname = iqn.2024-01.org.vmtest:guest\n"
                                         "iface.transport_name = tcp\n"
                                         "iface.hwaddress = 52:54:00:12:34:56\n"
                                         "iface.bootproto = DHCP\n"
                                         "iface.ipaddress = 10.0.2.15\n"
                                         "iface.prefix_len = 24\n"
                                         "iface.subnet_mask = 255.255.255.0\n"
                                         "iface.gateway = 10.0.2.2\n"
                                         "iface.primary_dns = 10.0.2.3\n"
                                         "iface.vlan_id = 0\n"
                                         "iface.net_ifacename = eth0\n"
                                         "node.name = iqn.2024-01.org.vmtest:boot\n"
                                         "node.conn[0].address = 10.0.2.2\n"
                                         "node.conn[0].port = 3260\n"
                                         "node.session.auth.username = vminit\n"
                                         "node.session.auth.password = ********\n"
                                         "node.session.auth.username_in = vmtarget\n"
                                         "node.session.auth.password_in = ********\n"
                                         "node.boot_lun = 01000000\n"
                                         "# END RECORD\n");
    auto const shown = format_entry(e[0], true);
    EXPECT_NE(shown.find("node.session.auth.password = initsecret12\n"), std::string::npos);
    EXPECT_NE(shown.find("node.session.auth.password_in = tgtsecret123\n"), std::string::npos);
}

TEST(Record, AFirmwareLoginUsesTpgt1AndTheFirmwaresChap)
{
    auto t = parse(test::read_table_file(fixtures / "ibft-bios-chap-mutual.bin"));
    ASSERT_TRUE(t);
    std::vector<std::string> w;
    auto const e = boot_entries(*t, w);
    ASSERT_EQ(e.size(), 1U);
    auto const r = node_record_for(e[0], db::node_record{});
    EXPECT_EQ(r.name, "iqn.2024-01.org.vmtest:boot");
    EXPECT_EQ(r.tpgt, 1);
    EXPECT_EQ(r.conn.address, "10.0.2.2");
    EXPECT_EQ(r.conn.port, 3260);
    EXPECT_EQ(r.disc_type, db::discovery_type::fw);
    EXPECT_EQ(r.iface.initiatorname, "iqn.2024-01.org.vmtest:guest");
    EXPECT_EQ(r.session.auth.authmethod, db::auth_method::none) << "as open-iscsi writes it";
    EXPECT_EQ(r.session.auth.username, "vminit");
    EXPECT_EQ(r.session.auth.password_in, "tgtsecret123");
}

/// Two NICs and three targets; target 2 sits in an expansion slot and goes
/// through NIC 1, on a VLAN, over IPv6; target 1 is an unused slot.
test::built_table two_nics_three_targets()
{
    using namespace test;
    table_builder b;
    auto init = b.add(initiator_spec{.name = "iqn.2026-12.org.example:fw"});
    auto nic0 = b.add(nic_spec{.index = 0, .ip = ip4("192.168.7.20"), .prefix = 24, .gateway = ip4("192.168.7.1")});
    auto nic1 = b.add(nic_spec{.index = 1,
                               .ip = ip6("2001:db8:5::20"),
                               .prefix = 64,
                               .origin = 3,
                               .gateway = ip6("2001:db8:5::1"),
                               .vlan = 0x2000 | 42, // priority 1, VLAN 42
                               .mac = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef},
                               .pci_bdf = 0x0020});
    auto t0 = b.add(target_spec{.index = 0, .ip = ip4("10.9.0.5"), .name = "iqn.2026-12.org.example:t0"});
    auto t1 = b.add(target_spec{.index = 1, .flags = 0, .name = "iqn.2026-12.org.example:unused"});
    auto t2 = b.add(target_spec{.index = 2,
                                .ip = ip6("2001:db8:9::5"),
                                .port = 3261,
                                .nic = 1,
                                .name = "iqn.2026-12.org.example:t2",
                                .chap_name = "u",
                                .chap_secret = "s3cret-s3cret"});
    b.place(initiator_slot, init).place(nic0_slot, nic0).place(target0_slot, t0).place(nic1_slot, nic1);
    b.place(target1_slot, t1).place(expansion_slot, t2);
    return b.build();
}

TEST(Entries, FollowTheNicAssociationThroughEverySlot)
{
    auto built = two_nics_three_targets();
    auto t = parse(built.span());
    ASSERT_TRUE(t) << t.error().message();
    std::vector<std::string> w;
    auto const e = boot_entries(*t, w);
    ASSERT_EQ(e.size(), 2U) << "the unused target 1 is left out";
    EXPECT_EQ(e[0].target_name, "iqn.2026-12.org.example:t0");
    EXPECT_EQ(e[0].ip, "192.168.7.20");
    EXPECT_EQ(e[0].subnet_mask, "255.255.255.0");
    EXPECT_EQ(e[0].vlan, "0");
    EXPECT_FALSE(e[0].dhcp_configured());
    EXPECT_EQ(e[1].target_name, "iqn.2026-12.org.example:t2");
    EXPECT_EQ(e[1].target_ip, "2001:db8:9::5");
    EXPECT_EQ(e[1].target_port, 3261);
    EXPECT_EQ(e[1].ip, "2001:db8:5::20");
    EXPECT_EQ(e[1].prefix_length, 64);
    EXPECT_EQ(e[1].subnet_mask, "") << "IPv6 has no IPv4 mask";
    EXPECT_EQ(e[1].vlan, "42") << "the priority bits are not the VLAN ID";
    EXPECT_EQ(e[1].mac, "52:54:00:ab:cd:ef");
    EXPECT_TRUE(e[1].dhcp_configured());
    auto const text = format_entry(e[1], false);
    EXPECT_NE(text.find("iface.bootproto = DHCP\n"), std::string::npos);
    EXPECT_NE(text.find("iface.vlan_id = 42\n"), std::string::npos);
    EXPECT_EQ(text.find("s3cret"), std::string::npos);
}

TEST(Entries, ATargetNamingAMissingNicIsSkippedWithAWarning)
{
    using namespace test;
    table_builder b;
    auto init = b.add(initiator_spec{});
    auto nic0 = b.add(nic_spec{});
    auto t0 = b.add(target_spec{.nic = 3});
    b.place(initiator_slot, init).place(nic0_slot, nic0).place(target0_slot, t0);
    auto built = b.build();
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    std::vector<std::string> w;
    EXPECT_TRUE(boot_entries(*t, w).empty());
    ASSERT_EQ(w.size(), 1U);
    EXPECT_NE(w[0].find("NIC 3"), std::string::npos) << w[0];
}

class Sources : public ::testing::Test {
protected:
    iscsi::test::temp_dir dir;
    fs::path sys = dir.path() / "sys";
    std::vector<std::byte> table = test::read_table_file(fixtures / "ibft-bios.bin");
    firmware_options opts() const { return {.sys = sys, .mem = dir.path() / "mem", .table_file = {}}; }
};

TEST_F(Sources, TheAcpiTableComesFirst)
{
    make_sysfs(fixtures / "ibft-bios-sysfs.txt", sys);
    test::write_table_file(sys / "firmware/acpi/tables/iBFT", table);
    auto f = read_firmware(opts());
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_EQ(f->source, (sys / "firmware/acpi/tables/iBFT").string());
    ASSERT_EQ(f->entries.size(), 1U);
}

TEST_F(Sources, BroadcomsSignatureIsAcceptedToo)
{
    auto bift = table;
    std::memcpy(bift.data(), "BIFT", 4);
    bift[9] = static_cast<std::byte>(std::to_integer<int>(bift[9]) + ('i' - 'B') + ('B' - 'I'));
    test::write_table_file(sys / "firmware/acpi/tables/BIFT", bift);
    auto f = read_firmware(opts());
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_EQ(f->entries.size(), 1U);
    EXPECT_TRUE(f->warnings.empty()) << f->warnings.front();
}

TEST_F(Sources, ThenTheKernelsTree)
{
    make_sysfs(fixtures / "ibft-bios-sysfs.txt", sys);
    auto f = read_firmware(opts());
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_EQ(f->source, (sys / "firmware/ibft").string());
    ASSERT_EQ(f->entries.size(), 1U);
    EXPECT_EQ(f->entries[0].target_name, "iqn.2024-01.org.vmtest:boot");
}

TEST_F(Sources, OffloadFirmwareTreesAreReadTooWithTheirHostsDriver)
{
    // An offload HBA (qla4xxx and the like) shows its boot data as
    // /sys/firmware/iscsi_bootN, N its SCSI host; no /sys/firmware/ibft.
    make_sysfs(fixtures / "ibft-bios-sysfs.txt", sys);
    fs::rename(sys / "firmware/ibft", sys / "firmware/iscsi_boot3");
    fs::create_directories(sys / "class/scsi_host/host3");
    std::ofstream(sys / "class/scsi_host/host3/proc_name") << "qla4xxx\n";
    auto f = read_firmware(opts());
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_EQ(f->source, (sys / "firmware/iscsi_boot3").string());
    ASSERT_EQ(f->entries.size(), 1U);
    EXPECT_EQ(f->entries[0].transport, "qla4xxx");
    EXPECT_NE(format_entry(f->entries[0], false).find("iface.transport_name = qla4xxx\n"), std::string::npos);
}

TEST_F(Sources, ThenOnABiosBootAScanOfLowMemory)
{
    // Where iPXE put the table on the captured BIOS boot (0x9e620).
    std::vector<std::byte> mem(0x100000);
    std::memcpy(mem.data() + 0x9e620, table.data(), table.size());
    test::write_table_file(dir.path() / "mem", mem);
    fs::create_directories(sys / "firmware");
    auto f = read_firmware(opts());
    ASSERT_TRUE(f) << f.error().message();
    EXPECT_EQ(f->source, (dir.path() / "mem").string() + " at 0x9e620");
    ASSERT_EQ(f->entries.size(), 1U);
    // A UEFI machine keeps no table there: memory is not scanned.
    fs::create_directories(sys / "firmware/efi");
    EXPECT_EQ(read_firmware(opts()).error(), make_error_code(firmware_errc::not_found));
}

TEST_F(Sources, NothingAnywhereIsNotFound)
{
    fs::create_directories(sys / "firmware/efi");
    EXPECT_EQ(read_firmware(opts()).error(), make_error_code(firmware_errc::not_found));
    EXPECT_EQ(read_firmware({.sys = sys, .table_file = dir.path() / "absent"}).error(),
              make_error_code(firmware_errc::unreadable));
}

} // namespace
} // namespace iscsi::ibft
