// The on-disk database in a temporary root: layout, modes, links, and
// updates under concurrency.
#include "iscsi/db/errors.hpp"
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/store.hpp"

#include "support/isolation.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <thread>
#include <tuple>
#include <fcntl.h>

namespace iscsi::db {

// Readable failures: "iqn...:t1 127.0.0.1:3260,1 default".
void PrintTo(node_key const& k, std::ostream* os)
{
    *os << k.target << ' ' << k.address << ':' << k.port << ',' << k.tpgt << ' ' << k.iface;
}

namespace {

namespace fs = std::filesystem;

class Store : public ::testing::Test {
protected:
    test::temp_dir dir;
    store db{dir.path()};
    config conf = default_config();

    node_record node(std::string target, std::string addr, int tpgt, std::string iface = "default")
    {
        iface_record i;
        i.name = std::move(iface);
        return make_node_record(conf, std::move(target), std::move(addr), 3260, tpgt, i);
    }

    unsigned mode_of(fs::path const& p)
    {
        struct stat st {};
        EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
        return st.st_mode & 07777;
    }
};

TEST_F(Store, NodeRecordsLiveWhereOpenIscsiPutsThem)
{
    ASSERT_TRUE(db.create_node(node("iqn.2026-11.test:a", "127.0.0.1", 1)));
    ASSERT_TRUE(db.create_node(node("iqn.2026-11.test:a", "fe80::1", 5, "myif")));
    ASSERT_TRUE(db.create_node(node("iqn.2026-11.test:b", "127.0.0.1", -1)));
    auto const nodes = dir.path() / "nodes";
    EXPECT_TRUE(fs::is_regular_file(nodes / "iqn.2026-11.test:a/127.0.0.1,3260,1/default"));
    EXPECT_TRUE(fs::is_regular_file(nodes / "iqn.2026-11.test:a/fe80::1,3260,5/myif"));
    EXPECT_TRUE(fs::is_regular_file(nodes / "iqn.2026-11.test:b/127.0.0.1,3260")); // static form
    EXPECT_EQ(mode_of(nodes), 0700U);
    EXPECT_EQ(mode_of(nodes / "iqn.2026-11.test:a/127.0.0.1,3260,1"), 0700U);
    EXPECT_EQ(mode_of(nodes / "iqn.2026-11.test:a/127.0.0.1,3260,1/default"), 0600U);

    auto all = db.list_nodes();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 3U);
    node_filter by_target;
    by_target.target = "iqn.2026-11.test:a";
    auto only_a = db.list_nodes(by_target);
    ASSERT_TRUE(only_a);
    EXPECT_EQ(only_a->size(), 2U);
    node_filter by_iface_name;
    by_iface_name.iface = "myif";
    auto by_iface = db.list_nodes(by_iface_name);
    ASSERT_TRUE(by_iface);
    ASSERT_EQ(by_iface->size(), 1U);
    EXPECT_EQ(by_iface->front(), (node_key{"iqn.2026-11.test:a", "fe80::1", 3260, 5, "myif"}));
}

TEST_F(Store, ReadGivesBackWhatWasWritten)
{
    auto r = node("iqn.2026-11.test:a", "127.0.0.1", 1);
    r.session.auth.authmethod = auth_method::chap;
    r.session.auth.username = "user";
    r.session.auth.password = "secret";
    r.extra.emplace_back("node.from_the_future", "1");
    ASSERT_TRUE(db.write_node(r));
    auto back = db.read_node(key_of(r));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, r);
}

TEST_F(Store, CreateRefusesDuplicatesAndMissingRecordsAreNotFound)
{
    auto const r = node("iqn.2026-11.test:a", "127.0.0.1", 1);
    ASSERT_TRUE(db.create_node(r));
    EXPECT_EQ(db.create_node(r).error(), make_error_code(errc::exists));
    EXPECT_EQ(db.read_node({"iqn.2026-11.test:zz", "127.0.0.1", 3260, 1, "default"}).error(),
              make_error_code(errc::not_found));
    EXPECT_EQ(db.delete_node({"iqn.2026-11.test:zz", "127.0.0.1", 3260, 1, "default"}).error(),
              make_error_code(errc::not_found));
}

