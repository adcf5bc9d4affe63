#include "iscsi/auth/secret.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

namespace {

using iscsi::auth::secret;

template <class T>
concept streamable = requires(std::ostream& os, T const& t) { os << t; };

// Never printable: no operator<<, no implicit conversion to a string.
static_assert(!streamable<secret>);
static_assert(!std::is_convertible_v<secret, std::string>);
static_assert(!std::is_convertible_v<secret, std::string_view>);
static_assert(!std::is_convertible_v<std::string, secret>); // explicit only

TEST(Secret, HoldsTheBytes)
{
    secret const s("abc");
    ASSERT_EQ(s.size(), 3U);
    EXPECT_EQ(s.bytes()[0], std::byte{'a'});
    EXPECT_EQ(s.bytes()[2], std::byte{'c'});
}

TEST(Secret, MovedFromIsEmpty)
{
    secret a("0123456789abcdef");
    secret b(std::move(a));
    EXPECT_TRUE(a.empty()); // NOLINT(bugprone-use-after-move): checking the wipe
    EXPECT_EQ(b.size(), 16U);
    secret c;
    c = std::move(b);
    EXPECT_TRUE(b.empty()); // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(c, secret("0123456789abcdef"));
}

TEST(Secret, CopiesCompareEqual)
{
    secret const a("same-secret");
    secret b;
    b = a;
    EXPECT_EQ(a, b);
    EXPECT_FALSE(a == secret("same-secreT"));
    EXPECT_FALSE(a == secret("same-secret-longer"));
    EXPECT_EQ(secret(), secret(""));
}

} // namespace
