// Firmware (iBFT) targets end to end on this machine: a table built here
// names a real tgtd on loopback (CHAP enforced); `iscsiadm -m fw -l`
// logs in through the real iscsid without writing a record, and a wrong
// secret in the firmware makes it exit non-zero (open-iscsi exits 0);
// `-m discovery -t fw` writes fw records; `iscsistart -N` configures, in a
// network namespace of the test's own, the NIC the table describes (VLAN,
// address, routes to a target behind the gateway).
#include "support/iscsid_env.hpp"
#include "support/isolation.hpp"
#include "support/subprocess.hpp"
#include "support/target_process.hpp"
#include "support/ibft_table_builder.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#if defined(ISCSID_BIN) && defined(ISCSI_FUSE_BIN) && defined(ISCSISTART_BIN)
namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
using namespace iscsi::ibft::test;
namespace fs = std::filesystem;
constexpr char const* iqn = "iqn.2026-12.org.example.test:fwboot";

/// A table as iPXE would write it after booting from `target` at
/// 127.0.0.1:`port` with CHAP `user`/`secret`.
built_table boot_table(std::uint16_t port, std::string const& secret)
{
    table_builder b;
    auto init = b.add(initiator_spec{.name = "iqn.2026-12.org.example.test:fwhost"});
    auto nic = b.add(nic_spec{.ip = ip4("127.0.0.1"), .prefix = 8});
    auto tgt = b.add(target_spec{.ip = ip4("127.0.0.1"),
                                 .port = port,
                                 .chap_type = 1,
                                 .name = iqn,
                                 .chap_name = "fwuser",
                                 .chap_secret = secret});
    b.place(initiator_slot, init).place(nic0_slot, nic).place(target0_slot, tgt);
    return b.build();
}

class Firmware : public isolated_test {
protected:
    tgtd_process tgt;
    // No initiatorname.iscsi: the firmware's initiator name is used.
    iscsid_env env{{.programs = {ISCSID_BIN, ISCSIADM_BIN, ISCSI_FUSE_BIN}, .initiator_name = std::nullopt}};

    void SetUp() override
    {
        isolated_test::SetUp();
        ASSERT_TRUE(tgt.start());
        ASSERT_TRUE(tgt.add_target({.iqn = iqn, .size_mib = 16, .chap = chap_config{{"fwuser", "fw-secret-123"}}}));
        ASSERT_TRUE(env.prepare());
        env.set_variable("ISCSI_IBFT_TABLE", (env.dir() / "ibft.bin").string());
        ASSERT_TRUE(env.start());
    }
    void TearDown() override
    {
        (void)adm({"-m", "session", "-u"});
        EXPECT_TRUE(env.stop());
    }
    run_result adm(std::vector<std::string> args) const { return env.adm(std::move(args)); }
    std::string log() const { return env.log(); }
};

