// iscsid's user-space data path on this machine, which has no iscsi_tcp
// (iscsid.data_path = auto falls back to user space): `iscsiadm --login`
// against a real tgtd gives a loop block device that carries data, `-m
// session` lists the session as "user:", and logout detaches it.
#include "support/iscsid_env.hpp"
#include "support/iscsid_fixture.hpp"
#include "support/isolation.hpp"
#include "support/subprocess.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>

#if defined(ISCSID_BIN) && defined(ISCSI_FUSE_BIN)
namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
constexpr char const* iqn = "iqn.2026-12.org.example.test:user";

class IscsidUserSpace : public iscsid_with_tgtd {
protected:
    IscsidUserSpace() : iscsid_with_tgtd({ISCSID_BIN, ISCSIADM_BIN, ISCSI_FUSE_BIN}, {{.iqn = iqn, .size_mib = 64}}) {}

    /// The loop devices backed by the session's LUN files.
    std::string loop_of(std::uint32_t sid) const
    {
        auto r = run_program({"losetup", "-n", "-O", "NAME", "-j",
                              (env.dir() / "user" / std::to_string(sid) / "luns/lun-1").string()});
        std::string name = r.out.substr(0, r.out.find('\n'));
        return name;
    }
};

TEST_F(IscsidUserSpace, LoginGivesALoopDeviceThatCarriesDataAndLogoutDetachesIt)
{
    auto const portal = tgt.portal().to_string();
    auto r = adm({"-m", "node", "-T", iqn, "-p", portal, "--login", "--wait-devices"});
    ASSERT_TRUE(r.ok()) << r.out << r.err << log();
    EXPECT_NE(r.out.find("Login to [iface: default, target: " + std::string(iqn)), std::string::npos) << r.out;

    r = adm({"-m", "session"});
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, "user: [100001] " + tgt.portal().to_string() + ",1 " +
                         iqn + " (non-flash)\n");

    std::string const loop = loop_of(100001);
    ASSERT_EQ(loop.rfind("/dev/loop", 0), 0U) << "no loop device: " << loop << log();
    r = adm({"-m", "session", "-P", "3"});
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, "Target: " + std::string(iqn) + " (non-flash)\n"
                     "\tCurrent Portal: " + portal + ",1\n"
                     "\tPersistent Portal: " + portal + ",1\n"
                     "\t\t**********\n\t\tInterface:\n\t\t**********\n"
                     "\t\tIface Name: default\n\t\tIface Transport: user\n\t\tSID: 100001\n"
                     "\t\tiSCSI Connection State: LOGGED IN\n\t\tiSCSI Session State: LOGGED_IN\n"
                     "\t\tInternal iscsid Session State: NO CHANGE\n"
                     "\t\t************************\n\t\tAttached loop devices:\n\t\t************************\n"
                     "\t\t\tAttached loop device " + fs::path(loop).filename().string() + "\n");
    std::vector<char> data(1 << 20);
    std::mt19937 gen(5);
    for (auto& c : data) c = static_cast<char>(gen());
    int fd = ::open(loop.c_str(), O_RDWR | O_DIRECT);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    void* buf = nullptr;
    ASSERT_EQ(::posix_memalign(&buf, 4096, data.size()), 0);
    std::memcpy(buf, data.data(), data.size());
    EXPECT_EQ(::pwrite(fd, buf, data.size(), 4096), static_cast<ssize_t>(data.size()));
    std::memset(buf, 0, data.size());
    EXPECT_EQ(::pread(fd, buf, data.size(), 4096), static_cast<ssize_t>(data.size()));
    EXPECT_EQ(std::memcmp(buf, data.data(), data.size()), 0) << "read back differs";
    std::free(buf);
    ::close(fd);

    // A second login of the node: the session exists.
    r = adm({"-m", "node", "-T", iqn, "-p", portal, "--login"});
    EXPECT_EQ(r.exit_code, 15) << r.out << r.err;

    r = adm({"-m", "node", "-T", iqn, "-p", portal, "--logout"});
    ASSERT_TRUE(r.ok()) << r.out << r.err << log();
    EXPECT_EQ(run_program({"losetup", loop}).exit_code != 0, true) << loop << " still attached";
    EXPECT_FALSE(fs::exists(env.dir() / "user/100001")) << "session directory left behind";
    r = adm({"-m", "session"});
    EXPECT_EQ(r.exit_code, 21) << r.out << r.err;
}

