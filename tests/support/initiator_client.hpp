#pragma once
// A blocking front end to libinitiator's Asio client for integration tests:
// discovery, login, SCSI commands and logout as plain calls, each bounded by
// a timeout so a misbehaving target fails the test instead of hanging it.
#include "iscsi/auth/chap.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/scsi/capacity.hpp"
#include "iscsi/scsi/cdb.hpp"
#include "iscsi/transport/blocking.hpp"
#include "iscsi/transport/client_session.hpp"
#include "support/target_process.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace iscsi::test {

inline constexpr char const* test_initiator = "iqn.2026-11.org.example.test:initiator";

inline discovery::portal to_portal(portal_address const& p) { return {p.host, p.port, std::nullopt}; }

inline auth::chap_config chap(std::string user, std::string secret,
                              std::optional<std::pair<std::string, std::string>> mutual = std::nullopt)
{
    auth::chap_config c;
    c.initiator = {std::move(user), auth::secret(secret)};
    if (mutual) c.target = auth::chap_credentials{mutual->first, auth::secret(mutual->second)};
    return c;
}

inline login::login_params login_to(std::string target, std::optional<auth::chap_config> c = std::nullopt)
{
    login::login_params p;
    p.initiator_name = test_initiator;
    p.target_name = std::move(target);
    static std::uint16_t qualifier = 0;
    p.isid_ = isid::random_format(0x3d0001, ++qualifier);
    p.chap = std::move(c);
    p.login_timeout = std::chrono::seconds(10);
    return p;
}

class initiator_client {
public:
    result<std::vector<discovery::target_record>> discover(portal_address const& at,
                                                           std::optional<auth::chap_config> c = std::nullopt)
    {
        diag.clear();
        auto params = login_to("", std::move(c));
        params.login_timeout = discovery_login_timeout;
        return transport::run_blocking(
            io_, transport::discover_sendtargets(io_.get_executor(), to_portal(at), std::move(params), opts, &diag));
    }

    /// Logs in; on success the session is kept for the calls below.
    std::error_code login(portal_address const& at, login::login_params p)
    {
        diag.clear();
        auto s = transport::run_blocking(
            io_, transport::client_session::login(io_.get_executor(), to_portal(at), std::move(p), opts, &diag));
        if (!s) return s.error();
        session_ = std::move(*s);
        return {};
    }

    result<session::scsi_outcome> execute(std::uint64_t lun_index, scsi::command cmd,
                                          std::vector<std::byte> out = {})
    {
        diag.clear();
        session::scsi_request req{lun::from_index(static_cast<std::uint16_t>(lun_index)), cmd, std::move(out)};
        return transport::run_blocking(io_, session_->execute(std::move(req), std::chrono::seconds(30), &diag));
    }

    /// TEST UNIT READY until GOOD, collecting the power-on UNIT ATTENTION.
    ::testing::AssertionResult ready(std::uint64_t lun_index)
    {
        for (int i = 0; i < 5; ++i) {
            auto r = execute(lun_index, scsi::test_unit_ready());
            if (!r) return ::testing::AssertionFailure() << "TEST UNIT READY: " << r.error().message();
            if (r->status == 0) return ::testing::AssertionSuccess();
        }
        return ::testing::AssertionFailure() << "LUN not ready after 5 TEST UNIT READY";
    }

    /// Writes `blocks` random blocks at `lba`, reads them back, compares.
    ::testing::AssertionResult write_read_verify(std::uint64_t lun_index, std::uint32_t lba, std::uint16_t blocks)
    {
        if (auto r = ready(lun_index); !r) return r;
        auto cap_r = execute(lun_index, scsi::read_capacity10());
        if (!cap_r || cap_r->status != 0) return ::testing::AssertionFailure() << "READ CAPACITY failed";
        auto cap = scsi::parse_read_capacity10(cap_r->data);
        if (!cap) return ::testing::AssertionFailure() << "READ CAPACITY data: " << cap.error().message();
        std::vector<std::byte> pattern(std::size_t{blocks} * cap->block_size);
        std::mt19937 gen(lba + blocks);
        for (auto& b : pattern) b = static_cast<std::byte>(gen());
        auto w = execute(lun_index, scsi::write10(lba, blocks, cap->block_size), pattern);
        if (!w) return ::testing::AssertionFailure() << "WRITE: " << w.error().message() << " " << diag.message;
        if (w->status != 0) return ::testing::AssertionFailure() << "WRITE status " << int(w->status);
        auto r = execute(lun_index, scsi::read10(lba, blocks, cap->block_size));
        if (!r) return ::testing::AssertionFailure() << "READ: " << r.error().message() << " " << diag.message;
        if (r->status != 0) return ::testing::AssertionFailure() << "READ status " << int(r->status);
        if (r->data != pattern) return ::testing::AssertionFailure() << "data read back differs from data written";
        return ::testing::AssertionSuccess();
    }

    std::error_code logout()
    {
        auto ec = transport::run_blocking(io_, session_->logout(std::chrono::seconds(10), &diag));
        session_.reset();
        return ec;
    }

    [[nodiscard]] transport::client_session& session() { return *session_; }

    diagnostics diag;
    duration discovery_login_timeout = std::chrono::seconds(10);
    transport::connect_options opts{.connect_timeout = std::chrono::seconds(5), .max_redirects = 4};

private:
    boost::asio::io_context io_;
    std::unique_ptr<transport::client_session> session_;
};

} // namespace iscsi::test