TEST_F(Firmware, LoginUsesTheFirmwaresRecordAndStoresNothing)
{
    write_table_file(env.dir() / "ibft.bin", boot_table(tgt.portal().port, "fw-secret-123").span());
    auto r = adm({"-m", "fw"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("node.name = " + std::string(iqn) + "\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("node.session.auth.password = ********\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("fw-secret-123"), std::string::npos) << "a secret is shown only with -S";

    r = adm({"-m", "fw", "-l"});
    std::string const portal = "127.0.0.1," + std::to_string(tgt.portal().port);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err << log();
    EXPECT_NE(r.out.find("Login to [iface: default, target: " + std::string(iqn) + ", portal: " + portal +
                         "] successful."),
              std::string::npos)
        << r.out;
    r = adm({"-m", "session"});
    EXPECT_NE(r.out.find(iqn), std::string::npos) << r.out;
    EXPECT_EQ(adm({"-m", "node"}).exit_code, 21) << "-m fw -l writes no node record";
    EXPECT_EQ(log().find("fw-secret-123"), std::string::npos) << "no secret in the daemon's log";

    // -U all never logs out a session without a node record (a root disk
    // the firmware or the initramfs logged in to), as open-iscsi.
    r = adm({"-m", "node", "-U", "all"});
    EXPECT_EQ(r.exit_code, 21) << r.out << r.err;
    EXPECT_NE(r.err.find("No matching sessions found"), std::string::npos) << r.err;
    EXPECT_NE(adm({"-m", "session"}).out.find(iqn), std::string::npos) << "the session is still there";

    // A second -m fw -l finds the session there: said, and not a failure.
    r = adm({"-m", "fw", "-l"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("default: 1 session requested, but 1 already present."), std::string::npos) << r.err;
}

TEST_F(Firmware, AFailedLoginIsAFailedExit)
{
    write_table_file(env.dir() / "ibft.bin", boot_table(tgt.portal().port, "not-the-secret").span());
    auto r = adm({"-m", "fw", "-l"});
    EXPECT_EQ(r.exit_code, 24) << r.out << r.err; // ISCSI_ERR_LOGIN_AUTH_FAILED
    EXPECT_NE(r.err.find("Could not log into all portals"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("not-the-secret"), std::string::npos);
}

TEST_F(Firmware, DiscoveryWritesFirmwareRecords)
{
    write_table_file(env.dir() / "ibft.bin", boot_table(tgt.portal().port, "fw-secret-123").span());
    auto r = adm({"-m", "discovery", "-t", "fw"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string const portal = "127.0.0.1:" + std::to_string(tgt.portal().port);
    EXPECT_EQ(r.out, portal + ",1 " + iqn + "\n");
    r = adm({"-m", "node", "-T", iqn, "-p", portal});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("node.discovery_type = fw\n"), std::string::npos) << r.out;
    // As open-iscsi writes it: authmethod None, the CHAP credentials there,
    // and a login from it still does CHAP (tgtd demands it).
    EXPECT_NE(r.out.find("node.session.auth.authmethod = None\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("node.session.auth.username = fwuser\n"), std::string::npos) << r.out;
    r = adm({"-m", "node", "-T", iqn, "-p", portal, "-l"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << log();

    // node.startup = onboot marks the root disk: -U never logs it out.
    r = adm({"-m", "node", "-T", iqn, "-p", portal, "-o", "update", "-n", "node.startup", "-v", "onboot"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (char const* which : {"all", "manual", "automatic"}) {
        r = adm({"-m", "node", "-U", which});
        EXPECT_EQ(r.exit_code, 21) << which << ": " << r.out << r.err;
    }
    EXPECT_NE(adm({"-m", "session"}).out.find(iqn), std::string::npos) << "the onboot session is still there";
    // A manual record's session is logged out by -U all and -U manual.
    r = adm({"-m", "node", "-T", iqn, "-p", portal, "-o", "update", "-n", "node.startup", "-v", "manual"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(adm({"-m", "node", "-U", "automatic"}).exit_code, 21);
    // ... unless the initramfs listed it as a root session
    // (/run/initramfs/iscsi.sessions): then no record makes -U log it out.
    auto const sessions = adm({"-m", "session"}).out; // "tcp: [SID] portal,tpgt iqn (non-flash)"
    auto const open = sessions.find('['), close = sessions.find(']');
    ASSERT_NE(close, std::string::npos) << sessions;
    std::string const sid = sessions.substr(open + 1, close - open - 1);
    std::ofstream(env.dir() / "iscsi.sessions")
        << sid << " " << iqn << " 127.0.0.1 " << tgt.portal().port << " 1 firmware\n";
    env.set_variable("ISCSI_BOOT_SESSIONS", (env.dir() / "iscsi.sessions").string());
    r = adm({"-m", "node", "-U", "manual"});
    EXPECT_EQ(r.exit_code, 21) << r.out << r.err;
    EXPECT_NE(adm({"-m", "session"}).out.find(iqn), std::string::npos) << "the root session is still there";
    ::unsetenv("ISCSI_BOOT_SESSIONS");
    r = adm({"-m", "node", "-U", "manual"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Logout of [sid: "), std::string::npos) << r.out;
}

TEST_F(Firmware, NoFirmwareTableIsExit21)
{
    env.set_variable("ISCSI_IBFT_TABLE", (env.dir() / "absent.bin").string());
    auto r = adm({"-m", "fw"});
    EXPECT_EQ(r.exit_code, 21);
    EXPECT_NE(r.err.find("Could not get list of targets from firmware."), std::string::npos) << r.err;
}

/// iscsistart -N in a network namespace of this test's own (unshare -n):
/// a veth with the firmware NIC's MAC gets the address, a host route on
/// the link to the target inside the subnet and one through the gateway to
/// the target outside it, and no default route; a second run changes
/// nothing and succeeds. (This machine's kernel has no 802.1Q: the VLAN
/// case runs in the VM, tests/vm/scenarios/fw-ours.sh.)
TEST(IscsistartNetwork, BringsUpTheFirmwaresNic)
{
    temp_dir dir;
    table_builder b;
    auto init = b.add(initiator_spec{});
    auto nic = b.add(nic_spec{.ip = ip4("192.168.77.20"), .prefix = 24, .gateway = ip4("192.168.77.1"),
                              .mac = {0x52, 0x54, 0x00, 0x77, 0x00, 0x01}});
    auto near = b.add(target_spec{.index = 0, .ip = ip4("192.168.77.5")});
    auto far = b.add(target_spec{.index = 1, .ip = ip4("10.77.0.5")});
    b.place(initiator_slot, init).place(nic0_slot, nic).place(target0_slot, near).place(target1_slot, far);
    write_table_file(dir.path() / "ibft.bin", b.build().span());
    std::string const start = std::string(ISCSISTART_BIN) + " -N --table " + (dir.path() / "ibft.bin").string();
    auto r = run_program({"unshare", "-n", "sh", "-c",
                          "ip link add fw0 address 52:54:00:77:00:01 type veth peer name fw1 && ip link set fw1 up && " +
                              start + " && " + start + " && ip -o addr show && ip route show"},
                         60s);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Setting up software interface fw0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("inet 192.168.77.20/24"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("192.168.77.5 dev fw0 scope link"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("10.77.0.5 via 192.168.77.1 dev fw0"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("default"), std::string::npos) << "no default route, as open-iscsi: " << r.out;
}

TEST(IscsistartNetwork, BringsUpAnIpv6Nic)
{
    temp_dir dir;
    table_builder b;
    auto init = b.add(initiator_spec{});
    auto nic = b.add(nic_spec{.ip = ip6("2001:db8:5::20"), .prefix = 64, .gateway = ip6("2001:db8:5::1"),
                              .mac = {0x52, 0x54, 0x00, 0x77, 0x00, 0x02}});
    auto far = b.add(target_spec{.ip = ip6("2001:db8:9::5")});
    b.place(initiator_slot, init).place(nic0_slot, nic).place(target0_slot, far);
    write_table_file(dir.path() / "ibft.bin", b.build().span());
    std::string const start = std::string(ISCSISTART_BIN) + " -N --table " + (dir.path() / "ibft.bin").string();
    auto r = run_program({"unshare", "-n", "sh", "-c",
                          "ip link add fw0 address 52:54:00:77:00:02 type veth peer name fw1 && ip link set fw1 up && " +
                              start + " && ip -6 -o addr show dev fw0 && ip -6 route show"},
                         60s);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("inet6 2001:db8:5::20/64"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2001:db8:9::5 via 2001:db8:5::1 dev fw0"), std::string::npos) << r.out;
}

TEST(IscsistartNetwork, NoInterfaceWithTheFirmwaresMacIsAClearFailure)
{
    auto r = run_program({"unshare", "-n", ISCSISTART_BIN, "-N", "--table",
                          std::string(ISCSI_TEST_FIXTURES) + "/ibft/ibft-bios.bin"},
                         60s);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no network interface has the firmware NIC's address 52:54:00:12:34:56"), std::string::npos)
        << r.err;
}

TEST(IscsistartPrint, PrintsTheFirmwaresTargetsAndSaysWhenThereAreNone)
{
    auto r = run_program({ISCSISTART_BIN, "-f", "--table", std::string(ISCSI_TEST_FIXTURES) + "/ibft/ibft-bios.bin"},
                         30s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("node.name = iqn.2024-01.org.vmtest:boot\n"), std::string::npos) << r.out;
    r = run_program({ISCSISTART_BIN, "-f", "--table", "/nonexistent/ibft.bin"}, 30s);
    EXPECT_EQ(r.exit_code, 21);
    EXPECT_NE(r.out.find("Could not get list of targets from firmware."), std::string::npos) << r.out;
}

} // namespace
} // namespace iscsi::test
#endif
