// The iBFT parser against tables real firmware wrote (iPXE under QEMU, BIOS
// and UEFI, ../shared/fixtures/ibft copied to tests/fixtures/ibft) — our
// view must equal the kernel's /sys/firmware/ibft of the same boot — and
// against tables built here for what those do not show.
#include "iscsi/ibft/table.hpp"

#include "support/ibft_table_builder.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace iscsi::ibft {
namespace {

namespace fs = std::filesystem;
fs::path const fixtures = fs::path(ISCSI_TEST_FIXTURES) / "ibft";

std::string trim(std::string s)
{
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n'))
        s.pop_back();
    return s;
}

/// The kernel's attribute files, "dir/attr" -> value, from a capture.
std::map<std::string, std::string> kernel_view(fs::path const& p)
{
    std::map<std::string, std::string> m;
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);) {
        auto eq = line.find(" = ");
        if (line.empty() || line[0] == '#' || eq == std::string::npos)
            continue;
        auto path = line.substr(0, eq);
        path.erase(0, std::string("/sys/firmware/ibft/").size());
        m[path] = trim(line.substr(eq + 3));
    }
    return m;
}

std::string prefix_to_mask(unsigned prefix)
{
    std::uint32_t const mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    in_addr a{htonl(mask)};
    char buf[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

/// Our table as the kernel's iscsi_ibft module shows it (its attribute
/// names, its formats: the LUN as %x per byte, absent values left out).
std::map<std::string, std::string> our_view(table const& t)
{
    std::map<std::string, std::string> m;
    auto put = [&](std::string const& k, std::string const& v) {
        if (!v.empty())
            m[k] = v;
    };
    m["acpi_header/signature"] = t.signature;
    m["acpi_header/oem_id"] = trim(t.oem_id);
    m["acpi_header/oem_table_id"] = trim(t.oem_table_id);
    if (t.init) {
        put("initiator/flags", std::to_string(t.init->flags));
        put("initiator/index", std::to_string(t.init->index));
        put("initiator/initiator-name", t.init->name);
        put("initiator/isns-server", t.init->isns_server);
    }
    for (auto const& n : t.nics) {
        std::string const d = "ethernet" + std::to_string(n.index) + "/";
        put(d + "flags", std::to_string(n.flags));
        put(d + "index", std::to_string(n.index));
        put(d + "ip-addr", n.ip);
        put(d + "prefix-len", std::to_string(n.prefix_length));
        put(d + "subnet-mask", prefix_to_mask(n.prefix_length));
        put(d + "origin", std::to_string(n.origin));
        put(d + "gateway", n.gateway);
        put(d + "primary-dns", n.primary_dns);
        put(d + "secondary-dns", n.secondary_dns);
        put(d + "dhcp", n.dhcp);
        put(d + "vlan", std::to_string(n.vlan));
        char mac[18];
        std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", n.mac[0], n.mac[1], n.mac[2], n.mac[3],
                      n.mac[4], n.mac[5]);
        put(d + "mac", mac);
        put(d + "hostname", n.hostname);
    }
    for (auto const& g : t.targets) {
        std::string const d = "target" + std::to_string(g.index) + "/";
        put(d + "flags", std::to_string(g.flags));
        put(d + "index", std::to_string(g.index));
        put(d + "ip-addr", g.ip);
        put(d + "port", std::to_string(g.port));
        std::string lun;
        for (auto b : g.lun_bytes) {
            char x[4];
            std::snprintf(x, sizeof x, "%x", b);
            lun += x;
        }
        put(d + "lun", lun);
        put(d + "chap-type", std::to_string(g.chap_type));
        put(d + "nic-assoc", std::to_string(g.nic_association));
        put(d + "target-name", g.name);
        put(d + "chap-name", g.chap_name);
        put(d + "chap-secret", g.chap_secret);
        put(d + "rev-chap-name", g.reverse_chap_name);
        put(d + "rev-chap-name-secret", g.reverse_chap_secret);
    }
    return m;
}

class RealFirmware : public ::testing::TestWithParam<char const*> {};

TEST_P(RealFirmware, OurViewEqualsTheKernels)
{
    std::string const name = GetParam();
    auto bytes = test::read_table_file(fixtures / (name + ".bin"));
    ASSERT_FALSE(bytes.empty());
    auto t = parse(bytes, {.reject_bad_checksum = true});
    ASSERT_TRUE(t) << t.error().message();
    EXPECT_TRUE(t->warnings.empty()) << t->warnings.front();
    EXPECT_EQ(our_view(*t), kernel_view(fixtures / (name + "-sysfs.txt")));
    ASSERT_EQ(t->targets.size(), 1U);
    EXPECT_EQ(t->targets[0].lun(), 1U) << "the raw bytes are 00 01 00 ..: LUN 1";
    EXPECT_EQ(t->targets[0].flags & flag_boot_selected, flag_boot_selected);
}

INSTANTIATE_TEST_SUITE_P(IpxeUnderQemu, RealFirmware,
                         ::testing::Values("ibft-bios", "ibft-uefi-acpi", "ibft-bios-chap-mutual"));

TEST(Table, EveryTruncationIsRefusedOrReadWithinBounds)
{
    auto bytes = test::read_table_file(fixtures / "ibft-bios-chap-mutual.bin");
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        auto t = parse(std::span<std::byte const>(bytes.data(), n));
        EXPECT_FALSE(t) << "a table cut at " << n << " of " << bytes.size() << " bytes";
        if (!t) {
            EXPECT_EQ(t.error(), make_error_code(errc::too_short));
        }
    }
}

