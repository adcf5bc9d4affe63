// The login tests against istgt, a second, independent target implementation.
#include "iscsi/auth/errors.hpp"
#include "iscsi/login/errors.hpp"
#include "support/initiator_client.hpp"
#include "support/target_process.hpp"

#include <gtest/gtest.h>

namespace iscsi::test {
namespace {

constexpr char const* disk = "iqn.2026-11.org.example.test:istgt-disk";
constexpr char const* chap_disk = "iqn.2026-11.org.example.test:istgt-chap";
constexpr char const* mutual_disk = "iqn.2026-11.org.example.test:istgt-mutual";

class IstgtLogin : public isolated_test {
protected:
    void SetUp() override
    {
        isolated_test::SetUp();
        istgt_options o;
        o.targets.push_back({.iqn = disk, .size_mib = 16});
        o.targets.push_back({.iqn = chap_disk, .size_mib = 8, .chap = chap_config{{"carol", "carol-secret-1"}}});
        o.targets.push_back({.iqn = mutual_disk,
                             .size_mib = 8,
                             .chap = chap_config{{"dave", "dave-secret-12"}, chap_secret{"istgt", "istgt-secret-9"}}});
        target = std::make_unique<istgt_process>(std::move(o));
        ASSERT_TRUE(target->start());
    }

    std::unique_ptr<istgt_process> target;
    initiator_client client;
};

TEST_F(IstgtLogin, DiscoveryFindsAllTargets)
{
    auto targets = client.discover(target->portal());
    ASSERT_TRUE(targets) << client.diag.message;
    EXPECT_EQ(targets->size(), 3U);
}

TEST_F(IstgtLogin, NoAuthenticationThenWriteReadVerifyLogout)
{
    ASSERT_FALSE(client.login(target->portal(), login_to(disk))) << client.diag.message;
    EXPECT_TRUE(client.write_read_verify(istgt_process::disk_lun, 0, 128));
    EXPECT_TRUE(client.write_read_verify(istgt_process::disk_lun, 512, 2048));
    EXPECT_FALSE(client.logout()) << client.diag.message;
}

TEST_F(IstgtLogin, ChapMd5)
{
    ASSERT_FALSE(client.login(target->portal(), login_to(chap_disk, chap("carol", "carol-secret-1"))))
        << client.diag.message;
    EXPECT_TRUE(client.session().login_info().authenticated);
    EXPECT_TRUE(client.write_read_verify(istgt_process::disk_lun, 0, 16));
    auto ec = client.logout();
    EXPECT_FALSE(ec) << ec.message() << ": " << client.diag.message;
}

TEST_F(IstgtLogin, MutualChap)
{
    auto creds = chap("dave", "dave-secret-12", std::pair<std::string, std::string>{"istgt", "istgt-secret-9"});
    ASSERT_FALSE(client.login(target->portal(), login_to(mutual_disk, creds))) << client.diag.message;
    EXPECT_TRUE(client.session().login_info().mutual);
    auto ec = client.logout();
    EXPECT_FALSE(ec) << ec.message() << ": " << client.diag.message;
}

TEST_F(IstgtLogin, WrongSecretIsAnAuthorizationFailure)
{
    auto ec = client.login(target->portal(), login_to(chap_disk, chap("carol", "wrong-secret-99")));
    EXPECT_EQ(ec, login::status::authentication_failure) << ec.message();
}

TEST_F(IstgtLogin, TargetWithWrongMutualSecretFailsAuthentication)
{
    auto creds = chap("dave", "dave-secret-12", std::pair<std::string, std::string>{"istgt", "not-istgt-secret"});
    auto ec = client.login(target->portal(), login_to(mutual_disk, creds));
    ASSERT_TRUE(ec);
    EXPECT_EQ(ec.category(), auth::auth_category()) << ec.message();
}

TEST_F(IstgtLogin, UnknownTargetNameIsTargetNotFound)
{
    auto ec = client.login(target->portal(), login_to("iqn.2026-11.org.example.test:none"));
    EXPECT_EQ(ec, login::status::not_found) << ec.message();
}

TEST_F(IstgtLogin, Crc32cDigests)
{
    auto p = login_to(disk);
    p.offer.header_digest = {text::digest::crc32c, text::digest::none};
    p.offer.data_digest = {text::digest::crc32c, text::digest::none};
    ASSERT_FALSE(client.login(target->portal(), p)) << client.diag.message;
    auto const& params = client.session().login_info().params;
    // istgt accepts CRC32C when offered first (its default is "Auto").
    EXPECT_EQ(params.header_digest, text::digest::crc32c);
    EXPECT_TRUE(client.write_read_verify(istgt_process::disk_lun, 0, 512));
    EXPECT_FALSE(client.logout());
}

} // namespace
} // namespace iscsi::test
