#pragma once
// Guards for tests that start real targets: they must never touch a real
// network or the machine's own target/initiator state.

#include <filesystem>
#include <gtest/gtest.h>

namespace iscsi::test {

/**
 * Succeeds only when this process runs where real targets are safe to start:
 *  - in a private network namespace whose only interface is `lo`, and `lo`
 *    is up (so nothing a test connects to, not even a redirect or a
 *    SendTargets answer, can leave the machine);
 *  - with a private tmpfs mounted on /run/tgtd (tgtd's control sockets), so
 *    the machine's own tgtd is neither seen nor disturbed.
 * scripts/in-netns sets both up. The failure message says how to run.
 */
::testing::AssertionResult check_isolation();

/**
 * A fixture base for tests that start tgtd or istgt: SetUp() fails the test
 * (never skips it) when check_isolation() fails.
 */
class isolated_test : public ::testing::Test {
protected:
    void SetUp() override;
};

/**
 * A per-test temporary directory, named after the running test
 * (/tmp/iscsi-test-<Suite>.<Test>-XXXXXX, or under $TMPDIR; the name cut
 * at 60 characters so that socket paths inside stay within sun_path). Removed by the
 * destructor unless the test has failed or ISCSI_TEST_KEEP_TMP=1 is set; a
 * kept directory is named in the test output so its logs can be read.
 */
class temp_dir {
public:
    temp_dir();
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;
    ~temp_dir();

    /// Empty if creation failed (and a test failure was recorded).
    [[nodiscard]] std::filesystem::path const& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace iscsi::test