TEST(Table, BadChecksumIsAWarningUnlessRefused)
{
    auto bytes = test::read_table_file(fixtures / "ibft-bios.bin");
    bytes[9] = static_cast<std::byte>(std::to_integer<int>(bytes[9]) + 1);
    auto t = parse(bytes);
    ASSERT_TRUE(t);
    ASSERT_EQ(t->warnings.size(), 1U);
    EXPECT_NE(t->warnings[0].find("checksum"), std::string::npos);
    EXPECT_EQ(parse(bytes, {.reject_bad_checksum = true}).error(), make_error_code(errc::bad_checksum));
}

TEST(Table, AStringOutsideTheTableIsDroppedWithAWarning)
{
    auto bytes = test::read_table_file(fixtures / "ibft-bios-chap-mutual.bin");
    // target0's CHAP secret offset (structure at 0x180, field at +44) far away.
    bytes[0x180 + 44] = std::byte{0xf0};
    bytes[0x180 + 45] = std::byte{0xff};
    auto t = parse(bytes);
    ASSERT_TRUE(t);
    ASSERT_EQ(t->targets.size(), 1U);
    EXPECT_EQ(t->targets[0].chap_secret, "");
    EXPECT_EQ(t->targets[0].chap_name, "vminit");
    bool warned = false;
    for (auto const& w : t->warnings)
        warned = warned || w.find("a CHAP secret lies outside the table") != std::string::npos;
    EXPECT_TRUE(warned);
    for (auto const& w : t->warnings)
        EXPECT_EQ(w.find("initsecret"), std::string::npos) << "a warning must never carry a secret";
}

TEST(Table, FoundInAMemoryScanOn16ByteBoundaries)
{
    auto bytes = test::read_table_file(fixtures / "ibft-bios.bin");
    std::vector<std::byte> memory(0x2000);
    std::memcpy(memory.data() + 0x1230, bytes.data(), bytes.size());
    memory[0x100] = std::byte{'i'}; // a stray signature that is not a table
    memory[0x101] = std::byte{'B'};
    memory[0x102] = std::byte{'F'};
    memory[0x103] = std::byte{'T'};
    EXPECT_EQ(find_in_memory(memory), 0x1230U);
}

TEST(Table, NotAnIbft)
{
    std::vector<std::byte> junk(600, std::byte{0x41});
    EXPECT_EQ(parse(junk).error(), make_error_code(errc::bad_signature));
}

} // namespace
} // namespace iscsi::ibft
