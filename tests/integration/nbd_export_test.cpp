// iscsi-nbd against a real tgtd, driven by a real NBD client (libnbd's
// nbdinfo and nbdcopy): the export is described correctly, an image copied
// in reaches tgt's backing file and reads back, holes become zero writes,
// and an unknown export name is refused with a message that names it.
#include "support/subprocess.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

#if defined(ISCSI_NBD_BIN)
namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
constexpr char const* iqn = "iqn.2026-12.org.example.test:nbd";

::testing::AssertionResult ok(run_result const& r, char const* what)
{
    if (r.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << what << ": exit " << r.exit_code << "\n" << r.out << r.err;
}

std::string read_file(std::filesystem::path const& p, std::size_t limit = SIZE_MAX)
{
    std::ifstream in(p, std::ios::binary);
    std::string s(std::istreambuf_iterator<char>(in), {});
    if (s.size() > limit) s.resize(limit);
    return s;
}

class NbdExport : public isolated_test {
protected:
    void SetUp() override
    {
        isolated_test::SetUp();
        ASSERT_TRUE(tgt.start());
        ASSERT_TRUE(tgt.add_target({.iqn = iqn, .size_mib = 64}));
        std::string error;
        server = child_process::spawn({ISCSI_NBD_BIN, "--portal", tgt.portal().to_string(), "--target", iqn,
                                       "--initiator-name", "iqn.2026-12.org.example.test:nbd-initiator", "--socket",
                                       socket().string()},
                                      log(), error);
        ASSERT_TRUE(server.started()) << error;
        for (int i = 0; i < 200 && read_file(log()).find("ready") == std::string::npos; ++i) {
            ASSERT_TRUE(server.running()) << read_file(log());
            std::this_thread::sleep_for(50ms);
        }
        ASSERT_NE(read_file(log()).find("ready"), std::string::npos) << read_file(log());
    }
    void TearDown() override
    {
        if (server.running()) {
            server.signal(SIGTERM);
            auto rc = server.wait_for_exit(20s);
            EXPECT_EQ(rc, 0) << read_file(log());
        }
    }
    std::string uri(std::string const& name = "lun-1") const { return "nbd+unix:///" + name + "?socket=" + socket().string(); }
    std::filesystem::path socket() const { return dir.path() / "nbd.sock"; }
    std::filesystem::path log() const { return dir.path() / "iscsi-nbd.log"; }

    temp_dir dir;
    tgtd_process tgt;
    child_process server;
};

TEST_F(NbdExport, DescribesTheLuAndTheOperationsItOffers)
{
    auto r = run_program({"nbdinfo", uri()});
    ASSERT_TRUE(ok(r, "nbdinfo"));
    EXPECT_NE(r.out.find("export-size: 67108864"), std::string::npos) << r.out;
    for (char const* can : {"can_flush: true", "can_fua: true", "can_trim: true", "can_zero: true", "is_read_only: false"})
        EXPECT_NE(r.out.find(can), std::string::npos) << can << "\n" << r.out;
    auto list = run_program({"nbdinfo", "--list", "nbd+unix:///?socket=" + socket().string()});
    ASSERT_TRUE(ok(list, "nbdinfo --list"));
    EXPECT_NE(list.out.find("export=\"lun-1\""), std::string::npos) << list.out;
    EXPECT_EQ((std::filesystem::status(socket()).permissions() & std::filesystem::perms::others_all), std::filesystem::perms::none)
        << "the socket is root's alone";
}

TEST_F(NbdExport, ImageCopiedInReachesTheLuAndHolesBecomeZeros)
{
    // 2 MiB random, a 6 MiB hole (nbdcopy sends it as zero requests), 2 MiB random.
    auto const src = dir.path() / "image";
    std::mt19937 gen(5);
    std::string data(10U << 20U, '\0');
    for (std::size_t i = 0; i < data.size(); ++i)
        if (i < (2U << 20U) || i >= (8U << 20U)) data[i] = static_cast<char>(gen());
    {
        std::ofstream out(src, std::ios::binary);
        out.write(data.data(), 2 << 20);
        out.seekp(8 << 20);
        out.write(data.data() + (8 << 20), 2 << 20);
    }
    // First make the hole's range non-zero on the LU, so zeros must be written.
    auto const noise = dir.path() / "noise";
    ASSERT_TRUE(ok(run_program({"sh", "-c", "head -c 10485760 /dev/urandom > " + noise.string()}), "noise"));
    ASSERT_TRUE(ok(run_program({"nbdcopy", noise.string(), uri()}, 60s), "nbdcopy noise"));
    ASSERT_TRUE(ok(run_program({"nbdcopy", src.string(), uri()}, 60s), "nbdcopy image"));
    auto const back = dir.path() / "back";
    ASSERT_TRUE(ok(run_program({"nbdcopy", uri(), back.string()}, 60s), "nbdcopy out"));
    EXPECT_EQ(read_file(back, data.size()), data) << "read back through NBD";

    server.signal(SIGTERM);
    EXPECT_EQ(server.wait_for_exit(20s), 0) << read_file(log());
    EXPECT_FALSE(std::filesystem::exists(socket())) << "the socket is removed on exit";
    ASSERT_TRUE(tgt.stop());
    EXPECT_EQ(read_file(tgt.dir() / "tgt-tid1-lun1.img", data.size()), data) << "in tgt's backing file";
}

TEST_F(NbdExport, UnknownExportIsRefusedByName)
{
    auto r = run_program({"nbdinfo", uri("lun-9")});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE((r.out + r.err).find("lun-9"), std::string::npos) << r.out << r.err;
    EXPECT_TRUE(ok(run_program({"nbdinfo", uri()}), "the server still serves others"));
}

} // namespace
} // namespace iscsi::test
#endif