TEST_F(Store, NamesThatWouldEscapeTheDatabaseAreRefused)
{
    EXPECT_EQ(db.create_node(node("../../etc", "127.0.0.1", 1)).error(), make_error_code(errc::bad_name));
    EXPECT_EQ(db.create_node(node("iqn.x:y", "127.0.0.1", 1, "a/b")).error(), make_error_code(errc::bad_name));
    EXPECT_EQ(db.create_node(node("iqn.x:y", "1.2.3.4,9", 1)).error(), make_error_code(errc::bad_name));
    EXPECT_EQ(db.read_iface("..").error(), make_error_code(errc::bad_name));
    EXPECT_FALSE(fs::exists(dir.path() / "nodes"));
}

TEST_F(Store, UpdateIsReadModifyWriteAndAFailedChangeWritesNothing)
{
    auto const r = node("iqn.2026-11.test:a", "127.0.0.1", 1);
    ASSERT_TRUE(db.create_node(r));
    ASSERT_TRUE(db.update_node(key_of(r), [](node_record& n) -> result<void> {
        n.startup = startup_mode::automatic;
        return {};
    }));
    EXPECT_EQ(db.read_node(key_of(r))->startup, startup_mode::automatic);
    auto const failed = db.update_node(key_of(r), [](node_record& n) -> result<void> {
        n.startup = startup_mode::onboot;
        return make_error_code(errc::bad_value);
    });
    EXPECT_EQ(failed.error(), make_error_code(errc::bad_value));
    EXPECT_EQ(db.read_node(key_of(r))->startup, startup_mode::automatic);
}

TEST_F(Store, ChangingTheIfaceNameMovesTheRecord)
{
    auto const r = node("iqn.2026-11.test:a", "127.0.0.1", 1);
    ASSERT_TRUE(db.create_node(r));
    ASSERT_TRUE(db.update_node(key_of(r), [](node_record& n) -> result<void> {
        n.iface.name = "other";
        return {};
    }));
    auto const keys = db.list_nodes();
    ASSERT_TRUE(keys);
    ASSERT_EQ(keys->size(), 1U);
    EXPECT_EQ(keys->front().iface, "other");
}

TEST_F(Store, DeletePrunesEmptyDirectories)
{
    auto const r = node("iqn.2026-11.test:a", "127.0.0.1", 1);
    ASSERT_TRUE(db.create_node(r));
    ASSERT_TRUE(db.delete_node(key_of(r)));
    EXPECT_FALSE(fs::exists(dir.path() / "nodes/iqn.2026-11.test:a"));
    EXPECT_TRUE(fs::exists(dir.path() / "nodes"));
}

TEST_F(Store, DiscoveryLinksNodesAndRediscoveryDropsStaleOnes)
{
    auto const disc = make_discovery_record(conf, discovery_kind::sendtargets, "127.0.0.1", 3260);
    std::vector<node_record> found{node("iqn.2026-11.test:a", "127.0.0.1", 1),
                                   node("iqn.2026-11.test:b", "127.0.0.1", 1)};
    auto first = db.save_discovered(disc, found, {});
    ASSERT_TRUE(first) << first.error().message();
    auto const st = dir.path() / "send_targets/127.0.0.1,3260";
    EXPECT_TRUE(fs::is_regular_file(st / "st_config"));
    auto const link = st / "iqn.2026-11.test:a,127.0.0.1,3260,1,default";
    ASSERT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(fs::read_symlink(link), fs::absolute(dir.path() / "nodes/iqn.2026-11.test:a/127.0.0.1,3260,1"));
    auto linked = db.discovered_nodes(discovery_kind::sendtargets, "127.0.0.1", 3260);
    ASSERT_TRUE(linked);
    EXPECT_EQ(linked->size(), 2U);

    // The target lost b: with delete_stale it goes, record and link.
    found.pop_back();
    discovered_save full;
    full.delete_stale = true;
    auto second = db.save_discovered(disc, found, full);
    ASSERT_TRUE(second);
    ASSERT_EQ(second->size(), 1U);
    EXPECT_EQ(second->front().target, "iqn.2026-11.test:b");
    EXPECT_FALSE(fs::exists(dir.path() / "nodes/iqn.2026-11.test:b"));
    EXPECT_FALSE(fs::is_symlink(st / "iqn.2026-11.test:b,127.0.0.1,3260,1,default"));
    // No temporaries left behind by the batch.
    for (auto const& e : fs::recursive_directory_iterator(dir.path()))
        EXPECT_FALSE(e.path().filename().string().starts_with(".tmp-")) << e.path();
}

