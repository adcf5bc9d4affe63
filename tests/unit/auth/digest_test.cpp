#include "iscsi/auth/digest.hpp"

#include "iscsi/auth/binary_value.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <string>

namespace {

using iscsi::auth::chap_digest;
using iscsi::auth::digest_size;
using iscsi::auth::encode_hex;
using iscsi::auth::hash_function;
using iscsi::auth::secret;

std::array<std::byte, 16> counting_challenge()
{
    std::array<std::byte, 16> c{};
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<std::byte>(i);
    return c;
}

struct known_answer {
    hash_function hash;
    char const* openssl_name;
    char const* expected; // computed independently with Python's hashlib
};

class ChapDigestKnownAnswer : public testing::TestWithParam<known_answer> {};

// RFC 1994 §4.1: Response = H(Identifier || secret || Challenge).
// Vector: id 0x2a, secret "initiator-secret", challenge 00 01 .. 0f.
TEST_P(ChapDigestKnownAnswer, MatchesPublishedValue)
{
    auto const& p = GetParam();
    auto const challenge = counting_challenge();
    auto r = chap_digest(p.hash, 0x2a, secret("initiator-secret"), challenge);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->size(), digest_size(p.hash));
    EXPECT_EQ(encode_hex(*r), std::string("0x") + p.expected);
}

// The same response computed with OpenSSL's one-shot API over the
// concatenation, as a second, independent derivation.
TEST_P(ChapDigestKnownAnswer, MatchesOneShotDigestOfConcatenation)
{
    auto const& p = GetParam();
    std::string const s = "another secret";
    std::string input(1, '\x07');
    input += s;
    for (auto b : counting_challenge()) input.push_back(static_cast<char>(b));
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    std::size_t len = 0;
    ASSERT_EQ(EVP_Q_digest(nullptr, p.openssl_name, nullptr, input.data(), input.size(), out.data(), &len), 1);

    auto r = chap_digest(p.hash, 7, secret(s), counting_challenge());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), len);
    for (std::size_t i = 0; i < len; ++i) EXPECT_EQ(std::to_integer<unsigned char>((*r)[i]), out[i]) << i;
}

INSTANTIATE_TEST_SUITE_P(
    AllAlgorithms, ChapDigestKnownAnswer,
    testing::Values(known_answer{hash_function::md5, "MD5", "146466a8b34b56526e0619fa9872f517"},
                    known_answer{hash_function::sha1, "SHA1", "8656fe2c8d6474d022f9a59d40527d180e1e9776"},
                    known_answer{hash_function::sha256, "SHA256",
                                 "c44227375bb64ad56d55fa56b9b06a4a43eff4f90ddc9a38d36491a68a948df6"},
                    known_answer{hash_function::sha3_256, "SHA3-256",
                                 "84795c0d3f3d36a02341873be13cced088fa7f19d1e7b5064405e564ad7ff2f0"}));

TEST(ChapDigest, IdentifierIsPartOfTheHash)
{
    auto const c = counting_challenge();
    auto a = chap_digest(hash_function::md5, 1, secret("s3cret-s3cret"), c);
    auto b = chap_digest(hash_function::md5, 2, secret("s3cret-s3cret"), c);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
}

TEST(ChapDigest, Sizes)
{
    EXPECT_EQ(digest_size(hash_function::md5), 16U);
    EXPECT_EQ(digest_size(hash_function::sha1), 20U);
    EXPECT_EQ(digest_size(hash_function::sha256), 32U);
    EXPECT_EQ(digest_size(hash_function::sha3_256), 32U);
}

} // namespace
