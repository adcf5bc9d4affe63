// SendTargets discovery killed with SIGKILL while it writes its records (an
// OOM kill, a power cut as far as the files can tell), against a real tgtd
// with 200 targets. Whatever a dead discovery left, every record file in
// nodes/ is whole and parses, the database lists, and the next discovery
// completes the set and leaves no temporaries. iscsid's writers (D-Bus
// DiscoverSendTargets, iSNS) go through the same db::store::save_discovered.
#include "iscsi/db/record_format.hpp"
#include "support/iscsid_env.hpp"
#include "support/isolation.hpp"
#include "support/subprocess.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#if defined(ISCSID_BIN)
namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
constexpr std::size_t targets = 200;

/// What a dead writer left in the database.
struct database_state {
    std::size_t records = 0;     ///< whole node records
    std::size_t temporaries = 0; ///< its .tmp- files
};

class DiscoveryKill : public isolated_test {
protected:
    tgtd_process tgt;
    iscsid_env env{{.programs = {ISCSID_BIN, ISCSIADM_BIN, ""}}};

    void SetUp() override
    {
        isolated_test::SetUp();
        ASSERT_TRUE(tgt.start());
        for (std::size_t i = 0; i < targets; ++i)
            ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2026-12.org.example.test:kill-" + std::to_string(i), .size_mib = 0}));
        ASSERT_TRUE(env.prepare());
    }
    /// iscsiadm's arguments for a SendTargets discovery of our tgtd.
    std::vector<std::string> discovery() const
    {
        return {"-m", "discovery", "-t", "sendtargets", "-p", tgt.portal().to_string()};
    }
    fs::path etc() const { return env.dir() / "etc"; }
    void forget_discoveries() const
    {
        fs::remove_all(etc() / "nodes");
        fs::remove_all(etc() / "send_targets");
    }

    /// Every record file must be whole: a torn one fails the test here.
    database_state inspect() const
    {
        database_state s;
        if (!fs::exists(etc() / "nodes"))
            return s;
        for (auto const& e : fs::recursive_directory_iterator(etc() / "nodes")) {
            if (!e.is_regular_file())
                continue;
            if (e.path().filename().string().starts_with(".tmp-")) {
                ++s.temporaries;
                continue;
            }
            std::ifstream in(e.path());
            std::stringstream text;
            text << in.rdbuf();
            EXPECT_TRUE(text.str().starts_with("# BEGIN RECORD 2.1.8\n")) << e.path();
            EXPECT_TRUE(text.str().ends_with("# END RECORD\n")) << e.path();
            db::node_record r;
            db::parse_report report;
            db::parse_node(text.str(), r, &report);
            EXPECT_TRUE(report.warnings.empty()) << e.path();
            ++s.records;
        }
        return s;
    }
};

TEST_F(DiscoveryKill, ADiscoveryKilledWhileWritingLeavesOnlyWholeRecords)
{
    // How long a whole discovery takes here, so the kills can aim at its
    // second half, where the records are written.
    auto const t0 = std::chrono::steady_clock::now();
    auto const first = env.adm(discovery());
    auto const whole = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    ASSERT_TRUE(first.ok()) << first.err;
    ASSERT_EQ(inspect().records, targets);

    std::mt19937 rng(7);
    std::uniform_int_distribution<long> delay(whole.count() / 3, whole.count() * 6 / 5);
    int killed = 0, mid_write = 0;
    for (int round = 0; round < 12; ++round) {
        forget_discoveries();
        std::string error;
        auto argv = discovery();
        argv.insert(argv.begin(), ISCSIADM_BIN);
        auto child = child_process::spawn(argv, env.dir() / "discovery.log", error);
        ASSERT_TRUE(child.started()) << error;
        std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
        if (child.running()) {
            child.signal(SIGKILL);
            ++killed;
        }
        ASSERT_TRUE(child.wait_for_exit(10s).has_value()) << "round " << round;
        auto const s = inspect();
        if ((s.records > 0 && s.records < targets) || s.temporaries > 0)
            ++mid_write;
        // iscsiadm reads what is there: one line per whole record.
        auto const nodes = env.adm({"-m", "node"});
        if (s.records == 0) {
            EXPECT_EQ(nodes.exit_code, 21) << "round " << round << ": " << nodes.err;
        } else {
            ASSERT_TRUE(nodes.ok()) << "round " << round << ": " << nodes.err;
            EXPECT_EQ(static_cast<std::size_t>(std::count(nodes.out.begin(), nodes.out.end(), '\n')), s.records);
        }
        if (HasFailure())
            return;
    }
    EXPECT_GT(killed, 0) << "no discovery was interrupted";
    EXPECT_GT(mid_write, 0) << "no kill landed while records were written: nothing was tested";
    RecordProperty("killed", killed);
    RecordProperty("killed_mid_write", mid_write);

    // The next discovery, over whatever the last dead one left, completes
    // the set and sweeps its temporaries.
    auto const again = env.adm(discovery());
    ASSERT_TRUE(again.ok()) << again.err;
    auto const s = inspect();
    EXPECT_EQ(s.records, targets);
    EXPECT_EQ(s.temporaries, 0U);
}

} // namespace
} // namespace iscsi::test
#endif