TEST_F(Store, UpdateOldDecidesWhetherRediscoveryRewritesExistingRecords)
{
    auto const disc = make_discovery_record(conf, discovery_kind::sendtargets, "127.0.0.1", 3260);
    std::vector<node_record> found{node("iqn.2026-11.test:a", "127.0.0.1", 1)};
    ASSERT_TRUE(db.save_discovered(disc, found, {}));
    auto const k = key_of(found[0]);
    ASSERT_TRUE(db.update_node(k, [](node_record& n) -> result<void> {
        n.startup = startup_mode::automatic;
        return {};
    }));
    discovered_save keep;
    keep.update_old = false;
    ASSERT_TRUE(db.save_discovered(disc, found, keep));
    EXPECT_EQ(db.read_node(k)->startup, startup_mode::automatic);
    ASSERT_TRUE(db.save_discovered(disc, found, {}));
    EXPECT_EQ(db.read_node(k)->startup, startup_mode::manual);
}

TEST_F(Store, DeletingADiscoveryRecordDeletesWhatItFound)
{
    auto const disc = make_discovery_record(conf, discovery_kind::sendtargets, "127.0.0.1", 3260);
    std::vector<node_record> found{node("iqn.2026-11.test:a", "127.0.0.1", 1)};
    ASSERT_TRUE(db.save_discovered(disc, found, {}));
    ASSERT_TRUE(db.delete_discovery(discovery_kind::sendtargets, "127.0.0.1", 3260));
    EXPECT_FALSE(fs::exists(dir.path() / "send_targets/127.0.0.1,3260"));
    EXPECT_TRUE(db.list_nodes()->empty());
    EXPECT_EQ(db.delete_discovery(discovery_kind::sendtargets, "127.0.0.1", 3260).error(),
              make_error_code(errc::not_found));
}

TEST_F(Store, IfacesIncludeTheBuiltinsAndFiles)
{
    iface_record i;
    i.name = "eth1-path";
    i.net_ifacename = "eth1";
    ASSERT_TRUE(db.write_iface(i));
    EXPECT_EQ(mode_of(dir.path() / "ifaces/eth1-path"), 0600U);
    auto const all = db.list_ifaces();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 1U);
    EXPECT_EQ(all->front(), i);
    EXPECT_EQ(db.read_iface("default")->transport_name, "tcp");
    EXPECT_EQ(db.read_iface("iser")->transport_name, "iser");
    ASSERT_TRUE(db.delete_iface("eth1-path"));
    EXPECT_EQ(db.read_iface("eth1-path").error(), make_error_code(errc::not_found));
}

TEST_F(Store, StaleTemporariesOfAKilledWriterAreIgnoredAndCleaned)
{
    auto const r = node("iqn.2026-11.test:a", "127.0.0.1", 1);
    ASSERT_TRUE(db.create_node(r));
    auto const pdir = dir.path() / "nodes/iqn.2026-11.test:a/127.0.0.1,3260,1";
    std::ofstream(pdir / ".tmp-AbC123") << "# BEGIN RECORD 2.1.8\nnode.na"; // torn
    EXPECT_EQ(db.list_nodes()->size(), 1U);
    ASSERT_TRUE(db.write_node(r));
    EXPECT_FALSE(fs::exists(pdir / ".tmp-AbC123"));
}

TEST_F(Store, ConcurrentUpdatesOfOneRecordLoseNothing)
{
    // Each writer opens the root itself, so flock() contends exactly as
    // between processes (tests/integration covers real processes).
    auto const r = node("iqn.2026-11.test:a", "127.0.0.1", 1);
    ASSERT_TRUE(db.create_node(r));
    constexpr int writers = 50;
    std::vector<std::thread> threads;
    for (int t = 0; t < writers; ++t)
        threads.emplace_back([&] {
            store mine{dir.path()};
            auto u = mine.update_node(key_of(r), [](node_record& n) -> result<void> {
                ++n.session.initial_cmdsn;
                return {};
            });
            EXPECT_TRUE(u);
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(db.read_node(key_of(r))->session.initial_cmdsn, writers);
}

} // namespace
} // namespace iscsi::db