TEST_F(IscsidUserSpace, AnAdoptedSessionOutlivesItsTargetRestarting)
{
    auto const portal = tgt.portal().to_string();
    ASSERT_TRUE(adm({"-m", "node", "-T", iqn, "-p", portal, "--login"}).ok()) << log();
    std::string const loop = loop_of(100001);
    ASSERT_EQ(loop.rfind("/dev/loop", 0), 0U) << log();
    // A new iscsid adopts the session: nobody reads iscsi-fuse's stdout now,
    // and the state line it writes on the lost connection must not kill it.
    ASSERT_TRUE(env.stop());
    ASSERT_TRUE(env.start("iscsid2.log"));
    ASSERT_TRUE(tgt.kill());
    std::this_thread::sleep_for(500ms); // the connection is seen closed
    ASSERT_TRUE(tgt.restart());
    int fd = ::open(loop.c_str(), O_RDONLY | O_DIRECT);
    ASSERT_GE(fd, 0);
    alignas(4096) char block[4096];
    EXPECT_EQ(::pread(fd, block, sizeof block, 0), 4096) << "the disk is gone after the target came back";
    ::close(fd);
    auto r = adm({"-m", "session"});
    EXPECT_EQ(r.out, "user: [100001] " + portal + ",1 " + iqn + " (non-flash)\n") << r.err;
}

TEST_F(IscsidUserSpace, RestartedDaemonAdoptsTheUserSpaceSession)
{
    auto const portal = tgt.portal().to_string();
    auto r = adm({"-m", "node", "-T", iqn, "-p", portal, "--login"});
    ASSERT_TRUE(r.ok()) << r.out << r.err << log();
    std::string const loop = loop_of(100001);
    ASSERT_EQ(loop.rfind("/dev/loop", 0), 0U) << log();

    // iscsid stops; the session's iscsi-fuse goes on serving the loop device.
    ASSERT_TRUE(env.stop());
    int fd = ::open(loop.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    char block[512];
    EXPECT_EQ(::pread(fd, block, sizeof block, 0), 512) << "the disk stopped working with iscsid down";
    ::close(fd);

    ASSERT_TRUE(env.start("iscsid2.log"));
    for (int i = 0; i < 200; ++i) {
        if (adm({"-m", "session"}).ok())
            break;
        std::this_thread::sleep_for(20ms);
    }
    r = adm({"-m", "session"});
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, "user: [100001] " + portal + ",1 " + iqn + " (non-flash)\n");
    r = adm({"-m", "session", "-r", "100001", "-u"});
    ASSERT_TRUE(r.ok()) << r.out << r.err;
    EXPECT_NE(run_program({"losetup", loop}).exit_code, 0) << loop << " still attached";
    // A new login after the adoption gets the next number, not a reused one.
    r = adm({"-m", "node", "-T", iqn, "-p", portal, "--login"});
    ASSERT_TRUE(r.ok()) << r.out << r.err;
    EXPECT_EQ(adm({"-m", "session"}).out, "user: [100002] " + portal + ",1 " + iqn + " (non-flash)\n");
}

TEST_F(IscsidUserSpace, LoginFailureQuotesWhatWentWrong)
{
    // A record for a target tgtd does not have.
    auto r = adm({"-m", "node", "-o", "new", "-T", "iqn.2026-12.org.example.test:nosuch", "-p",
                  tgt.portal().to_string() + ",1"});
    ASSERT_TRUE(r.ok()) << r.err;
    r = adm({"-m", "node", "-T", "iqn.2026-12.org.example.test:nosuch", "-p", tgt.portal().to_string(), "--login"});
    EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
    EXPECT_NE(r.err.find("iscsi-fuse failed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Could not log into all portals"), std::string::npos) << r.err;
}

} // namespace
} // namespace iscsi::test
#endif
