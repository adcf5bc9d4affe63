// open-iscsi's command line, parsed: the spellings scripts use.
#include "cli.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace iscsiadm {
namespace {

parse_outcome parse(std::vector<std::string> args)
{
    args.insert(args.begin(), "iscsiadm");
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

options parsed(std::vector<std::string> args)
{
    auto r = parse(std::move(args));
    EXPECT_TRUE(std::holds_alternative<options>(r));
    return std::holds_alternative<options>(r) ? std::get<options>(r) : options{};
}

exit_code failed(std::vector<std::string> args)
{
    ::testing::internal::CaptureStderr();
    auto r = parse(std::move(args));
    ::testing::internal::GetCapturedStderr();
    return std::holds_alternative<exit_code>(r) ? std::get<exit_code>(r) : exit_code::success;
}

TEST(Cli, KubernetesCsiLoginLine)
{
    // What csi-lib-iscsi runs to log in.
    auto const o = parsed({"-m", "node", "-T", "iqn.2026-11.test:t1", "-p", "127.0.0.1:3260", "-I", "default",
                           "--login"});
    EXPECT_EQ(o.mode, run_mode::node);
    EXPECT_EQ(o.target, "iqn.2026-11.test:t1");
    EXPECT_EQ(o.portal, "127.0.0.1:3260");
    EXPECT_EQ(o.ifaces, std::vector<std::string>{"default"});
    EXPECT_TRUE(o.login);
}

TEST(Cli, AttachedAndLongFormsAndRepeats)
{
    auto const o = parsed({"-mnode", "--targetname=iqn.x:y", "-P1", "-o", "update", "-n", "node.startup", "-v",
                           "automatic", "-n", "node.session.cmds_max", "-v", "64"});
    EXPECT_EQ(o.mode, run_mode::node);
    EXPECT_EQ(o.target, "iqn.x:y");
    EXPECT_EQ(o.print_level, 1);
    EXPECT_EQ(o.names, (std::vector<std::string>{"node.startup", "node.session.cmds_max"}));
    EXPECT_EQ(o.values, (std::vector<std::string>{"automatic", "64"}));
    auto const d = parsed({"-m", "discovery", "-t", "st", "-p", "10.0.0.1", "-o", "new", "-o", "delete"});
    EXPECT_EQ(d.ops, (std::vector<std::string>{"new", "delete"}));
}

TEST(Cli, UsageErrorsExitWithInvalidParameter)
{
    EXPECT_EQ(failed({}), exit_code::invalid);
    EXPECT_EQ(failed({"-m", "bogus"}), exit_code::invalid);
    EXPECT_EQ(failed({"--bogus"}), exit_code::invalid);
    EXPECT_EQ(failed({"-m", "node", "-P"}), exit_code::invalid);
    EXPECT_EQ(failed({"-m", "node", "-t", "st"}), exit_code::invalid);   // -t is not a node option
    EXPECT_EQ(failed({"-m", "iface", "-T", "iqn.x:y"}), exit_code::invalid);
    EXPECT_EQ(failed({"-m", "node", "--format", "yaml"}), exit_code::invalid);
}

TEST(Cli, HelpAndVersionSucceed)
{
    ::testing::internal::CaptureStdout();
    EXPECT_EQ(std::get<exit_code>(parse({"--version"})), exit_code::success);
    EXPECT_EQ(::testing::internal::GetCapturedStdout(), "iscsiadm version 2.1.8\n");
    ::testing::internal::CaptureStdout();
    EXPECT_EQ(std::get<exit_code>(parse({"-h"})), exit_code::success);
    EXPECT_NE(::testing::internal::GetCapturedStdout().find("-m node"), std::string::npos);
}

TEST(Cli, JsonFormat)
{
    EXPECT_EQ(parsed({"-m", "node", "--format", "json"}).format, output_format::json);
    EXPECT_EQ(parsed({"-m", "node"}).format, output_format::text);
}

} // namespace
} // namespace iscsiadm