namespace iscsi::db {
namespace {

/// Backdates every directory under `root`, as if the records were written
/// long ago, so the listing cache may trust them (its "racy" rule skips
/// directories changed in the last seconds).
void age_tree(fs::path const& root, std::time_t when = 1'600'000'000)
{
    // Each call must use a new time: a change always moves a directory's
    // mtime forward, and the cache relies on exactly that.
    timespec const old[2] = {{when, 0}, {when, 0}};
    for (auto const& e : fs::recursive_directory_iterator(root))
        if (e.is_directory())
            ::utimensat(AT_FDCWD, e.path().c_str(), old, 0);
    ::utimensat(AT_FDCWD, (root / "nodes").c_str(), old, 0);
}

std::size_t listed(store const& db)
{
    auto keys = db.list_nodes();
    EXPECT_TRUE(keys);
    return keys ? keys->size() : 0;
}

class ListingCache : public Store {
protected:
    void SetUp() override
    {
        for (int i = 0; i < 20; ++i)
            ASSERT_TRUE(db.create_node(node("iqn.2026-11.test:t" + std::to_string(i), "127.0.0.1", 1)));
        age_tree(dir.path());
        ASSERT_EQ(listed(db), 20U); // builds the cache
        ASSERT_TRUE(fs::exists(dir.path() / ".nodes.cache"));
    }
};

TEST_F(ListingCache, SeesARecordAddedByAnotherToolInAnExistingPortal)
{
    // open-iscsi (or a hand edit) adds an iface record next to ours.
    std::ofstream(dir.path() / "nodes/iqn.2026-11.test:t3/127.0.0.1,3260,1/eth1") << "node.name = iqn.2026-11.test:t3\n";
    EXPECT_EQ(listed(db), 21U);
}

TEST_F(ListingCache, SeesAPortalRemovedByHand)
{
    fs::remove_all(dir.path() / "nodes/iqn.2026-11.test:t7/127.0.0.1,3260,1");
    EXPECT_EQ(listed(db), 19U);
    fs::remove_all(dir.path() / "nodes/iqn.2026-11.test:t8");
    EXPECT_EQ(listed(db), 18U);
}

TEST_F(ListingCache, ADamagedCacheIsIgnored)
{
    for (std::string junk : {"", "iscsi-nodes-cache 1\nD 1 5 \n", "garbage\n", "iscsi-nodes-cache 1\nE 7\n"}) {
        std::ofstream(dir.path() / ".nodes.cache", std::ios::trunc) << junk;
        EXPECT_EQ(listed(db), 20U) << junk;
    }
}

TEST_F(ListingCache, AgreesWithAFullScanAfterChurn)
{
    ASSERT_TRUE(db.delete_node({"iqn.2026-11.test:t1", "127.0.0.1", 3260, 1, "default"}));
    ASSERT_TRUE(db.create_node(node("iqn.2026-11.test:t1", "127.0.0.2", 1)));
    ASSERT_TRUE(db.create_node(node("iqn.2026-11.test:new", "127.0.0.1", -1)));
    age_tree(dir.path(), 1'600'000'100);
    auto cached = db.list_nodes();
    fs::remove(dir.path() / ".nodes.cache");
    auto scanned = db.list_nodes();
    ASSERT_TRUE(cached && scanned);
    auto by_name = [](auto v) {
        std::sort(v.begin(), v.end(), [](auto const& a, auto const& b) {
            return std::tie(a.target, a.address, a.tpgt) < std::tie(b.target, b.address, b.tpgt);
        });
        return v;
    };
    EXPECT_EQ(by_name(*cached), by_name(*scanned));
    EXPECT_EQ(cached->size(), 21U);
}

} // namespace
} // namespace iscsi::db

namespace iscsi::db {
namespace {

TEST_F(Store, OneDiscoveryThroughTwoIfacesWritesBothRecordsOfAPortal)
{
    // Both records live in one portal directory; the batch must not take
    // its own first temporary for a dead writer's.
    auto const disc = make_discovery_record(conf, discovery_kind::sendtargets, "127.0.0.1", 3260);
    std::vector<node_record> found{node("iqn.2026-11.test:a", "127.0.0.1", 1, "zz"),
                                   node("iqn.2026-11.test:a", "127.0.0.1", 1, "yy")};
    auto saved = db.save_discovered(disc, found, {});
    ASSERT_TRUE(saved) << saved.error().message();
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "nodes/iqn.2026-11.test:a/127.0.0.1,3260,1/zz"));
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "nodes/iqn.2026-11.test:a/127.0.0.1,3260,1/yy"));
}


