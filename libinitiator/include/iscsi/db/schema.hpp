/**
 * @file
 * The key table: one row per key of open-iscsi's record files, in the order
 * open-iscsi 2.1.8 prints them. A row names the key, says how it is shown
 * (plain, masked like a password, or hidden) and whether `iscsiadm -o update`
 * may change it, and carries a printer and a parser bound to one member of
 * the typed record. Everything that reads or writes records (files, `-o
 * update`, iscsid.conf, `-m node -T -p` output) goes through these tables.
 */
#pragma once

#include "iscsi/core/error.hpp"
#include "iscsi/db/records.hpp"

#include <span>
#include <string>
#include <string_view>

namespace iscsi::db {

enum class visibility : std::uint8_t {
    shown,  ///< printed as is
    masked, ///< a secret: "********" unless the caller asks for secrets
    hidden, ///< read from old files but never printed or written
};

/// Outcome of parsing one value into a field.
enum class parse_status : std::uint8_t { ok, bad_value };

template <class Record>
struct field {
    std::string_view key;
    visibility vis;
    /// False for the keys that locate the record (node.name, node.tpgt,
    /// node.conn[0].address ...): changing them would move the file.
    bool modifiable;
    std::string (*print)(Record const&);
    /// Appends the printed value to `out` (the hot path: no temporary).
    void (*append)(Record const&, std::string& out);
    parse_status (*parse)(Record&, std::string_view);
    /// The accepted spellings of a choice field (empty for text and numbers),
    /// used in error messages.
    std::span<std::string_view const> choices;
};

/// The node record is node rows, then the embedded iface rows, then the rest.
[[nodiscard]] std::span<field<node_record> const> node_head_fields() noexcept;
[[nodiscard]] std::span<field<node_record> const> node_tail_fields() noexcept;
[[nodiscard]] std::span<field<iface_record> const> iface_fields() noexcept;
/// Rows of a discovery record; which ones depends on its type.
[[nodiscard]] std::span<field<discovery_record> const> discovery_fields(discovery_kind kind) noexcept;

/// Where a key of a node record lives.
struct node_field_ref {
    field<node_record> const* node = nullptr;
    field<iface_record> const* iface = nullptr;
    [[nodiscard]] explicit operator bool() const noexcept { return node || iface; }
    [[nodiscard]] bool modifiable() const noexcept;
    [[nodiscard]] std::span<std::string_view const> choices() const noexcept;
};
[[nodiscard]] node_field_ref find_node_field(std::string_view key) noexcept;
[[nodiscard]] field<iface_record> const* find_iface_field(std::string_view key) noexcept;
[[nodiscard]] field<discovery_record> const* find_discovery_field(discovery_kind kind,
                                                                  std::string_view key) noexcept;

/// Sets `key` in a node record. Returns false for an unknown key, and
/// parse_status::bad_value through `status` for a value the field rejects.
parse_status set_node_value(node_record& r, node_field_ref ref, std::string_view value);

/// Reads a field's current text (as printed, never masked).
[[nodiscard]] std::string get_node_value(node_record const& r, node_field_ref ref);

/// RFC 7143 §9.2.1: a CHAP secret with fewer than 96 random bits can be
/// recovered from one recorded exchange by an off-line dictionary attack.
inline constexpr std::size_t recommended_chap_secret_bytes = 12;

/// For a secret key (a masked field of node or discovery records) set to a
/// non-empty value shorter than that, the warning to print: it names the
/// key and the length, never the value. Empty otherwise.
[[nodiscard]] std::string short_secret_warning(std::string_view key, std::string_view value);

} // namespace iscsi::db
