/**
 * @file
 * The control protocol between iscsiadm and iscsid, on a Unix stream
 * socket only root may use. One request, one answer, each a block of text:
 *
 *     iscsid-ipc 1          <- magic and protocol version
 *     op=login              <- key=value lines; keys [a-z_]+, values one line
 *     target=iqn....
 *                           <- an empty line ends the message
 *
 * Text rather than structs so that an iscsiadm from another build or a
 * container (another ABI, another word size) keeps working: unknown keys
 * are ignored, and the version says what a peer understands. No bus daemon
 * is needed, so it works in an initramfs.
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iscsid {

inline constexpr int ipc_version = 1;
inline constexpr std::string_view ipc_magic = "iscsid-ipc";
/// A message larger than this is refused (a bound for a hostile peer).
inline constexpr std::size_t ipc_max_message = 1 << 20;

/// The control socket; ISCSID_SOCKET overrides it (tests, containers).
[[nodiscard]] std::string control_socket_path();

class ipc_message {
public:
    ipc_message& add(std::string key, std::string value);
    ipc_message& add(std::string key, long long value) { return add(std::move(key), std::to_string(value)); }
    /// The first value of `key`.
    [[nodiscard]] std::optional<std::string> get(std::string_view key) const;
    [[nodiscard]] std::optional<long long> get_int(std::string_view key) const;
    /// Every value of `key`, in order (a repeated key is a list).
    [[nodiscard]] std::vector<std::string> all(std::string_view key) const;
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> const& fields() const noexcept { return fields_; }

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

/// The wire text of `m`; a newline inside a value is replaced by a space
/// (a value is one line).
[[nodiscard]] std::string encode(ipc_message const& m);

enum class ipc_errc {
    bad_magic = 1,    ///< not "iscsid-ipc N"
    newer_version,    ///< the peer speaks a version we do not
    bad_line,         ///< a line that is not key=value
    incomplete,       ///< no empty line at the end
    too_large,
};
[[nodiscard]] std::error_code make_error_code(ipc_errc e) noexcept;

/// Parses one whole message (through its empty line).
iscsi::result<ipc_message> parse(std::string_view text);

/// Where the empty line that ends the first message in `buffered` is, as
/// the length of that message; nullopt while it is incomplete.
[[nodiscard]] std::optional<std::size_t> message_length(std::string_view buffered) noexcept;

} // namespace iscsid

template <>
struct std::is_error_code_enum<iscsid::ipc_errc> : std::true_type {};