TEST_F(Store, ALargeDiscoveryIsWrittenWhole)
{
    // 300 targets through two ifaces: 600 records, so several workers
    // share the batch and the two records of a portal directory may fall
    // to different workers. One record exists already and is rewritten.
    auto const disc = make_discovery_record(conf, discovery_kind::sendtargets, "127.0.0.1", 3260);
    std::vector<node_record> found;
    for (int t = 0; t < 300; ++t)
        for (auto const* iface : {"if1", "if2"})
            found.push_back(node("iqn.2026-11.test:t" + std::to_string(t), "127.0.0.1", 1, iface));
    auto old = found[123];
    old.startup = startup_mode::automatic;
    ASSERT_TRUE(db.create_node(old));

    auto saved = db.save_discovered(disc, found, {});
    ASSERT_TRUE(saved) << saved.error().message();
    auto linked = db.discovered_nodes(discovery_kind::sendtargets, "127.0.0.1", 3260);
    ASSERT_TRUE(linked);
    EXPECT_EQ(linked->size(), found.size());
    for (auto const& r : found) {
        auto back = db.read_node(key_of(r));
        ASSERT_TRUE(back) << r.name << " " << r.iface.name;
        EXPECT_EQ(format_node(*back, print_style::file), format_node(r, print_style::file));
    }
    for (auto const& e : fs::recursive_directory_iterator(dir.path()))
        EXPECT_FALSE(e.path().filename().string().starts_with(".tmp-")) << e.path();
}

TEST_F(Store, ABadRecordLateInALargeDiscoveryPublishesNothing)
{
    // Every worker's staged files are taken back, not only the failing one's.
    auto const disc = make_discovery_record(conf, discovery_kind::sendtargets, "127.0.0.1", 3260);
    std::vector<node_record> found;
    for (int t = 0; t < 600; ++t)
        found.push_back(node("iqn.2026-11.test:t" + std::to_string(t), "127.0.0.1", 1));
    found[550].name = "iqn.2026-11.test:../escape";
    auto saved = db.save_discovered(disc, found, {});
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error(), make_error_code(errc::bad_name));
    for (auto const& e : fs::recursive_directory_iterator(dir.path()))
        EXPECT_FALSE(fs::is_regular_file(e.path())) << "left behind: " << e.path();
}


TEST_F(Store, UnlinkingFromADiscoveryRecordKeepsTheNodeRecord)
{
    auto const disc = make_discovery_record(conf, discovery_kind::isns, "127.0.0.1", 3205);
    std::vector<node_record> found{node("iqn.2026-11.test:a", "127.0.0.1", 1), node("iqn.2026-11.test:b", "127.0.0.1", 1)};
    ASSERT_TRUE(db.save_discovered(disc, found, {}));
    std::vector<node_key> const gone{key_of(found[1])};
    ASSERT_TRUE(db.unlink_discovered(disc, gone));
    auto linked = db.discovered_nodes(discovery_kind::isns, "127.0.0.1", 3205);
    ASSERT_TRUE(linked);
    ASSERT_EQ(linked->size(), 1U);
    EXPECT_EQ(linked->front().target, "iqn.2026-11.test:a");
    EXPECT_TRUE(db.read_node(key_of(found[1]))) << "the record stays";
    EXPECT_TRUE(db.unlink_discovered(disc, gone)) << "a link already gone is fine";
}

} // namespace
} // namespace iscsi::db

namespace iscsi::db {
namespace {

TEST_F(Store, InitiatorIdentityIsReplacedWholeAndRootOnly)
{
    ASSERT_TRUE(db.write_initiator_identity({"iqn.2026-12.org.example:host", "desk"}));
    auto id = load_initiator_identity(db.initiator_name_file());
    ASSERT_TRUE(id);
    EXPECT_EQ(id->name, "iqn.2026-12.org.example:host");
    EXPECT_EQ(id->alias, "desk");
    EXPECT_EQ(mode_of(db.initiator_name_file()), 0600U);
    // A value runs to the first blank in the file, so one with a blank or a
    // line break could not be read back as written.
    for (auto const& bad : {initiator_identity{"", ""}, initiator_identity{"iqn.2026-12.org.example:a b", ""},
                            initiator_identity{"iqn.2026-12.org.example:x", "two\nlines"}})
        EXPECT_EQ(db.write_initiator_identity(bad).error(), make_error_code(errc::bad_name)) << bad.name;
    EXPECT_EQ(load_initiator_identity(db.initiator_name_file())->name, "iqn.2026-12.org.example:host");
}

} // namespace
} // namespace iscsi::db
