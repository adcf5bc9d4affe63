// docs/security.md's promises, with real parts. Where CHAP secrets may and
// may not go:
// tgtd with mutual CHAP on loopback, our iscsid at its highest debug level
// (-d 8) on the user-space data path, and iscsiadm. A login that works, one
// with a wrong secret and one with a short secret; afterwards no secret is
// in iscsid's log, in iscsiadm's output or in any file but the 0600 record
// and the 0600 files iscsid hands to iscsi-fuse. And iscsid with only the
// capabilities docs/security.md lists for the user-space data path.
#include "support/iscsid_env.hpp"
#include "support/isolation.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>

#if defined(ISCSID_BIN) && defined(ISCSI_FUSE_BIN)
namespace iscsi::test {
namespace {

namespace fs = std::filesystem;
constexpr char const* iqn = "iqn.2026-12.org.example.test:secrets";
constexpr char const* initiator_secret = "initiator-secret-0001";
constexpr char const* target_secret = "target-secret-0002";
constexpr char const* wrong_secret = "wrong-secret-0003";
constexpr char const* short_secret = "sh0rt1";

std::string read_all(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

class Secrets : public isolated_test {
protected:
    tgtd_process tgt;
    iscsid_env env{{.programs = {ISCSID_BIN, ISCSIADM_BIN, ISCSI_FUSE_BIN}, .iscsid_args = {"-d", "8"}}};
    std::string seen; ///< everything iscsiadm printed

    run_result adm(std::vector<std::string> args)
    {
        auto r = env.adm(std::move(args));
        seen += r.out + r.err;
        return r;
    }
    run_result set(std::string const& key, std::string const& value)
    {
        return adm({"-m", "node", "-T", iqn, "-p", tgt.portal().to_string(), "-o", "update", "-n", key, "-v", value});
    }
    run_result login() { return adm({"-m", "node", "-T", iqn, "-p", tgt.portal().to_string(), "--login"}); }
};

TEST_F(Secrets, NoSecretReachesALogOrAnOutputAtTheHighestDebugLevel)
{
    ASSERT_TRUE(tgt.start());
    ASSERT_TRUE(tgt.add_target(
        {.iqn = iqn, .size_mib = 16, .chap = chap_config{{"alice", initiator_secret}, chap_secret{"tgt", target_secret}}}));
    ASSERT_TRUE(env.prepare());
    ASSERT_TRUE(adm({"-m", "discovery", "-t", "sendtargets", "-p", tgt.portal().to_string()}).ok());
    ASSERT_TRUE(env.start());
    ASSERT_TRUE(set("node.session.auth.authmethod", "CHAP").ok());
    ASSERT_TRUE(set("node.session.auth.username", "alice").ok());
    ASSERT_TRUE(set("node.session.auth.password", initiator_secret).ok());
    ASSERT_TRUE(set("node.session.auth.username_in", "tgt").ok());
    ASSERT_TRUE(set("node.session.auth.password_in", target_secret).ok());

    // Mutual CHAP both ways, then every view of the session and the record.
    auto in = login();
    ASSERT_TRUE(in.ok()) << in.out << in.err << env.log();
    for (auto const* p : {"0", "1", "2", "3"})
        EXPECT_TRUE(adm({"-m", "session", "-P", p}).ok());
    EXPECT_TRUE(adm({"-m", "node", "-T", iqn}).ok());
    EXPECT_TRUE(adm({"-m", "node", "-T", iqn, "--format", "json"}).ok());
    EXPECT_TRUE(adm({"-m", "node", "-U", "all"}).ok());

    // A wrong secret: the target refuses us (24), and says nothing of it.
    ASSERT_TRUE(set("node.session.auth.password", wrong_secret).ok());
    EXPECT_EQ(login().exit_code, 24);
    // A short one: warned about by key and length, in iscsiadm and iscsid.
    auto const short_set = set("node.session.auth.password", short_secret);
    EXPECT_NE(short_set.err.find("node.session.auth.password is 6 bytes long"), std::string::npos) << short_set.err;
    EXPECT_EQ(login().exit_code, 24);
    EXPECT_NE(env.log().find("warning: node.session.auth.password is 6 bytes long"), std::string::npos) << env.log();
    ASSERT_TRUE(env.stop());

    std::array const secrets{initiator_secret, target_secret, wrong_secret, short_secret};
    auto const log = env.log();
    for (auto const* s : secrets) {
        EXPECT_EQ(log.find(s), std::string::npos) << s << " is in iscsid's log";
        EXPECT_EQ(seen.find(s), std::string::npos) << s << " is in iscsiadm's output";
    }
    // Files: the record database (etc/) holds secrets by design, and so do
    // the files iscsid gives iscsi-fuse; each of those is owner-only.
    for (auto const& e : fs::recursive_directory_iterator(env.dir())) {
        if (!e.is_regular_file())
            continue;
        auto const name = e.path().filename().string();
        bool const holder = e.path().string().starts_with((env.dir() / "etc").string()) || name == "chap" ||
                            name == "chap_in";
        auto const text = read_all(e.path());
        bool has_secret = false;
        for (auto const* s : secrets)
            has_secret |= text.find(s) != std::string::npos;
        if (holder) {
            struct stat st {};
            ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
            if (has_secret) {
                EXPECT_EQ(st.st_mode & 0777, 0600U) << e.path();
            }
        } else {
            EXPECT_FALSE(has_secret) << e.path() << " holds a secret";
        }
    }
}

/// Bit N of a /proc/PID/status capability mask line ("CapEff:\t...").
std::uint64_t capability_mask(pid_t pid, std::string const& line)
{
    auto const status = read_all("/proc/" + std::to_string(pid) + "/status");
    auto const at = status.find(line + ":\t");
    return at == std::string::npos ? ~0ULL : std::stoull(status.substr(at + line.size() + 2, 16), nullptr, 16);
}

class ReducedCapabilities : public isolated_test {};

TEST_F(ReducedCapabilities, TheUserSpaceDataPathNeedsOnlyCapSysAdmin)
{
    // Root, but with the bounding set cut to CAP_SYS_ADMIN (FUSE mounts and
    // loop devices): what `CapabilityBoundingSet=CAP_SYS_ADMIN` gives a unit.
    constexpr char const* target = "iqn.2026-12.org.example.test:caps";
    tgtd_process tgt;
    ASSERT_TRUE(tgt.start());
    ASSERT_TRUE(tgt.add_target({.iqn = target, .size_mib = 16}));
    iscsid_env env{{.programs = {ISCSID_BIN, ISCSIADM_BIN, ISCSI_FUSE_BIN},
                    .launcher = {"setpriv", "--bounding-set=-all,+sys_admin", "--inh-caps=-all"}}};
    ASSERT_TRUE(env.prepare());
    ASSERT_TRUE(env.adm({"-m", "discovery", "-t", "sendtargets", "-p", tgt.portal().to_string()}).ok());
    ASSERT_TRUE(env.start());
    constexpr std::uint64_t cap_sys_admin = 1ULL << 21;
    pid_t const pid = env.pid();
    ASSERT_GT(pid, 0);
    EXPECT_EQ(capability_mask(pid, "CapEff"), cap_sys_admin);
    EXPECT_EQ(capability_mask(pid, "CapBnd"), cap_sys_admin);

    auto in = env.adm({"-m", "node", "-T", target, "-p", tgt.portal().to_string(), "--login", "--wait-devices"});
    ASSERT_TRUE(in.ok()) << in.out << in.err << env.log();
    auto sessions = env.adm({"-m", "session"});
    EXPECT_NE(sessions.out.find("user: [100001]"), std::string::npos) << sessions.out;
    auto out = env.adm({"-m", "node", "-U", "all"});
    EXPECT_TRUE(out.ok()) << out.err << env.log();
    EXPECT_TRUE(env.stop());
}

} // namespace
} // namespace iscsi::test
#endif
