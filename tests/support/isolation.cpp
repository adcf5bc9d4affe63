#include "isolation.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <net/if.h>
#include <sstream>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace iscsi::test {
namespace {

constexpr char const* how_to_run =
    "Integration tests start real iSCSI targets and must run in a private network and "
    "mount namespace. Run them through scripts/in-netns, e.g. "
    "`scripts/in-netns ctest --test-dir build -L integration` (scripts/test does this).";

// /proc/self/net/dev lists the interfaces of *this* process's network
// namespace (unlike /sys/class/net, which shows the namespace sysfs was
// mounted in).
std::vector<std::string> interface_names() {
    std::vector<std::string> names;
    std::ifstream in{"/proc/self/net/dev"};
    std::string line;
    while (std::getline(in, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;  // the two header lines have no ':'
        }
        auto first = line.find_first_not_of(' ');
        names.push_back(line.substr(first, colon - first));
    }
    return names;
}

bool loopback_is_up() {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    ifreq req{};
    std::string const lo = "lo";
    lo.copy(req.ifr_name, lo.size());
    bool up = ::ioctl(fd, SIOCGIFFLAGS, &req) == 0 && (req.ifr_flags & IFF_UP) != 0;
    ::close(fd);
    return up;
}

// True when /run/tgtd is a tmpfs mount point in this mount namespace: the
// machine's own /run/tgtd (if any) is then hidden from tgtd and tgtadm.
bool run_tgtd_is_private_tmpfs() {
    std::ifstream in{"/proc/self/mountinfo"};
    std::string line;
    while (std::getline(in, line)) {
        // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw"
        std::istringstream fields{line};
        std::string id, parent, dev, root, mount_point;
        fields >> id >> parent >> dev >> root >> mount_point;
        auto dash = line.find(" - ");
        if (mount_point != "/run/tgtd" || dash == std::string::npos) {
            continue;
        }
        std::istringstream tail{line.substr(dash + 3)};
        std::string fstype;
        tail >> fstype;
        if (fstype == "tmpfs") {
            return true;
        }
    }
    return false;
}

}  // namespace

::testing::AssertionResult check_isolation() {
    std::string problems;
    auto names = interface_names();
    if (names != std::vector<std::string>{"lo"}) {
        std::string list;
        for (auto const& n : names) {
            list += (list.empty() ? "" : ", ") + n;
        }
        problems += " This network namespace has interfaces [" + list + "]; only lo is allowed.";
    } else if (!loopback_is_up()) {
        problems += " The loopback interface is down (`ip link set lo up`).";
    }
    if (!run_tgtd_is_private_tmpfs()) {
        problems += " /run/tgtd is not a private tmpfs mount in this mount namespace.";
    }
    if (problems.empty()) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << how_to_run << problems;
}

void isolated_test::SetUp() { ASSERT_TRUE(check_isolation()); }

temp_dir::temp_dir() {
    namespace fs = std::filesystem;
    fs::path base = "/tmp";
    if (char const* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') {
        base = tmp;
    }
    std::string name = "iscsi-test";
    if (auto const* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
        name += std::string{"-"} + info->test_suite_name() + "." + info->name();
    }
    for (char& c : name) {  // parameterised names contain '/'
        if (c == '/') {
            c = '_';
        }
    }
    // Sockets live in this directory, and a Unix socket path has at most
    // 107 bytes: a long test name is cut (the suffix keeps it unique).
    constexpr std::size_t max_name = 60;
    if (name.size() > max_name) {
        name.resize(max_name);
    }
    std::string templ = (base / (name + "-XXXXXX")).string();
    if (::mkdtemp(templ.data()) == nullptr) {
        ADD_FAILURE() << "mkdtemp(" << templ << ") failed: "
                      << std::error_code{errno, std::generic_category()}.message();
        return;
    }
    path_ = templ;
}

temp_dir::~temp_dir() {
    if (path_.empty()) {
        return;
    }
    char const* keep = std::getenv("ISCSI_TEST_KEEP_TMP");
    auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
    bool failed = info != nullptr && info->result() != nullptr && info->result()->Failed();
    if (failed || (keep != nullptr && std::string{keep} == "1")) {
        std::cerr << "[ harness  ] kept " << path_.string() << " (logs and target configuration)\n";
        return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace iscsi::test
