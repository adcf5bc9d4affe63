// The iBFT parser against tables built here (table_builder.hpp) for what the
// three tables iPXE wrote (table_test.cpp) do not show: more NICs and
// targets than the five fixed control slots hold, VLAN tags, IPv6, DHCP,
// CHAP, SAM LUN forms, and every way a broken table can point outside
// itself or at itself. A broken table is either refused with an error or
// read within bounds with a warning that names no secret.
#include "iscsi/ibft/table.hpp"

#include "support/ibft_table_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iscsi::ibft {
namespace {

using namespace iscsi::ibft::test;

nic const* nic_with_index(table const& t, std::uint8_t index)
{
    auto n = std::find_if(t.nics.begin(), t.nics.end(), [&](nic const& x) { return x.index == index; });
    return n == t.nics.end() ? nullptr : &*n;
}

target const* target_with_index(table const& t, std::uint8_t index)
{
    auto g = std::find_if(t.targets.begin(), t.targets.end(), [&](target const& x) { return x.index == index; });
    return g == t.targets.end() ? nullptr : &*g;
}

/// True when some warning contains `what`.
bool warned(table const& t, std::string const& what)
{
    return std::any_of(t.warnings.begin(), t.warnings.end(),
                       [&](std::string const& w) { return w.find(what) != std::string::npos; });
}

std::string all_warnings(table const& t)
{
    std::string s;
    for (auto const& w : t.warnings)
        s += "\n  " + w;
    return s;
}

/// An initiator, NIC0 and target0 in their slots: what one-port firmware writes.
struct one_port {
    table_builder b;
    part init = b.add(initiator_spec{});
    part nic0 = b.add(nic_spec{});
    part target0 = b.add(target_spec{});
    one_port() { b.place(initiator_slot, init).place(nic0_slot, nic0).place(target0_slot, target0); }
};

// ---------------------------------------------------------------------------
// iBFT 1.03 §3.4: structures found through every control slot, by their ID.

TEST(BuiltTable, TwoNicsAndThreeTargetsTheThirdThroughAnExpansionSlot)
{
    table_builder b;
    // NIC1 is laid out before NIC0: the parser goes by slot and ID, not by place.
    auto const nic1 = b.add(nic_spec{.index = 1, .ip = ip4("192.168.7.20"), .mac = {2, 0, 0, 0, 0, 1}});
    auto const nic0 = b.add(nic_spec{.index = 0, .ip = ip4("10.0.2.15"), .mac = {2, 0, 0, 0, 0, 0}});
    auto const init = b.add(initiator_spec{.name = "iqn.2010-04.org.ipxe:two-ports"});
    auto const t2 = b.add(target_spec{.index = 2, .ip = ip4("192.168.7.3"), .nic = 1, .name = "iqn.t:two"});
    auto const t0 = b.add(target_spec{.index = 0, .ip = ip4("10.0.2.2"), .nic = 0, .name = "iqn.t:zero"});
    auto const t1 = b.add(target_spec{.index = 1, .ip = ip4("192.168.7.2"), .nic = 1, .name = "iqn.t:one"});
    b.place(initiator_slot, init).place(nic0_slot, nic0).place(target0_slot, t0);
    b.place(nic1_slot, nic1).place(target1_slot, t1).place(expansion_slot + 1, t2); // slot 5 left 0
    auto const built = b.build();
    ASSERT_EQ(built.u8(at::control_length), 22U) << "control: 8 + 7 slots of 2 bytes";

    auto t = parse(built.span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t) << t.error().message();
    EXPECT_TRUE(t->warnings.empty()) << all_warnings(*t);
    ASSERT_TRUE(t->init);
    EXPECT_EQ(t->init->name, "iqn.2010-04.org.ipxe:two-ports");
    ASSERT_EQ(t->nics.size(), 2U);
    ASSERT_EQ(t->targets.size(), 3U);
    EXPECT_EQ(t->nics[0].index, 0U) << "nics are in control-slot order, not byte order";
    auto const* n0 = nic_with_index(*t, 0);
    auto const* n1 = nic_with_index(*t, 1);
    ASSERT_TRUE(n0 && n1);
    EXPECT_EQ(n0->ip, "10.0.2.15");
    EXPECT_EQ(n1->ip, "192.168.7.20");
    EXPECT_EQ(n1->mac[5], 1U);
    struct expected {
        std::uint8_t index;
        char const* name;
        char const* ip;
        std::uint8_t nic;
    };
    for (auto const& e : {expected{0, "iqn.t:zero", "10.0.2.2", 0}, expected{1, "iqn.t:one", "192.168.7.2", 1},
                          expected{2, "iqn.t:two", "192.168.7.3", 1}}) {
        auto const* g = target_with_index(*t, e.index);
        ASSERT_TRUE(g) << "target " << int{e.index};
        EXPECT_EQ(g->name, e.name);
        EXPECT_EQ(g->ip, e.ip);
        EXPECT_EQ(g->nic_association, e.nic);
        ASSERT_TRUE(nic_with_index(*t, g->nic_association)) << "its NIC is in the table";
    }
}

TEST(BuiltTable, EveryTruncationOfAnExpandedTableIsRefused)
{
    table_builder b;
    auto const n = b.add(nic_spec{});
    auto const g = b.add(target_spec{});
    b.place(nic0_slot, n).place(target0_slot, g).place(expansion_slot + 3, g);
    auto const built = b.build();
    for (std::size_t k = 0; k < built.bytes.size(); ++k)
        EXPECT_EQ(parse(built.span().first(k)).error(), make_error_code(errc::too_short)) << "cut at " << k;
}

// ---------------------------------------------------------------------------
// iBFT 1.03 §3.6: the NIC structure.

TEST(BuiltTable, VlanPriorityBitsDoNotLeakIntoTheVlanId)
{
    // 802.1Q TCI: PCP in bits 15–13, DEI in bit 12, the VLAN ID in 11–0.
    for (auto [tci, id] : {std::pair<std::uint16_t, std::uint16_t>{0xa064, 100}, {0xf000, 0}, {0xffff, 4095},
                           {0x0001, 1}, {0x2ffe, 4094}}) {
        one_port p;
        auto built = p.b.build();
        built.set_u16(built.offset_of(p.nic0) + at::nic_vlan, tci);
        built.fix_checksum();
        auto t = parse(built.span(), {.reject_bad_checksum = true});
        ASSERT_TRUE(t);
        ASSERT_EQ(t->nics.size(), 1U);
        EXPECT_EQ(t->nics[0].vlan, id) << std::hex << "TCI 0x" << tci;
    }
}

TEST(BuiltTable, Ipv6AddressesForNicGatewayAndTarget)
{
    table_builder b;
    auto const n = b.add(nic_spec{.ip = ip6("fd00:1:2:3::15"), .prefix = 64, .gateway = ip6("fe80::1"),
                                  .primary_dns = ip6("2001:db8::53")});
    auto const g = b.add(target_spec{.ip = ip6("fd00:1:2:3::2")});
    b.place(nic0_slot, n).place(target0_slot, g);
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    ASSERT_EQ(t->nics.size(), 1U);
    ASSERT_EQ(t->targets.size(), 1U);
    EXPECT_EQ(t->nics[0].ip, "fd00:1:2:3::15");
    EXPECT_EQ(t->nics[0].prefix_length, 64U);
    EXPECT_EQ(t->nics[0].gateway, "fe80::1");
    EXPECT_EQ(t->nics[0].primary_dns, "2001:db8::53");
    EXPECT_EQ(t->targets[0].ip, "fd00:1:2:3::2");
}

TEST(BuiltTable, Ipv4IsMappedAndZeroAddressesAreAbsent)
{
    table_builder b;
    auto const i = b.add(initiator_spec{.isns = ip4("0.0.0.0"), .slp = ip4("10.0.2.4")});
    auto const n = b.add(nic_spec{.ip = ip4("10.0.2.15"),
                                  .gateway = ip4("10.0.2.2"),
                                  .primary_dns = ip4("0.0.0.0"), // ::ffff:0.0.0.0
                                  .secondary_dns = ip_bytes{},   // ::
                                  .dhcp = ip4("0.0.0.0")});
    auto const g = b.add(target_spec{.ip = ip_bytes{}});
    b.place(initiator_slot, i).place(nic0_slot, n).place(target0_slot, g);
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    ASSERT_TRUE(t->init);
    EXPECT_EQ(t->init->isns_server, "");
    EXPECT_EQ(t->init->slp_server, "10.0.2.4");
    EXPECT_EQ(t->init->primary_radius, "") << "all zero";
    ASSERT_EQ(t->nics.size(), 1U);
    EXPECT_EQ(t->nics[0].ip, "10.0.2.15");
    EXPECT_EQ(t->nics[0].gateway, "10.0.2.2");
    EXPECT_EQ(t->nics[0].primary_dns, "");
    EXPECT_EQ(t->nics[0].secondary_dns, "");
    EXPECT_EQ(t->nics[0].dhcp, "");
    ASSERT_EQ(t->targets.size(), 1U);
    EXPECT_EQ(t->targets[0].ip, "");
}

TEST(BuiltTable, DhcpOrigin)
{
    table_builder b;
    // iBFT 1.03 §3.6 origin: 0 other, 1 manual, 2 well-known, 3 DHCP, 4 router
    // advertisement (the names iPXE's ibft.h gives them).
    auto const n = b.add(nic_spec{.origin = 3, .dhcp = ip4("10.0.2.2"), .hostname = "bootbox"});
    b.place(nic0_slot, n);
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    ASSERT_EQ(t->nics.size(), 1U);
    EXPECT_EQ(t->nics[0].origin, 3U);
    EXPECT_EQ(t->nics[0].dhcp, "10.0.2.2");
    EXPECT_EQ(t->nics[0].hostname, "bootbox");
}

// ---------------------------------------------------------------------------
// iBFT 1.03 §3.7: the target structure.

TEST(BuiltTable, ChapAndMutualChap)
{
    table_builder b;
    auto const n = b.add(nic_spec{});
    auto const one_way = b.add(target_spec{.index = 0, .chap_type = 1, .chap_name = "alice",
                                           .chap_secret = "alice-secret-1"});
    auto const mutual = b.add(target_spec{.index = 1, .chap_type = 2, .chap_name = "bob",
                                          .chap_secret = "bob-secret-22", .rev_chap_name = "tgt",
                                          .rev_chap_secret = "tgt-secret-333"});
    b.place(nic0_slot, n).place(target0_slot, one_way).place(target1_slot, mutual);
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    ASSERT_EQ(t->targets.size(), 2U);
    auto const& a = t->targets[0];
    EXPECT_EQ(a.chap_type, 1U);
    EXPECT_EQ(a.chap_name, "alice");
    EXPECT_EQ(a.chap_secret, "alice-secret-1");
    EXPECT_EQ(a.reverse_chap_name, "");
    EXPECT_EQ(a.reverse_chap_secret, "");
    auto const& m = t->targets[1];
    EXPECT_EQ(m.chap_type, 2U);
    EXPECT_EQ(m.chap_name, "bob");
    EXPECT_EQ(m.chap_secret, "bob-secret-22");
    EXPECT_EQ(m.reverse_chap_name, "tgt");
    EXPECT_EQ(m.reverse_chap_secret, "tgt-secret-333");
}

TEST(BuiltTable, AStringEndsAtItsLengthOrAtANul)
{
    one_port p;
    auto built = p.b.build();
    std::size_t const name = built.offset_of(p.target0) + at::target_name;
    std::size_t const text = std::size_t{built.u8(name + 2)} | std::size_t{built.u8(name + 3)} << 8;
    built.set_u16(name, 8); // "iqn.2003" of "iqn.2003-01.org..."
    built.fix_checksum();
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    EXPECT_EQ(t->targets.at(0).name, "iqn.2003");
    built.set_u16(name, 20);
    built.set_u8(text + 3, 0); // a NUL inside the length
    built.fix_checksum();
    t = parse(built.span());
    ASSERT_TRUE(t);
    EXPECT_EQ(t->targets.at(0).name, "iqn");
}

/// SAM-5 single level LUN structure: the address method is in the top two
/// bits of byte 0, bytes 2–7 are zero. Peripheral device addressing (00b)
/// with bus identifier 0: byte 1 is the LUN. Flat space addressing (01b):
/// a 14-bit LUN, byte 0's low six bits then byte 1. Anything else (a bus
/// identifier other than 0, logical unit or extended addressing, a second
/// level) is not a single number: lun() gives the 8 bytes big-endian.
struct lun_case {
    std::array<std::uint8_t, 8> bytes;
    std::uint64_t lun;
};

class SamLun : public ::testing::TestWithParam<lun_case> {};

TEST_P(SamLun, FromTheTablesEightBytes)
{
    table_builder b;
    auto const g = b.add(target_spec{.lun = GetParam().bytes});
    b.place(target0_slot, g);
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    ASSERT_EQ(t->targets.size(), 1U);
    EXPECT_EQ(t->targets[0].lun_bytes, GetParam().bytes);
    EXPECT_EQ(t->targets[0].lun(), GetParam().lun) << std::hex << "0x" << t->targets[0].lun();
}

INSTANTIATE_TEST_SUITE_P(
    Sam5, SamLun,
    ::testing::Values(lun_case{{0, 0, 0, 0, 0, 0, 0, 0}, 0}, // peripheral, LUN 0
                      lun_case{{0, 5, 0, 0, 0, 0, 0, 0}, 5}, // peripheral, LUN 5
                      lun_case{{0, 255, 0, 0, 0, 0, 0, 0}, 255},
                      lun_case{{0x40, 0x05, 0, 0, 0, 0, 0, 0}, 5},      // flat space, LUN 5
                      lun_case{{0x41, 0x2c, 0, 0, 0, 0, 0, 0}, 300},    // flat space, 0x12c
                      lun_case{{0x7f, 0xff, 0, 0, 0, 0, 0, 0}, 16383},  // flat space, the largest
                      lun_case{{0x01, 0x05, 0, 0, 0, 0, 0, 0}, 0x0105'0000'0000'0000}, // bus 1, target 5
                      lun_case{{0, 0, 0, 5, 0, 0, 0, 0}, 0x0000'0005'0000'0000},       // a second level
                      lun_case{{0x81, 0x23, 0, 0, 0, 0, 0, 0}, 0x8123'0000'0000'0000}, // logical unit addr.
                      lun_case{{0xd2, 0, 0, 0, 0, 0, 0x12, 0x34}, 0xd200'0000'0000'1234})); // extended

// ---------------------------------------------------------------------------
// iBFT 1.03 §3.3: the table header. Firmware gets the checksum wrong.

TEST(BuiltTable, BadChecksumIsAWarningUnlessRefused)
{
    one_port p;
    auto built = p.b.build();
    ASSERT_TRUE(parse(built.span(), {.reject_bad_checksum = true}));
    built.set_u8(at::table_checksum, static_cast<std::uint8_t>(built.u8(at::table_checksum) ^ 0x5a));
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    ASSERT_EQ(t->warnings.size(), 1U) << all_warnings(*t);
    EXPECT_NE(t->warnings[0].find("checksum"), std::string::npos);
    EXPECT_EQ(t->targets.size(), 1U) << "read anyway";
    EXPECT_EQ(parse(built.span(), {.reject_bad_checksum = true}).error(), make_error_code(errc::bad_checksum));
}

TEST(BuiltTable, ALengthFieldLargerThanTheBytesIsRefused)
{
    one_port p;
    auto built = p.b.build();
    built.set_u32(at::table_length, static_cast<std::uint32_t>(built.bytes.size() + 1));
    built.fix_checksum();
    EXPECT_EQ(parse(built.span()).error(), make_error_code(errc::too_short));
    built.set_u32(at::table_length, 0xffff'ffffU);
    EXPECT_EQ(parse(built.span()).error(), make_error_code(errc::too_short));
}

TEST(BuiltTable, BytesAfterTheLengthFieldAreNotPartOfTheTable)
{
    one_port p;
    auto built = p.b.build();
    std::size_t const cut = built.offset_of(p.target0) + 20; // target0 runs past the table's end
    built.set_u32(at::table_length, static_cast<std::uint32_t>(cut));
    built.fix_checksum();
    auto t = parse(built.span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t) << t.error().message();
    EXPECT_TRUE(t->targets.empty());
    EXPECT_TRUE(warned(*t, "structure at offset " + std::to_string(built.offset_of(p.target0)) +
                               " lies outside the table"))
        << all_warnings(*t);
    ASSERT_EQ(t->nics.size(), 1U) << "the NIC before the cut is whole";
    EXPECT_EQ(t->nics[0].ip, "10.0.2.15");
}

// ---------------------------------------------------------------------------
// Offsets that point past the end, at the wrong thing, or twice.

TEST(BuiltTable, AControlSlotPointingBeyondTheTableIsIgnored)
{
    one_port p;
    p.b.place_offset(target1_slot, 0xfff0).place_offset(expansion_slot, 8); // and one into the ACPI header
    auto t = parse(p.b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    EXPECT_EQ(t->targets.size(), 1U);
    EXPECT_TRUE(warned(*t, "control slot 4 (target1) points outside the table")) << all_warnings(*t);
    EXPECT_TRUE(warned(*t, "control slot 5")) << all_warnings(*t);
}

TEST(BuiltTable, AControlStructureLongerThanTheTableIsRefused)
{
    one_port p;
    auto built = p.b.build();
    built.set_u16(at::control_length, 0xfff0);
    built.fix_checksum();
    EXPECT_EQ(parse(built.span()).error(), make_error_code(errc::no_control));
    built.set_u16(at::control_length, 16); // shorter than its five slots
    built.fix_checksum();
    EXPECT_EQ(parse(built.span()).error(), make_error_code(errc::no_control));
    built.set_u8(at::control, 2); // not the control structure's ID
    built.set_u16(at::control_length, 18);
    built.fix_checksum();
    EXPECT_EQ(parse(built.span()).error(), make_error_code(errc::no_control));
}

TEST(BuiltTable, AStructureWhoseLengthRunsPastTheEndIsReadToItsSizeWithAWarning)
{
    one_port p;
    auto built = p.b.build();
    std::size_t const at_target = built.offset_of(p.target0);
    built.set_u16(at_target + at::length, 0xffff);
    built.fix_checksum();
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    ASSERT_EQ(t->targets.size(), 1U) << "its 54 bytes are inside";
    EXPECT_EQ(t->targets[0].name, "iqn.2003-01.org.linux-iscsi.builder:disk");
    EXPECT_TRUE(warned(*t, "structure at offset " + std::to_string(at_target) + " says it is 65535 bytes long"))
        << all_warnings(*t);
}

TEST(BuiltTable, AStructureShorterThanItsKindIsIgnored)
{
    one_port p;
    auto built = p.b.build();
    built.set_u16(built.offset_of(p.nic0) + at::length, 101);
    built.fix_checksum();
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->nics.empty());
    EXPECT_TRUE(warned(*t, "shorter than iBFT 1.03 says")) << all_warnings(*t);
    EXPECT_EQ(t->targets.size(), 1U);
}

TEST(BuiltTable, AStringPastTheEndIsDroppedWithAWarning)
{
    one_port p;
    auto built = p.b.build();
    std::size_t const name = built.offset_of(p.target0) + at::target_name;
    built.set_u16(name, static_cast<std::uint16_t>(built.bytes.size())); // length: the whole table
    built.fix_checksum();
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    ASSERT_EQ(t->targets.size(), 1U);
    EXPECT_EQ(t->targets[0].name, "");
    EXPECT_TRUE(warned(*t, "a target name lies outside the table")) << all_warnings(*t);

    for (auto [length, offset] : {std::pair<std::uint16_t, std::uint16_t>{0xffff, 0xffff}, {1, 0xffff}, {4, 0}}) {
        built.set_u16(name, length);
        built.set_u16(name + 2, offset);
        built.fix_checksum();
        t = parse(built.span());
        ASSERT_TRUE(t);
        EXPECT_EQ(t->targets.at(0).name, "") << length << " bytes at " << offset;
        EXPECT_TRUE(warned(*t, "a target name lies outside the table")) << all_warnings(*t);
    }
}

TEST(BuiltTable, AStructureWhoseIdDoesNotMatchItsSlotIsReadByItsIdWithAWarning)
{
    table_builder b;
    auto const n = b.add(nic_spec{});
    auto const g = b.add(target_spec{});
    b.place(nic0_slot, g).place(target0_slot, n); // swapped
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    EXPECT_EQ(t->nics.size(), 1U);
    EXPECT_EQ(t->targets.size(), 1U);
    EXPECT_TRUE(warned(*t, "control slot 1 (NIC0) holds a target structure")) << all_warnings(*t);
    EXPECT_TRUE(warned(*t, "control slot 2 (target0) holds a NIC structure")) << all_warnings(*t);
}

TEST(BuiltTable, TheSameStructureReferencedTwiceIsReadOnce)
{
    table_builder b;
    auto const i = b.add(initiator_spec{});
    auto const n = b.add(nic_spec{});
    auto const g = b.add(target_spec{});
    b.place(initiator_slot, i).place(nic0_slot, n).place(target0_slot, g);
    b.place(nic1_slot, n).place(target1_slot, g).place(expansion_slot, i).place(expansion_slot + 1, g);
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    EXPECT_EQ(t->nics.size(), 1U);
    EXPECT_EQ(t->targets.size(), 1U) << "one boot target, not three logins to it";
    EXPECT_TRUE(t->init);
    EXPECT_EQ(std::count_if(t->warnings.begin(), t->warnings.end(),
                            [](std::string const& w) { return w.find("already read") != std::string::npos; }),
              4)
        << all_warnings(*t);
}

TEST(BuiltTable, OverlappingStructuresTheSecondIsIgnored)
{
    one_port p;
    auto built = p.b.build();
    // A target header inside NIC0 (over its secondary DNS), through target1's slot.
    std::size_t const inside = built.offset_of(p.nic0) + 56;
    built.set_u8(inside + at::id, 4);
    built.set_u8(inside + 1, 1);
    built.set_u16(inside + at::length, 54);
    built.set_u8(inside + at::index, 1);
    built.set_u16(at::first_slot + 2 * target1_slot, static_cast<std::uint16_t>(inside));
    // And one into the control structure itself (its ID byte reads 1).
    built.set_u16(at::first_slot + 2 * initiator_slot, static_cast<std::uint16_t>(at::control));
    built.fix_checksum();
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    EXPECT_EQ(t->nics.size(), 1U);
    ASSERT_EQ(t->targets.size(), 1U);
    EXPECT_EQ(t->targets[0].index, 0U);
    EXPECT_TRUE(warned(*t, "overlaps")) << all_warnings(*t);
    EXPECT_TRUE(warned(*t, "control slot 0")) << all_warnings(*t);
    EXPECT_FALSE(t->init);
}

TEST(BuiltTable, TwoStructuresWithOneIndexOrTwoInitiatorsTheSecondIsIgnored)
{
    table_builder b;
    auto const n0 = b.add(nic_spec{.index = 0, .ip = ip4("10.0.2.15")});
    auto const again = b.add(nic_spec{.index = 0, .ip = ip4("10.9.9.9")});
    auto const g = b.add(target_spec{.index = 0});
    auto const g2 = b.add(target_spec{.index = 0, .name = "iqn.t:other"});
    auto const i = b.add(initiator_spec{.name = "iqn.i:first"});
    auto const i2 = b.add(initiator_spec{.index = 1, .name = "iqn.i:second"});
    b.place(nic0_slot, n0).place(nic1_slot, again).place(target0_slot, g).place(target1_slot, g2);
    b.place(initiator_slot, i).place(expansion_slot, i2);
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    ASSERT_EQ(t->nics.size(), 1U);
    EXPECT_EQ(t->nics[0].ip, "10.0.2.15");
    ASSERT_EQ(t->targets.size(), 1U);
    EXPECT_EQ(t->targets[0].name, "iqn.2003-01.org.linux-iscsi.builder:disk");
    EXPECT_TRUE(warned(*t, "a second NIC with index 0")) << all_warnings(*t);
    EXPECT_TRUE(warned(*t, "a second target with index 0")) << all_warnings(*t);
    ASSERT_TRUE(t->init);
    EXPECT_EQ(t->init->name, "iqn.i:first");
    EXPECT_TRUE(warned(*t, "a second initiator structure")) << all_warnings(*t);
}

TEST(BuiltTable, AnUnknownStructureIdIsIgnoredWithAWarning)
{
    one_port p;
    auto built = p.b.build();
    built.set_u8(built.offset_of(p.target0) + at::id, 5); // iBFT 1.03 §3.4.1: 5 is "extensions"
    built.fix_checksum();
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->targets.empty());
    EXPECT_TRUE(warned(*t, "unknown structure (ID 5)")) << all_warnings(*t);
}

// ---------------------------------------------------------------------------
// iBFT 1.03 §3.2 flags: bit 0 "block valid", bit 1 "firmware boot selected".
// The kernel's iscsi_ibft never tests the valid bit: it shows every
// structure whose ID and length are right, flags included, and leaves the
// choice to user space. The parser does the same: it keeps the structure
// and its flags, and the caller (ibft/boot) decides.

TEST(BuiltTable, AStructureWithoutTheValidBitIsKeptWithItsFlags)
{
    table_builder b;
    auto const n = b.add(nic_spec{.flags = 0});
    auto const unused = b.add(target_spec{.index = 0, .flags = 0});
    auto const boot_only = b.add(target_spec{.index = 1, .flags = flag_boot_selected});
    b.place(nic0_slot, n).place(target0_slot, unused).place(target1_slot, boot_only);
    auto t = parse(b.build().span(), {.reject_bad_checksum = true});
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->warnings.empty()) << all_warnings(*t);
    ASSERT_EQ(t->nics.size(), 1U);
    EXPECT_EQ(t->nics[0].flags, 0U);
    ASSERT_EQ(t->targets.size(), 2U);
    EXPECT_EQ(t->targets[0].flags, 0U);
    EXPECT_EQ(t->targets[1].flags, flag_boot_selected);
}

// ---------------------------------------------------------------------------
// A warning never quotes a secret, however broken the table around it.

TEST(BuiltTable, NoWarningEverContainsASecret)
{
    std::string const secrets[] = {"s3cret-chap-one", "s3cret-mutual-two"};
    table_builder b;
    auto const n = b.add(nic_spec{});
    auto const g = b.add(target_spec{.chap_type = 2, .chap_name = "in", .chap_secret = secrets[0],
                                     .rev_chap_name = "out", .rev_chap_secret = secrets[1]});
    b.place(nic0_slot, n).place(target0_slot, g).place(target1_slot, g);
    auto built = b.build();
    std::size_t const o = built.offset_of(g);
    std::size_t const secret_text = std::size_t{built.u8(o + at::target_chap_secret + 2)} |
                                    std::size_t{built.u8(o + at::target_chap_secret + 3)} << 8;
    built.set_u16(o + at::target_rev_chap_secret, 0xfff0); // the reverse secret runs past the end
    built.set_u16(at::first_slot + 2 * nic1_slot, static_cast<std::uint16_t>(secret_text)); // a slot into a secret
    built.set_u8(at::table_checksum, static_cast<std::uint8_t>(built.u8(at::table_checksum) + 1));
    auto t = parse(built.span());
    ASSERT_TRUE(t);
    EXPECT_GE(t->warnings.size(), 4U) << all_warnings(*t);
    for (auto const& w : t->warnings)
        for (auto const& s : secrets)
            EXPECT_EQ(w.find(s), std::string::npos) << "a warning quotes a secret: " << w;
}

} // namespace
} // namespace iscsi::ibft
