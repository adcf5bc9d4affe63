// -m session -P 1..3 and -m host -P 0..4 against what open-iscsi 2.1.8
// printed for a real kernel session (captured in the VM, with the sysfs
// attributes it read: tests/fixtures/open-iscsi/kernel-session/). The
// sysfs tree is rebuilt here from those attributes.
#include "support/isolation.hpp"
#include "support/subprocess.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace iscsiadm {
namespace {

namespace fs = std::filesystem;
using iscsi::test::run_program;

fs::path const fixtures = fs::path(ISCSI_TEST_FIXTURES) / "open-iscsi/kernel-session";

std::string slurp(fs::path const& p)
{
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

void put(fs::path const& file, std::string const& text)
{
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text << "\n";
}

class SessionView : public ::testing::Test {
protected:
    iscsi::test::temp_dir root;
    iscsi::test::temp_dir db;

    void SetUp() override
    {
        auto const r = root.path();
        // sysfs.txt: "S name=value" (session1), "C ..." (connection1:0), "H ..." (host0).
        std::istringstream lines(slurp(fixtures / "sysfs.txt"));
        for (std::string line; std::getline(lines, line);) {
            auto eq = line.find('=');
            auto name = line.substr(2, eq - 2), value = line.substr(eq + 1);
            fs::path dir = line[0] == 'S'   ? r / "class/iscsi_session/session1"
                           : line[0] == 'C' ? r / "class/iscsi_connection/connection1:0"
                                            : r / "class/iscsi_host/host0";
            put(dir / name, value);
        }
        auto const dev = r / "devices/platform/host0/session1";
        put(dev / "target0:0:0/0:0:0:0/state", "running");
        put(dev / "target0:0:0/0:0:0:0/type", "0");
        fs::create_directories(dev / "target0:0:0/0:0:0:0/block/sda");
        fs::create_directory_symlink(dev, r / "class/iscsi_session/session1/device");
        put(r / "class/scsi_host/host0/state", "running");
        put(r / "class/scsi_host/host0/proc_name", "iscsi_tcp");
        put(r / "module/scsi_transport_iscsi/version", "2.0-870");
        ::setenv("ISCSI_SYSFS", r.c_str(), 1);
        ::setenv("ISCSI_ROOT", db.path().c_str(), 1);
        ::setenv("ISCSID_SOCKET", (db.path() / "no-daemon.sock").c_str(), 1);
    }
    void TearDown() override
    {
        ::unsetenv("ISCSI_SYSFS");
        ::unsetenv("ISCSI_ROOT");
        ::unsetenv("ISCSID_SOCKET");
    }
    void expect_like_open_iscsi(std::vector<std::string> args, char const* golden)
    {
        args.insert(args.begin(), ISCSIADM_BIN);
        auto r = run_program(args);
        ASSERT_TRUE(r.ok()) << r.err;
        EXPECT_EQ(r.out, slurp(fixtures / golden)) << golden;
    }
};

TEST_F(SessionView, PrintLevel0) { expect_like_open_iscsi({"-m", "session"}, "session-P0.out"); }
TEST_F(SessionView, PrintLevel1Interface) { expect_like_open_iscsi({"-m", "session", "-P", "1"}, "session-P1.out"); }
TEST_F(SessionView, PrintLevel2TimeoutsChapNegotiated)
{
    expect_like_open_iscsi({"-m", "session", "-P", "2"}, "session-P2.out");
}
TEST_F(SessionView, PrintLevel3AttachedDisks)
{
    expect_like_open_iscsi({"-m", "session", "-P", "3"}, "session-P3.out");
    expect_like_open_iscsi({"-m", "session", "-r", "1", "-P", "3"}, "session-P3.out");
}
TEST_F(SessionView, HostLevels)
{
    expect_like_open_iscsi({"-m", "host"}, "host-P0.out");
    expect_like_open_iscsi({"-m", "host", "-P", "1"}, "host-P1.out");
    expect_like_open_iscsi({"-m", "host", "-P", "4"}, "host-P4.out");
}

TEST_F(SessionView, BadLevelsAndSidsAreRefused)
{
    auto r = run_program({ISCSIADM_BIN, "-m", "session", "-P", "4"});
    EXPECT_EQ(r.exit_code, 7);
    r = run_program({ISCSIADM_BIN, "-m", "session", "-r", "2", "-P", "1"});
    EXPECT_EQ(r.exit_code, 22);
    EXPECT_NE(r.err.find("Could not get session info for sid 2"), std::string::npos) << r.err;
}

} // namespace
} // namespace iscsiadm
