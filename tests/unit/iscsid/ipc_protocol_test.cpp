#include "ipc_protocol.hpp"

#include <gtest/gtest.h>

namespace iscsid {
namespace {

TEST(IpcProtocol, LoginRequestRoundTrips)
{
    ipc_message m;
    m.add("op", "login").add("target", "iqn.2026-12.org.example:disk").add("port", 3260);
    std::string wire = encode(m);
    EXPECT_EQ(wire, "iscsid-ipc 1\nop=login\ntarget=iqn.2026-12.org.example:disk\nport=3260\n\n");
    auto back = parse(wire);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->get("op"), "login");
    EXPECT_EQ(back->get_int("port"), 3260);
    EXPECT_EQ(back->get("absent"), std::nullopt);
}

TEST(IpcProtocol, RepeatedKeysAreAListAndValuesMayHoldEquals)
{
    auto m = parse("iscsid-ipc 1\nsession=1 a=b\nsession=2\n\n");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->all("session"), (std::vector<std::string>{"1 a=b", "2"}));
}

TEST(IpcProtocol, NewlinesInValuesCannotForgeLines)
{
    ipc_message m;
    m.add("message", "bad\nop=logout\n\n");
    auto back = parse(encode(m));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->all("op").size(), 0U);
    EXPECT_EQ(back->get("message"), "bad op=logout  ");
}

TEST(IpcProtocol, MessageLengthFindsTheEndOfTheFirstMessage)
{
    std::string two = "iscsid-ipc 1\nop=a\n\niscsid-ipc 1\n";
    EXPECT_EQ(message_length(two), 19U);
    EXPECT_EQ(message_length("iscsid-ipc 1\nop=a\n"), std::nullopt);
}

TEST(IpcProtocol, RejectsWhatIsNotOurs)
{
    EXPECT_EQ(parse("GET / HTTP/1.0\n\n").error(), make_error_code(ipc_errc::bad_magic));
    EXPECT_EQ(parse("iscsid-ipc x\n\n").error(), make_error_code(ipc_errc::bad_magic));
    EXPECT_EQ(parse("iscsid-ipc 2\nop=a\n\n").error(), make_error_code(ipc_errc::newer_version));
    EXPECT_EQ(parse("iscsid-ipc 1\nno equals sign\n\n").error(), make_error_code(ipc_errc::bad_line));
    EXPECT_EQ(parse("iscsid-ipc 1\nOp=a\n\n").error(), make_error_code(ipc_errc::bad_line));
    EXPECT_EQ(parse("iscsid-ipc 1\nop=a\n").error(), make_error_code(ipc_errc::incomplete));
    EXPECT_EQ(parse(std::string(ipc_max_message + 1, 'x')).error(), make_error_code(ipc_errc::too_large));
}

TEST(IpcProtocol, EverySplitOfAMessageIsIncompleteUntilItsEnd)
{
    std::string wire = "iscsid-ipc 1\nop=login\ntarget=t\n\n";
    for (std::size_t n = 0; n < wire.size(); ++n)
        EXPECT_EQ(message_length(std::string_view(wire).substr(0, n)), std::nullopt) << n;
    EXPECT_EQ(message_length(wire), wire.size());
}

} // namespace
} // namespace iscsid
