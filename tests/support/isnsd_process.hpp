#pragma once
// A private iSNS server for integration tests: open-isns's isnsd (Debian
// package open-isns-server) on 127.0.0.1:<free port> inside the test's
// network namespace, with its database, PID file and control socket in a
// temp dir, and objects registered through isnsadm (open-isns-utils).
//
//   iscsi::test::isnsd_process isns;
//   ASSERT_TRUE(isns.start());
//   ASSERT_TRUE(isns.register_targets("tgt", {{"127.0.0.1", 3260}}, {"iqn.2026-12.test:t1"}));
//   discover through isns.portal() ...
//
// Security is off (no DSA signatures: open-iscsi cannot sign either).
#include "subprocess.hpp"
#include "target_process.hpp"

#include <cstdint>
#include <filesystem>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

namespace iscsi::test {

class isnsd_process {
public:
    struct options {
        /// isnsd's DefaultDiscoveryDomain: 1 lets every node outside an
        /// administered discovery domain see every other such node.
        bool default_discovery_domain = true;
    };

    isnsd_process();
    explicit isnsd_process(options o);
    isnsd_process(isnsd_process const&) = delete;
    isnsd_process& operator=(isnsd_process const&) = delete;
    ~isnsd_process();

    /// Checks isolation, starts isnsd, waits (bounded) for its port.
    ::testing::AssertionResult start();
    /// SIGTERM, bounded wait, SIGKILL by PID only if needed. Idempotent.
    ::testing::AssertionResult stop();
    /// stop() and start() on the same port with the same database: a
    /// server restart (registrations are kept in the database).
    ::testing::AssertionResult restart();

    /// `isnsadm --register` of an entity with its portals and target nodes,
    /// as a target registers itself; `pgt`, when given, puts the last
    /// portal and the last target in that Portal Group.
    ::testing::AssertionResult register_targets(std::string const& entity, std::vector<portal_address> const& portals,
                                                std::vector<std::string> const& targets,
                                                std::optional<int> pgt = std::nullopt);
    /// `isnsadm --local --dd-register`: a discovery domain of these nodes.
    ::testing::AssertionResult register_discovery_domain(std::string const& name,
                                                         std::vector<std::string> const& members);
    /// `isnsadm --deregister` of an entity and everything in it.
    ::testing::AssertionResult deregister_entity(std::string const& entity);

    [[nodiscard]] portal_address portal() const { return {"127.0.0.1", port_}; }
    [[nodiscard]] std::filesystem::path const& dir() const { return dir_.path(); }
    [[nodiscard]] std::filesystem::path log_file() const { return dir() / "isnsd.log"; }

private:
    ::testing::AssertionResult try_start(bool& retry);
    ::testing::AssertionResult write_configs() const;
    ::testing::AssertionResult isnsadm(std::vector<std::string> args, bool local) const;

    temp_dir dir_; // destroyed last
    options options_;
    std::uint16_t port_ = 0;
    child_process daemon_;
};

} // namespace iscsi::test
