// iscsi-iname (tools/iscsi-iname) run as a program: it has no library API,
// and its contract is its output and exit status, which package scripts
// rely on when they create initiatorname.iscsi.
#include "support/subprocess.hpp"

#include "iscsi/core/iscsi_name.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#ifndef ISCSI_INAME_BIN
#error "tests/CMakeLists.txt passes the path of the built iscsi-iname"
#endif

namespace {

using iscsi::test::run_program;
using iscsi::test::run_result;

run_result iname(std::vector<std::string> args = {})
{
    args.insert(args.begin(), ISCSI_INAME_BIN);
    return run_program(args);
}

// PREFIX ':' 12 lowercase hex digits, one line.
std::regex const default_name{R"(iqn\.2016-04\.com\.open-iscsi:[0-9a-f]{12}\n)"};

TEST(IscsiIname, PrintsDefaultPrefixAndTwelveHexDigits)
{
    auto const r = iname();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_match(r.out, default_name)) << r.out;
    EXPECT_EQ(r.err, "");
    // What it prints is a valid RFC 7143 name (§4.2.7), newline aside.
    EXPECT_EQ(iscsi::check_iscsi_name(r.out.substr(0, r.out.size() - 1)), iscsi::name_problem::none);
}

TEST(IscsiIname, ThousandRunsGiveThousandNames)
{
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto const r = iname();
        ASSERT_EQ(r.exit_code, 0) << r.err;
        ASSERT_TRUE(std::regex_match(r.out, default_name)) << r.out;
        EXPECT_TRUE(seen.insert(r.out).second) << "repeated: " << r.out;
    }
    EXPECT_EQ(seen.size(), 1000U);
}

TEST(IscsiIname, PrefixOptionShortAndLong)
{
    // Debian's postinst: iscsi-iname -p iqn.1993-08.org.debian:01
    std::regex const debian{R"(iqn\.1993-08\.org\.debian:01:[0-9a-f]{12}\n)"};
    for (auto const& args : std::vector<std::vector<std::string>>{
             {"-p", "iqn.1993-08.org.debian:01"},
             {"-piqn.1993-08.org.debian:01"},
             {"--prefix=iqn.1993-08.org.debian:01"},
             {"--prefix", "iqn.1993-08.org.debian:01"}}) {
        auto const r = iname(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(std::regex_match(r.out, debian)) << args.front() << ": " << r.out;
    }
}

TEST(IscsiIname, GeneratePrintsInitiatorNameLine)
{
    auto const r = iname({"-g", "-p", "iqn.2001-04.com.example"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_match(r.out, std::regex{R"(InitiatorName=iqn\.2001-04\.com\.example:[0-9a-f]{12}\n)"}))
        << r.out;
    auto const long_form = iname({"--generate-iname-prefix"});
    ASSERT_EQ(long_form.exit_code, 0) << long_form.err;
    EXPECT_TRUE(long_form.out.starts_with("InitiatorName=iqn.2016-04.com.open-iscsi:")) << long_form.out;
}

TEST(IscsiIname, LongestPrefixFillsTheNameLimit)
{
    // 210 + ':' + 12 = 223 bytes, RFC 7143 §4.2.7.1's maximum.
    std::string const prefix = "iqn.2016-04." + std::string(198, 'a');
    ASSERT_EQ(prefix.size(), 210U);
    auto const ok = iname({"-p", prefix});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.out.size(), 224U); // with the newline
    auto const too_long = iname({"-p", prefix + "a"});
    EXPECT_EQ(too_long.exit_code, 1);
    EXPECT_EQ(too_long.out, "");
    EXPECT_NE(too_long.err.find("211 bytes"), std::string::npos) << too_long.err;
}

TEST(IscsiIname, InvalidPrefixIsAnErrorThatSaysWhy)
{
    struct bad {
        std::string prefix, why;
    };
    for (auto const& b : std::vector<bad>{{"", "empty"},
                                          {"foo", "must be an iqn. name"},
                                          {"iqn.2016", "date"},
                                          {"iqn.2016-04.com.ex_ample", "only letters, digits"},
                                          {"eui.0123456789abcdef", "cannot take a suffix"}}) {
        auto const r = iname({"-p", b.prefix});
        EXPECT_EQ(r.exit_code, 1) << b.prefix;
        EXPECT_EQ(r.out, "") << b.prefix;
        EXPECT_NE(r.err.find("invalid prefix '" + b.prefix + "'"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(b.why), std::string::npos) << r.err;
    }
}

TEST(IscsiIname, UsageErrorsExitOne)
{
    for (auto const& args : std::vector<std::vector<std::string>>{{"-x"}, {"-p"}, {"stray"}}) {
        auto const r = iname(args);
        EXPECT_EQ(r.exit_code, 1) << args.front();
        EXPECT_EQ(r.out, "") << args.front();
        EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
    }
}

TEST(IscsiIname, HelpExitsZero)
{
    for (auto const* flag : {"-h", "--help"}) {
        auto const r = iname({flag});
        EXPECT_EQ(r.exit_code, 0) << flag;
        EXPECT_TRUE(r.out.starts_with("Usage: iscsi-iname")) << r.out;
    }
}

} // namespace
