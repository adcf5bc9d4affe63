// Proves the real-target harness (tests/support/target_process.hpp): the
// daemons start on a private loopback, are configured as asked (checked
// both through their admin tools and on the wire), and leave nothing behind.
//
// The wire checks send one hand-assembled Login Request (RFC 7143 §11.12)
// and read the Login Response status (§11.13.5). This is deliberately not
// the library's login code: it checks the harness's configuration, so it
// must not depend on what it is later used to test.
#include "support/target_process.hpp"

#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <csignal>
#include <map>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace iscsi::test {
namespace {

constexpr char const* initiator_iqn = "iqn.2024-01.test.harness:initiator";

struct login_reply {
    int status_class = -1;
    int status_detail = -1;
    std::map<std::string, std::string> keys;
};

std::vector<std::uint8_t> login_request(std::vector<std::pair<std::string, std::string>> const& keys) {
    std::string data;
    for (auto const& [k, v] : keys) {
        data += k + "=" + v + '\0';
    }
    std::vector<std::uint8_t> pdu(48, 0);
    pdu[0] = 0x43;  // I bit + opcode 0x03 Login Request
    pdu[1] = 0x81;  // T=1, CSG=0 (SecurityNegotiation), NSG=1
    pdu[5] = static_cast<std::uint8_t>(data.size() >> 16);
    pdu[6] = static_cast<std::uint8_t>(data.size() >> 8);
    pdu[7] = static_cast<std::uint8_t>(data.size());
    std::array<std::uint8_t, 6> const isid{0x80, 0x00, 0x12, 0x34, 0x00, 0x01};  // random format
    std::copy(isid.begin(), isid.end(), pdu.begin() + 8);
    pdu[19] = 1;  // ITT 1; CID 0, CmdSN 0, ExpStatSN 0
    pdu.insert(pdu.end(), data.begin(), data.end());
    pdu.resize((pdu.size() + 3) & ~std::size_t{3}, 0);  // pad to 4 bytes
    return pdu;
}

bool read_exact(int fd, std::uint8_t* p, std::size_t n) {
    while (n > 0) {
        ssize_t got = ::recv(fd, p, n, 0);
        if (got <= 0) {
            return false;
        }
        p += got;
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

// One Login Request in the security stage; returns the target's answer.
login_reply raw_login(portal_address const& to, std::string const& session_type,
                      std::string const& target_name, std::string const& auth_methods) {
    std::vector<std::pair<std::string, std::string>> keys{{"InitiatorName", initiator_iqn},
                                                          {"SessionType", session_type}};
    if (!target_name.empty()) {
        keys.emplace_back("TargetName", target_name);
    }
    keys.emplace_back("AuthMethod", auth_methods);
    login_reply reply;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(to.port);
    ::inet_pton(AF_INET, to.host.c_str(), &sa.sin_addr);
    auto const pdu = login_request(keys);
    std::array<std::uint8_t, 48> bhs{};
    if (::connect(fd, reinterpret_cast<sockaddr const*>(&sa), sizeof sa) == 0 &&  // NOLINT
        ::send(fd, pdu.data(), pdu.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(pdu.size()) &&
        read_exact(fd, bhs.data(), bhs.size()) && bhs[0] == 0x23) {
        std::size_t len = (std::size_t{bhs[5]} << 16) | (std::size_t{bhs[6]} << 8) | bhs[7];
        std::vector<std::uint8_t> data((len + 3) & ~std::size_t{3});
        if (read_exact(fd, data.data(), data.size())) {
            reply.status_class = bhs[36];
            reply.status_detail = bhs[37];
            std::string text(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(len));
            for (std::size_t pos = 0; pos < text.size();) {
                auto end = std::min(text.find('\0', pos), text.size());
                auto pair = text.substr(pos, end - pos);
                if (auto eq = pair.find('='); eq != std::string::npos) {
                    reply.keys[pair.substr(0, eq)] = pair.substr(eq + 1);
                }
                pos = end + 1;
            }
        }
    }
    ::close(fd);
    return reply;
}

bool process_gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

// Runs `body` in a forked child and returns its exit status; lets a test
// change namespaces without changing them for the rest of the test binary.
int in_child(int (*body)()) {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::_exit(body());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

class HarnessTest : public isolated_test {};

TEST_F(HarnessTest, IsolationRefusesAMountNamespaceWithoutPrivateRunTgtd) {
    int rc = in_child([] {
        if (::unshare(CLONE_NEWNS) != 0 || ::umount2("/run/tgtd", MNT_DETACH) != 0) {
            return 2;
        }
        auto r = check_isolation();
        std::string msg = r.message();
        return !r && msg.find("/run/tgtd") != std::string::npos &&
                       msg.find("scripts/in-netns") != std::string::npos
                   ? 0
                   : 1;
    });
    EXPECT_EQ(rc, 0);
}

TEST_F(HarnessTest, IsolationRefusesLoopbackDown) {
    int rc = in_child([] {
        if (::unshare(CLONE_NEWNET) != 0) {  // a fresh namespace: lo exists but is down
            return 2;
        }
        auto r = check_isolation();
        return !r && std::string{r.message()}.find("loopback") != std::string::npos ? 0 : 1;
    });
    EXPECT_EQ(rc, 0);
}

TEST_F(HarnessTest, TgtdStartsServesATargetAndStopsWithoutLeftovers) {
    tgtd_process tgt;
    ASSERT_TRUE(tgt.start());
    ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2024-01.test.harness:disk", .size_mib = 8}));
    ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2024-01.test.harness:null", .size_mib = 0}));

    run_result show = tgt.tgtadm({"--op", "show", "--mode", "target"});
    ASSERT_TRUE(show.ok()) << show.err;
    EXPECT_NE(show.out.find("Target 1: iqn.2024-01.test.harness:disk"), std::string::npos);
    EXPECT_NE(show.out.find("Target 2: iqn.2024-01.test.harness:null"), std::string::npos);
    EXPECT_NE(show.out.find("Backing store type: null"), std::string::npos);
    EXPECT_NE(show.out.find((tgt.dir() / "tgt-tid1-lun1.img").string()), std::string::npos);
    EXPECT_EQ(tgt.tid_of("iqn.2024-01.test.harness:null"), 2);
    EXPECT_TRUE(detail::can_connect(tgt.portal().host, tgt.portal().port));

    login_reply r = raw_login(tgt.portal(), "Normal", "iqn.2024-01.test.harness:disk", "None");
    EXPECT_EQ(r.status_class, 0);
    EXPECT_EQ(r.keys["AuthMethod"], "None");

    pid_t const pid = tgt.pid();
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(tgt.stop());
    EXPECT_TRUE(process_gone(pid));
    EXPECT_FALSE(detail::can_connect(tgt.portal().host, tgt.portal().port));
}

TEST_F(HarnessTest, TgtdDestructorTearsDownATargetWithAnOpenConnection) {
    pid_t pid = -1;
    int held = -1;
    {
        tgtd_process tgt;
        ASSERT_TRUE(tgt.start());
        ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2024-01.test.harness:busy"}));
        pid = tgt.pid();
        held = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(tgt.portal().port);
        ::inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        ASSERT_EQ(::connect(held, reinterpret_cast<sockaddr const*>(&sa), sizeof sa), 0);  // NOLINT
    }
    EXPECT_TRUE(process_gone(pid));
    ::close(held);
}

TEST_F(HarnessTest, TgtadmFailureCarriesItsStderr) {
    tgtd_process tgt;
    ASSERT_TRUE(tgt.start());
    auto r = tgt.tgtadm_ok({"--op", "delete", "--mode", "target", "--tid", "42"});
    EXPECT_FALSE(r);
    EXPECT_NE(std::string{r.message()}.find("can't find the target"), std::string::npos)
        << r.message();
}

TEST_F(HarnessTest, TgtdThatDiedIsReportedByStopWithItsLog) {
    tgtd_process tgt;
    ASSERT_TRUE(tgt.start());
    pid_t const pid = tgt.pid();
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    for (int i = 0; i < 200 && tgt.running(); ++i) {
        ::usleep(10'000);
    }
    auto r = tgt.stop();
    EXPECT_FALSE(r);
    std::string const msg = r.message();
    EXPECT_NE(msg.find("died before stop()"), std::string::npos) << msg;
    EXPECT_NE(msg.find("status 137"), std::string::npos) << msg;  // 128 + SIGKILL
    EXPECT_NE(msg.find("tgtd"), std::string::npos) << msg;         // the log tail
    EXPECT_TRUE(tgt.stop());  // idempotent: nothing left to report
}

TEST_F(HarnessTest, TgtdTargetChapIsEnforcedAndMutualAccountIsBound) {
    tgtd_process tgt;
    ASSERT_TRUE(tgt.start());
    chap_config chap{.initiator = {"alice", "alice-secret-1"}, .target = chap_secret{"tgt", "tgt-secret-12"}};
    ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2024-01.test.harness:chap", .chap = chap}));

    run_result show = tgt.tgtadm({"--op", "show", "--mode", "target"});
    EXPECT_NE(show.out.find("alice"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("tgt (outgoing)"), std::string::npos) << show.out;
    login_reply none = raw_login(tgt.portal(), "Normal", "iqn.2024-01.test.harness:chap", "None");
    EXPECT_EQ(none.status_class, 2);  // initiator error
    EXPECT_EQ(none.status_detail, 1); // authentication failure
    login_reply chap_offer =
        raw_login(tgt.portal(), "Normal", "iqn.2024-01.test.harness:chap", "CHAP,None");
    EXPECT_EQ(chap_offer.status_class, 0);
    EXPECT_EQ(chap_offer.keys["AuthMethod"], "CHAP");
}

TEST_F(HarnessTest, TgtdDiscoveryChapIsEnforced) {
    tgtd_process tgt;
    ASSERT_TRUE(tgt.start());
    ASSERT_TRUE(tgt.add_target({.iqn = "iqn.2024-01.test.harness:open"}));
    EXPECT_EQ(raw_login(tgt.portal(), "Discovery", "", "None").status_class, 0);

    ASSERT_TRUE(tgt.set_discovery_chap({.initiator = {"disco", "disco-secret-1"}}));
    login_reply r = raw_login(tgt.portal(), "Discovery", "", "None");
    EXPECT_EQ(r.status_class, 2);
    EXPECT_EQ(r.status_detail, 1);
    EXPECT_EQ(raw_login(tgt.portal(), "Discovery", "", "CHAP").keys["AuthMethod"], "CHAP");
    // Normal sessions to a target without its own account stay open.
    EXPECT_EQ(raw_login(tgt.portal(), "Normal", "iqn.2024-01.test.harness:open", "None").status_class, 0);
}

TEST_F(HarnessTest, TgtdRedirectsToASecondTgtd) {
    tgtd_process old_home{"127.0.0.1"};
    tgtd_process new_home{"127.0.0.2"};
    ASSERT_TRUE(old_home.start());
    ASSERT_TRUE(new_home.start());
    std::string const iqn = "iqn.2024-01.test.harness:moved";
    ASSERT_TRUE(old_home.add_target({.iqn = iqn}));
    ASSERT_TRUE(new_home.add_target({.iqn = iqn}));

    ASSERT_TRUE(old_home.redirect(iqn, new_home.portal(), redirect_kind::temporary));
    login_reply r = raw_login(old_home.portal(), "Normal", iqn, "None");
    EXPECT_EQ(r.status_class, 1);   // redirection
    EXPECT_EQ(r.status_detail, 1);  // target moved temporarily
    EXPECT_EQ(r.keys["TargetAddress"], new_home.portal().to_string());

    ASSERT_TRUE(old_home.redirect(iqn, new_home.portal(), redirect_kind::permanent));
    EXPECT_EQ(raw_login(old_home.portal(), "Normal", iqn, "None").status_detail, 2);
    EXPECT_EQ(raw_login(new_home.portal(), "Normal", iqn, "None").status_class, 0);
}

TEST_F(HarnessTest, IstgtStartsServesTargetsWithEachAuthModeAndStops) {
    istgt_process ist{{.targets = {
                           {.iqn = "iqn.2024-01.test.harness:ist-open", .size_mib = 8},
                           {.iqn = "iqn.2024-01.test.harness:ist-chap",
                            .chap = chap_config{.initiator = {"bob", "bob-secret-123"}}},
                           {.iqn = "iqn.2024-01.test.harness:ist-mutual",
                            .luns = 2,
                            .chap = chap_config{.initiator = {"carol", "carol-secret-1"},
                                                .target = chap_secret{"ist", "ist-secret-123"}}},
                       },
                       .discovery_chap = chap_config{.initiator = {"disco", "disco-secret-1"}}}};
    ASSERT_TRUE(ist.start());
    EXPECT_TRUE(detail::can_connect(ist.portal().host, ist.portal().port));

    EXPECT_EQ(raw_login(ist.portal(), "Normal", "iqn.2024-01.test.harness:ist-open", "None")
                  .keys["AuthMethod"],
              "None");
    EXPECT_EQ(raw_login(ist.portal(), "Normal", "iqn.2024-01.test.harness:ist-chap", "None")
                  .keys["AuthMethod"],
              "Reject");
    EXPECT_EQ(raw_login(ist.portal(), "Normal", "iqn.2024-01.test.harness:ist-mutual", "CHAP,None")
                  .keys["AuthMethod"],
              "CHAP");
    EXPECT_EQ(raw_login(ist.portal(), "Discovery", "", "None").keys["AuthMethod"], "Reject");

    pid_t const pid = ist.pid();
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(ist.stop());
    EXPECT_TRUE(process_gone(pid));
    EXPECT_FALSE(detail::can_connect(ist.portal().host, ist.portal().port));
}

TEST_F(HarnessTest, IstgtRejectsAConfigItCannotExpress) {
    istgt_process ist{{.targets = {{.iqn = "iqn.2024-01.test.harness:bad",
                                    .chap = chap_config{.initiator = {"quote\"d", "secret-secret"}}}}}};
    auto r = ist.start();
    EXPECT_FALSE(r);
    EXPECT_NE(std::string{r.message()}.find("quotes"), std::string::npos) << r.message();
    EXPECT_FALSE(ist.running());
}

}  // namespace
}  // namespace iscsi::test
