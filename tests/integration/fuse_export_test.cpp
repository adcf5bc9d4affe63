// iscsi-fuse against a real tgtd: LUN files with byte-exact unaligned I/O,
// hole punching, and the full path people use: loop device, mkfs.ext4,
// mount, copy, unmount, remount; the data is then checked in tgt's own
// backing file, so it cannot have come from a page cache.
#include "support/subprocess.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/falloc.h>
#include <random>
#include <thread>
#include <unistd.h>

#ifdef ISCSI_FUSE_BIN
namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
constexpr char const* iqn = "iqn.2026-12.org.example.test:fuse";

std::vector<char> random_bytes(std::size_t n, unsigned seed)
{
    std::mt19937 gen(seed);
    std::vector<char> v(n);
    for (auto& c : v) c = static_cast<char>(gen());
    return v;
}

::testing::AssertionResult ok(run_result const& r, char const* what)
{
    if (r.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << what << ": exit " << r.exit_code << "\n" << r.out << r.err;
}

class FuseExport : public isolated_test {
protected:
    void SetUp() override
    {
        isolated_test::SetUp();
        ASSERT_TRUE(tgt.start());
        ASSERT_TRUE(tgt.add_target({.iqn = iqn, .size_mib = 256}));
        for (auto const* d : {"mnt", "fs", "by-path"}) std::filesystem::create_directories(dir.path() / d);
    }
    void TearDown() override
    {
        if (fuse.running()) {
            (void)run_program({"umount", (dir.path() / "fs").string()});
            fuse.signal(SIGTERM);
            if (!fuse.wait_for_exit(20s)) ADD_FAILURE() << "iscsi-fuse did not exit on SIGTERM";
        }
        if (!loop.empty() && run_program({"losetup", loop}).ok()) { // never leave a loop device behind
            ADD_FAILURE() << loop << " still attached after iscsi-fuse exited";
            (void)run_program({"losetup", "-d", loop});
        }
    }

    /// Starts iscsi-fuse and waits for "ready"; `loop` is set with --loop.
    ::testing::AssertionResult start(bool with_loop)
    {
        std::vector<std::string> argv{ISCSI_FUSE_BIN, "--portal", tgt.portal().to_string(), "--target", iqn,
                                      "--initiator-name", "iqn.2026-12.org.example.test:fuse-initiator",
                                      "--by-path-dir", (dir.path() / "by-path").string(), (dir.path() / "mnt").string()};
        if (with_loop) argv.insert(argv.begin() + 1, "--loop");
        std::string error;
        fuse = child_process::spawn(argv, log(), error);
        if (!fuse.started()) return ::testing::AssertionFailure() << error;
        for (int i = 0; i < 300; ++i) {
            std::string const out = read_log();
            if (auto at = out.find("/dev/loop"); at != std::string::npos && loop.empty())
                loop = out.substr(at, out.find(' ', at) - at);
            if (out.find("ready") != std::string::npos) return ::testing::AssertionSuccess();
            if (!fuse.running()) return ::testing::AssertionFailure() << "iscsi-fuse exited:\n" << out;
            std::this_thread::sleep_for(50ms);
        }
        return ::testing::AssertionFailure() << "iscsi-fuse not ready in 15 s:\n" << read_log();
    }
    std::filesystem::path log() const { return dir.path() / "iscsi-fuse.log"; }
    std::string read_log() const
    {
        std::ifstream in(log());
        return {std::istreambuf_iterator<char>(in), {}};
    }
    std::filesystem::path lun_file() const { return dir.path() / "mnt" / "lun-1"; }

    temp_dir dir;
    tgtd_process tgt;
    child_process fuse;
    std::string loop;
};

TEST_F(FuseExport, LunFileHasTheLuSizeAndKeepsUnalignedWritesExactly)
{
    ASSERT_TRUE(start(false));
    EXPECT_EQ(std::filesystem::file_size(lun_file()), 256U << 20U);
    int fd = ::open(lun_file().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    struct piece {
        off_t at;
        std::size_t len;
    };
    // Disjoint, each starting and ending off a block boundary somewhere.
    std::vector<piece> const pieces{{0, 1}, {511, 2}, {1000, 3000}, {4095, 4097}, {(256 << 20) - 3, 3}, {123457, 1 << 20}};
    unsigned seed = 1;
    for (auto const& p : pieces) {
        auto data = random_bytes(p.len, seed++);
        ASSERT_EQ(::pwrite(fd, data.data(), data.size(), p.at), static_cast<ssize_t>(p.len)) << p.at;
    }
    ASSERT_EQ(::fsync(fd), 0) << "SYNCHRONIZE CACHE";
    ::close(fd);
    // Reopen with O_DIRECT-free reads after dropping our view: read back through iSCSI.
    fd = ::open(lun_file().c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    seed = 1;
    for (auto const& p : pieces) {
        auto want = random_bytes(p.len, seed++);
        std::vector<char> got(p.len);
        ASSERT_EQ(::pread(fd, got.data(), got.size(), p.at), static_cast<ssize_t>(p.len));
        EXPECT_EQ(got, want) << "at " << p.at;
    }
    char c = 0;
    EXPECT_EQ(::pread(fd, &c, 1, 256 << 20), 0) << "end of the LU is end of file";
    ::close(fd);
    fd = ::open(lun_file().c_str(), O_WRONLY);
    EXPECT_EQ(::pwrite(fd, "x", 1, 256 << 20), -1) << "a LUN cannot grow";
    EXPECT_EQ(errno, ENOSPC);
    ::close(fd);
}

TEST_F(FuseExport, PunchedHoleReadsBackAsZeros)
{
    ASSERT_TRUE(start(false));
    int fd = ::open(lun_file().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    auto data = random_bytes(1 << 20, 7);
    ASSERT_EQ(::pwrite(fd, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
    ASSERT_EQ(::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 1000, 300000), 0) << std::strerror(errno);
    std::vector<char> back(data.size());
    ASSERT_EQ(::pread(fd, back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
    std::fill(data.begin() + 1000, data.begin() + 301000, 0);
    EXPECT_EQ(back, data);
    ::close(fd);
}

TEST_F(FuseExport, Ext4OnTheLoopDeviceHoldsAFileThatReachesTheLu)
{
    ASSERT_TRUE(start(true));
    ASSERT_FALSE(loop.empty()) << read_log();
    auto const link = dir.path() / "by-path" / ("ip-" + tgt.portal().to_string() + "-iscsi-" + iqn + "-lun-1");
    ASSERT_TRUE(std::filesystem::is_symlink(link)) << link;
    EXPECT_EQ(std::filesystem::read_symlink(link), loop);

    auto const fs = (dir.path() / "fs").string();
    auto const src = dir.path() / "payload";
    {
        auto data = random_bytes(24 << 20, 11);
        std::ofstream(src, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
    }
    ASSERT_TRUE(ok(run_program({"mkfs.ext4", "-q", "-F", loop}, 120s), "mkfs.ext4"));
    ASSERT_TRUE(ok(run_program({"mount", loop, fs}), "mount"));
    ASSERT_TRUE(ok(run_program({"cp", src.string(), fs + "/payload"}, 60s), "cp"));
    ASSERT_TRUE(ok(run_program({"fstrim", fs}, 60s), "fstrim (discard through the loop device)"));
    ASSERT_TRUE(ok(run_program({"umount", fs}, 60s), "umount"));

    // Unmounted and detached, the target's backing file must hold it.
    fuse.signal(SIGTERM);
    auto rc = fuse.wait_for_exit(30s);
    ASSERT_TRUE(rc) << "iscsi-fuse did not exit";
    EXPECT_EQ(*rc, 0) << read_log();
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(link))) << "the by-path link is removed";
    EXPECT_FALSE(run_program({"losetup", loop}).ok() && run_program({"losetup", loop}).out.find("lun-1") != std::string::npos);
    loop.clear();
    ASSERT_TRUE(tgt.stop());
    auto const image = tgt.dir() / "tgt-tid1-lun1.img";
    auto attach = run_program({"losetup", "-r", "-f", "--show", image.string()});
    ASSERT_TRUE(ok(attach, "losetup the backing file"));
    std::string const raw = attach.out.substr(0, attach.out.find('\n'));
    auto m = run_program({"mount", "-o", "ro", raw, fs});
    bool const same = m.ok() && run_program({"cmp", src.string(), fs + "/payload"}).ok();
    (void)run_program({"umount", fs});
    (void)run_program({"losetup", "-d", raw});
    ASSERT_TRUE(ok(m, "mount the backing file"));
    EXPECT_TRUE(same) << "the file read from tgt's backing store differs from what was copied";
}

TEST_F(FuseExport, SignalledWhileMountedItServesUntilTheUnmountThenExits)
{
    ASSERT_TRUE(start(true));
    auto const fs = (dir.path() / "fs").string();
    ASSERT_TRUE(ok(run_program({"mkfs.ext4", "-q", "-F", loop}, 120s), "mkfs.ext4"));
    ASSERT_TRUE(ok(run_program({"mount", loop, fs}), "mount"));
    fuse.signal(SIGTERM);
    EXPECT_FALSE(fuse.wait_for_exit(2s)) << "exited under a mounted file system";
    EXPECT_NE(read_log().find("is in use; serving it until it is unmounted"), std::string::npos) << read_log();
    ASSERT_TRUE(ok(run_program({"sh", "-c", "echo still-here > " + fs + "/f && sync"}), "write after the signal"));
    ASSERT_TRUE(ok(run_program({"umount", fs}, 60s), "umount"));
    auto rc = fuse.wait_for_exit(30s);
    ASSERT_TRUE(rc);
    EXPECT_EQ(*rc, 0);
    loop.clear();
}

} // namespace
} // namespace iscsi::test
#endif
