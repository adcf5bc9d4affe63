/**
 * @file
 * open-iscsi's database on disk, read and written in place (default root
 * /etc/iscsi, ISCSI_SYSCONFDIR at build time):
 *
 *     nodes/<target>/<address>,<port>,<tpgt>/<iface>   node record
 *     nodes/<target>/<address>,<port>                  node record, old static form (tpgt -1)
 *     send_targets/<address>,<port>/st_config          SendTargets discovery record
 *     send_targets/<address>,<port>/<target>,<address>,<port>,<tpgt>,<iface>
 *                                                      symlink to the node's portal directory
 *     isns/<address>,<port>/isns_config (+ links)      iSNS discovery record
 *     static/<target>,<address>,<port>,<tpgt>,<iface>  link to a hand-made record's portal directory
 *     ifaces/<name>                                    iface record
 *
 * IPv6 addresses appear without brackets. Directories are 0700 and files
 * 0600, as open-iscsi makes them (records hold CHAP secrets).
 *
 * Every lookup goes straight to its path; only listings read directories, and
 * listings read names, not files. Writers serialise on flock() of the root
 * directory and replace files by rename (see src/db/file_io.hpp): concurrent
 * iscsiadm runs never lose an update, and a writer killed at any point leaves
 * the old record or the new one.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/db/config.hpp"
#include "iscsi/db/records.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace iscsi::db {

/// Where a node record lives. tpgt -1 is the old static file form.
struct node_key {
    std::string target;
    std::string address;
    int port = 3260;
    int tpgt = -1;
    std::string iface = "default";
    friend bool operator==(node_key const&, node_key const&) = default;
};
[[nodiscard]] node_key key_of(node_record const& r);

/// Which node records a listing returns; unset members match everything.
struct node_filter {
    std::optional<std::string> target, address, iface;
    std::optional<int> port, tpgt;
    [[nodiscard]] bool matches(node_key const& k) const;
};

/// A new node record: iscsid.conf defaults, then the identity and the iface.
[[nodiscard]] node_record make_node_record(config const& conf, std::string target, std::string address,
                                           int port, int tpgt, iface_record const& iface);

/// A node record as discovery through `disc` found it: make_node_record()
/// plus where it was found (discovery address, port and type).
[[nodiscard]] node_record make_discovered_record(config const& conf, discovery_record const& disc,
                                                 std::string target, std::string address, int port, int tpgt,
                                                 iface_record const& iface);

/// A new discovery record with iscsid.conf defaults.
[[nodiscard]] discovery_record make_discovery_record(config const& conf, discovery_kind kind,
                                                     std::string address, int port);

/// How save_discovered treats records that already exist (iscsiadm -o).
struct discovered_save {
    bool add_new = true;       ///< create records that do not exist
    bool update_old = true;    ///< rewrite the discovery fields of existing ones
    bool delete_stale = false; ///< remove records of this portal no longer reported
    /// open-iscsi's layout for `-m discovery -t isns`: no discovery record
    /// is written and the node links go straight into isns/ (with a
    /// discovery record, `-m discoverydb`, they go into isns/ADDR,PORT/).
    bool flat_links = false;
};

class store {
public:
    explicit store(std::filesystem::path root);
    [[nodiscard]] std::filesystem::path const& root() const noexcept { return root_; }
    [[nodiscard]] std::filesystem::path config_file() const { return root_ / "iscsid.conf"; }
    [[nodiscard]] std::filesystem::path initiator_name_file() const { return root_ / "initiatorname.iscsi"; }
    /// Replaces initiatorname.iscsi atomically (mode 0600, as Debian's
    /// package scripts leave it); db::errc::bad_name for an empty name or
    /// one with a blank or a line break.
    [[nodiscard]] result<void> write_initiator_identity(initiator_identity const& id);

    // --- node records ---
    [[nodiscard]] result<std::vector<node_key>> list_nodes(node_filter const& f = {}) const;
    [[nodiscard]] result<node_record> read_node(node_key const& k) const;
    /// Creates or replaces the record at key_of(r).
    [[nodiscard]] result<void> write_node(node_record const& r);
    /// A record made by hand (iscsiadm -m node -o new), as open-iscsi stores
    /// one: with a tpgt, also linked from static/<target>,<ip>,<port>,<tpgt>,<iface>,
    /// and an old file-form record of the same portal is replaced.
    [[nodiscard]] result<void> write_static_node(node_record const& r);
    /// Creates the record; errc::exists if it is already there.
    [[nodiscard]] result<void> create_node(node_record const& r);
    /// Read-modify-write under the lock. `change` may fail; then nothing is written.
    [[nodiscard]] result<void> update_node(node_key const& k,
                                           std::function<result<void>(node_record&)> const& change);
    /// Removes the record, its discovery links and directories left empty.
    [[nodiscard]] result<void> delete_node(node_key const& k);

    // --- discovery records ---
    [[nodiscard]] result<std::vector<discovery_record>> list_discovery(discovery_kind kind) const;
    [[nodiscard]] result<discovery_record> read_discovery(discovery_kind kind, std::string const& address,
                                                          int port) const;
    [[nodiscard]] result<void> write_discovery(discovery_record const& r);
    [[nodiscard]] result<void> update_discovery(discovery_kind kind, std::string const& address, int port,
                                                std::function<result<void>(discovery_record&)> const& change);
    /// Removes the discovery record and the node records it found.
    [[nodiscard]] result<void> delete_discovery(discovery_kind kind, std::string const& address, int port);
    /// Node records linked from a discovery record.
    [[nodiscard]] result<std::vector<node_key>> discovered_nodes(discovery_kind kind,
                                                                 std::string const& address, int port) const;
    /**
     * Stores what one discovery found: the discovery record, the node
     * records (created or updated per `mode`) and their links, as one batch
     * under one lock with one file-system flush, not one fsync per file.
     * Returns the keys of records removed as stale.
     */
    [[nodiscard]] result<std::vector<node_key>> save_discovered(discovery_record const& disc,
                                                                std::span<node_record const> nodes,
                                                                discovered_save mode);
    /// Unlinks these node records from a discovery record (it no longer
    /// reports them); the records themselves stay. Missing links are fine.
    [[nodiscard]] result<void> unlink_discovered(discovery_record const& disc, std::span<node_key const> keys);

    // --- iface records (default and iser are built in, never files) ---
    [[nodiscard]] result<std::vector<iface_record>> list_ifaces() const;
    [[nodiscard]] result<iface_record> read_iface(std::string const& name) const;
    [[nodiscard]] result<void> write_iface(iface_record const& r);
    [[nodiscard]] result<void> delete_iface(std::string const& name);

private:
    std::filesystem::path root_;
};

/// Creates <root>/ifaces if missing (open-iscsi makes it when it lists).
[[nodiscard]] result<void> make_ifaces_dir(store const& s);

/// The built-in ifaces every listing starts with.
[[nodiscard]] std::vector<iface_record> builtin_ifaces();

} // namespace iscsi::db
