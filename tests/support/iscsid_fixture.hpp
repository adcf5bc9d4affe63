#pragma once
// The set-up integration tests of iscsid share: a real tgtd with some
// targets, discovered into iscsid_env's private database, and our iscsid
// started on it (user-space data path on a machine without iscsi_tcp).
// TearDown logs out of every session and stops iscsid by PID.
//
//   class IscsidSomething : public iscsid_with_tgtd {
//   protected:
//       IscsidSomething() : iscsid_with_tgtd(programs, {{.iqn = "iqn...", .size_mib = 8}}) {}
//   };
#include "support/iscsid_env.hpp"
#include "support/isolation.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace iscsi::test {

class iscsid_with_tgtd : public isolated_test {
protected:
    iscsid_with_tgtd(iscsid_programs programs, std::vector<target_config> targets)
        : env{{.programs = std::move(programs)}}, targets_(std::move(targets))
    {
    }

    void SetUp() override
    {
        isolated_test::SetUp();
        ASSERT_TRUE(tgt.start());
        for (auto const& t : targets_)
            ASSERT_TRUE(tgt.add_target(t));
        ASSERT_TRUE(env.prepare());
        auto r = adm({"-m", "discovery", "-t", "sendtargets", "-p", tgt.portal().to_string()});
        ASSERT_TRUE(r.ok()) << r.err;
        ASSERT_TRUE(env.start());
    }
    void TearDown() override
    {
        (void)adm({"-m", "node", "-U", "all"});
        EXPECT_TRUE(env.stop());
    }
    [[nodiscard]] run_result adm(std::vector<std::string> args) const { return env.adm(std::move(args)); }
    [[nodiscard]] std::string log() const { return env.log(); }

    tgtd_process tgt;
    iscsid_env env;

private:
    std::vector<target_config> targets_;
};

} // namespace iscsi::test
