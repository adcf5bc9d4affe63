// iscsid under load and under kill -9, on the user-space data path against
// a real tgtd: many iscsiadm processes at once, and a daemon killed while
// logins run. Afterwards the sessions, the loop devices and the database
// must agree, and nothing may be left half-done.
#include "support/iscsid_env.hpp"
#include "support/iscsid_fixture.hpp"
#include "support/isolation.hpp"
#include "support/subprocess.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#if defined(ISCSID_BIN) && defined(ISCSI_FUSE_BIN)
namespace iscsi::test {
namespace {

using namespace std::chrono_literals;
constexpr int targets = 5;

std::string target_name(int i) { return "iqn.2026-12.org.example.test:fault" + std::to_string(i); }

std::size_t count_lines(std::string const& text, std::string const& needle)
{
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find(needle, at)) != std::string::npos; at += needle.size())
        ++n;
    return n;
}

std::vector<target_config> fault_targets()
{
    std::vector<target_config> v;
    for (int i = 0; i < targets; ++i)
        v.push_back({.iqn = target_name(i), .size_mib = 8});
    return v;
}

class IscsidFaults : public iscsid_with_tgtd {
protected:
    IscsidFaults() : iscsid_with_tgtd({ISCSID_BIN, ISCSIADM_BIN, ISCSI_FUSE_BIN}, fault_targets()) {}

    /// One line per session in `-m session`, after a bounded wait for iscsid.
    std::string sessions() const
    {
        for (int i = 0; i < 100 && !env.adm({"-m", "session"}).ok(); ++i)
            std::this_thread::sleep_for(20ms);
        return env.adm({"-m", "session"}).out;
    }
};

TEST_F(IscsidFaults, FiftyConcurrentLoginsGiveOneSessionPerNode)
{
    // Ten iscsiadm processes per node, all at once: one logs in, the others
    // are told the session exists (15), as docs/compat.md says.
    std::vector<child_process> logins;
    for (int k = 0; k < 50; ++k) {
        std::string error;
        auto const log = env.dir() / ("adm-" + std::to_string(k) + ".log");
        logins.push_back(child_process::spawn({ISCSIADM_BIN, "-m", "node", "-T", target_name(k % targets), "-p",
                                               tgt.portal().to_string(), "--login"},
                                              log, error));
        ASSERT_TRUE(logins.back().started()) << error;
    }
    int ok = 0;
    for (auto& p : logins) {
        auto const code = p.wait_for_exit(60s);
        ASSERT_TRUE(code.has_value()) << "an iscsiadm login hung";
        EXPECT_TRUE(*code == 0 || *code == 15) << "exit " << *code;
        ok += *code == 0;
    }
    EXPECT_EQ(ok, targets);
    auto const listed = sessions();
    EXPECT_EQ(count_lines(listed, "user: ["), static_cast<std::size_t>(targets)) << listed;
    for (int i = 0; i < targets; ++i)
        EXPECT_EQ(count_lines(listed, target_name(i) + " (non-flash)"), 1U) << listed;
    auto const out = env.adm({"-m", "node", "-U", "all"});
    EXPECT_TRUE(out.ok()) << out.err;
    EXPECT_EQ(env.adm({"-m", "session"}).exit_code, 21) << "sessions left after logging out of all";
}

TEST_F(IscsidFaults, KillNineDuringLoginsLeavesNothingHalfDone)
{
    std::string error;
    auto all = child_process::spawn({ISCSIADM_BIN, "-m", "node", "-L", "all"}, env.dir() / "login-all.log", error);
    ASSERT_TRUE(all.started()) << error;
    // Kill iscsid once the first session is up and others are under way.
    for (int i = 0; i < 500 && env.adm({"-m", "session"}).exit_code != 0; ++i)
        std::this_thread::sleep_for(5ms);
    env.kill();
    auto const code = all.wait_for_exit(30s);
    ASSERT_TRUE(code.has_value()) << "iscsiadm hung when iscsid died";

    // A new iscsid adopts what survived; logging in to all again completes
    // the set without a second session for any node.
    ASSERT_TRUE(env.start("iscsid2.log"));
    auto const again = env.adm({"-m", "node", "-L", "all"});
    EXPECT_TRUE(again.exit_code == 0 || again.exit_code == 15) << again.out << again.err << env.log();
    auto const listed = sessions();
    for (int i = 0; i < targets; ++i)
        EXPECT_EQ(count_lines(listed, target_name(i) + " (non-flash)"), 1U) << listed << env.log();
    // The records are whole: every node lists, and each still shows.
    auto const nodes = env.adm({"-m", "node"});
    ASSERT_TRUE(nodes.ok()) << nodes.err;
    EXPECT_EQ(count_lines(nodes.out, "\n"), static_cast<std::size_t>(targets)) << nodes.out;
    for (int i = 0; i < targets; ++i)
        EXPECT_TRUE(env.adm({"-m", "node", "-T", target_name(i)}).ok());
    auto const out = env.adm({"-m", "node", "-U", "all"});
    EXPECT_TRUE(out.ok()) << out.err << env.log();
    EXPECT_EQ(env.adm({"-m", "session"}).exit_code, 21);
}

} // namespace
} // namespace iscsi::test
#endif
