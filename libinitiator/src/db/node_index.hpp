// A cache of the nodes/ directory tree's names, validated by mtimes
// (private to src/db). Listing 10,000 records by reading every directory
// costs ~100,000 system calls (open, getdents, fstat, close per directory);
// with the cache it is one stat per directory: a directory whose mtime is
// unchanged still has the entries recorded for it, because adding or
// removing an entry always updates its directory's mtime. Any writer,
// ours, open-iscsi or a hand edit, is seen, since nothing but mtimes is
// trusted. Timestamps are coarse (a kernel tick), so a directory changed
// too recently to be told apart from a later change in the same tick is
// not cached (the "racy" rule git uses for its index).
#pragma once

#include "iscsi/core/error.hpp"
#include "store_detail.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace iscsi::db::detail {

/// One node record's place: target dir, portal entry, iface ("" when the
/// portal entry is an old static file).
struct node_path {
    std::string target, portal, iface;
};

/// All record paths under <root>/nodes, in no particular order. Reads the
/// cache file <root>/.nodes.cache, re-reads only directories whose mtime
/// changed, and rewrites the cache when it learned something.
[[nodiscard]] result<std::vector<node_path>> scan_nodes(std::filesystem::path const& root);

/// Name of the cache file in the database root (skipped by every listing).
inline constexpr char const* node_cache_name = ".nodes.cache";

} // namespace iscsi::db::detail
