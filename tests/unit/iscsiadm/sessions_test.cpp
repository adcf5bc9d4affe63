// iscsiadm -m session over a sysfs tree built here (ISCSI_SYSFS), laid out
// as the kernel's iscsi transport class lays it out: the one-line listing
// open-iscsi prints, -r SID, JSON, and a missing session.
#include "sessions.hpp"

#include "support/isolation.hpp"
#include "support/subprocess.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace iscsiadm {
namespace {

namespace fs = std::filesystem;
using iscsi::test::run_program;

void put(fs::path const& file, std::string const& text)
{
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text << "\n";
}

class SessionMode : public ::testing::Test {
protected:
    iscsi::test::temp_dir root;
    iscsi::test::temp_dir db;

    void SetUp() override
    {
        ::setenv("ISCSI_SYSFS", root.path().c_str(), 1);
        ::setenv("ISCSI_ROOT", db.path().c_str(), 1);
    }
    void TearDown() override
    {
        ::unsetenv("ISCSI_SYSFS");
        ::unsetenv("ISCSI_ROOT");
    }

    /// session<SID> under host<HOST>, connected to ADDRESS:3260.
    void add_session(int sid, int host, std::string const& target, std::string const& address)
    {
        auto const r = root.path();
        auto const dev = r / "devices/platform" / ("host" + std::to_string(host)) / ("session" + std::to_string(sid));
        fs::create_directories(dev);
        auto const cls = r / "class/iscsi_session" / ("session" + std::to_string(sid));
        put(cls / "targetname", target);
        put(cls / "tpgt", "1");
        put(cls / "state", "LOGGED_IN");
        fs::create_directory_symlink(dev, cls / "device");
        auto const conn = r / "class/iscsi_connection" / ("connection" + std::to_string(sid) + ":0");
        put(conn / "address", address);
        put(conn / "port", "3260");
        put(r / "class/scsi_host" / ("host" + std::to_string(host)) / "proc_name", "iscsi_tcp");
    }
};

TEST_F(SessionMode, ListsEverySessionInSidOrderLikeOpenIscsi)
{
    add_session(10, 3, "iqn.2026-12.org.example:b", "fd00::1");
    add_session(2, 2, "iqn.2026-12.org.example:a", "127.0.0.1");
    auto r = run_program({ISCSIADM_BIN, "-m", "session"});
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, "tcp: [2] 127.0.0.1:3260,1 iqn.2026-12.org.example:a (non-flash)\n"
                     "tcp: [10] [fd00::1]:3260,1 iqn.2026-12.org.example:b (non-flash)\n");
}

TEST_F(SessionMode, TheLineNamesThePersistentPortalAsOpenIscsi)
{
    // The kernel shows an IPv6 peer in its long form; open-iscsi prints the
    // persistent portal, the one the login was asked for.
    add_session(4, 5, "iqn.2026-12.org.example:v6", "fec0:0000:0000:0000:0000:0000:0000:0002");
    auto const conn = root.path() / "class/iscsi_connection/connection4:0";
    put(conn / "persistent_address", "fec0::2");
    put(conn / "persistent_port", "3260");
    auto r = run_program({ISCSIADM_BIN, "-m", "session"});
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, "tcp: [4] [fec0::2]:3260,1 iqn.2026-12.org.example:v6 (non-flash)\n");
}

TEST_F(SessionMode, OneSessionBySid)
{
    add_session(2, 2, "iqn.2026-12.org.example:a", "127.0.0.1");
    add_session(3, 4, "iqn.2026-12.org.example:c", "127.0.0.2");
    auto r = run_program({ISCSIADM_BIN, "-m", "session", "-r", "3"});
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, "tcp: [3] 127.0.0.2:3260,1 iqn.2026-12.org.example:c (non-flash)\n");
}

TEST_F(SessionMode, MissingSidIsASysfsLookupError)
{
    add_session(2, 2, "iqn.2026-12.org.example:a", "127.0.0.1");
    auto r = run_program({ISCSIADM_BIN, "-m", "session", "-r", "7"});
    EXPECT_EQ(r.exit_code, 22);
    EXPECT_NE(r.err.find("Could not get session info for sid 7"), std::string::npos) << r.err;
}

TEST_F(SessionMode, JsonListsTheSameFields)
{
    add_session(2, 2, "iqn.2026-12.org.example:a", "127.0.0.1");
    auto r = run_program({ISCSIADM_BIN, "-m", "session", "--format", "json"});
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, "[{\"sid\": 2, \"transport\": \"tcp\", \"address\": \"127.0.0.1\", \"port\": \"3260\", "
                     "\"tpgt\": \"1\", \"target\": \"iqn.2026-12.org.example:a\", \"state\": \"LOGGED_IN\"}]\n");
}

// --wait-devices looks at the session's SCSI devices: block types need
// their block device in sysfs and its node in /dev ("null" exists here).
TEST_F(SessionMode, WaitForDevicesSeesBlockDevicesAndSkipsControllers)
{
    add_session(4, 5, "iqn.2026-12.org.example:a", "127.0.0.1");
    auto const target = root.path() / "devices/platform/host5/session4/target5:0:0";
    put(target / "5:0:0:0/type", "12"); // a controller (tgt's LUN 0): no block device
    put(target / "5:0:0:1/type", "0");
    fs::create_directories(target / "5:0:0:1/block/null");
    auto w = wait_for_devices(4, 0.5);
    EXPECT_EQ(w.missing, "");
    EXPECT_EQ(w.devices, std::vector<std::string>{"null"});
}

TEST_F(SessionMode, WaitForDevicesNamesWhatIsStillMissing)
{
    add_session(4, 5, "iqn.2026-12.org.example:a", "127.0.0.1");
    put(root.path() / "devices/platform/host5/session4/target5:0:0/5:0:0:1/type", "0");
    auto const t0 = std::chrono::steady_clock::now();
    auto w = wait_for_devices(4, 0.3);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
    EXPECT_EQ(w.missing, "LUN 5:0:0:1 has no block device yet");
    EXPECT_EQ(wait_for_devices(9, 0.1).missing, "session 9 is gone");
}

TEST_F(SessionMode, WaitDevicesNeedsALogin)
{
    auto r = run_program({ISCSIADM_BIN, "-m", "node", "--wait-devices=5"});
    EXPECT_EQ(r.exit_code, 7);
    EXPECT_NE(r.err.find("--wait-devices goes with a login"), std::string::npos) << r.err;
    r = run_program({ISCSIADM_BIN, "-m", "node", "-l", "--wait-devices=soon"});
    EXPECT_EQ(r.exit_code, 7);
    EXPECT_NE(r.err.find("--wait-devices takes a number of seconds above 0, not 'soon'"), std::string::npos) << r.err;
}

TEST_F(SessionMode, NoSessionsIsExit21)
{
    auto r = run_program({ISCSIADM_BIN, "-m", "session"});
    EXPECT_EQ(r.exit_code, 21);
    EXPECT_NE(r.err.find("No active sessions."), std::string::npos) << r.err;
}

} // namespace
} // namespace iscsiadm
