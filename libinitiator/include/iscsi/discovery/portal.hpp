/**
 * @file
 * Portals: "host[:port][,tpgt]", the syntax of TargetAddress (RFC 7143
 * §13.8: domainname[:port][,portal-group-tag]) and of iscsiadm's -p option.
 * IPv6 addresses are bracketed, "[fe80::1]:3260,1" (RFC 3986 style).
 */
#pragma once

#include "iscsi/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iscsi::discovery {

/// The well-known iSCSI port (§13.8 default when TargetAddress has none).
inline constexpr std::uint16_t default_port = 3260;
/// Longest host we accept: a DNS name is at most 253 characters; an IPv6
/// literal with a zone id fits easily.
inline constexpr std::size_t max_host_length = 255;

struct portal {
    std::string address; ///< host name, IPv4 or IPv6 literal, WITHOUT brackets
    std::uint16_t port = default_port;
    std::optional<std::uint16_t> tpgt; ///< portal group tag, when known
    friend bool operator==(portal const&, portal const&) = default;
};

/**
 * Parses "host[:port][,tpgt]". IPv6 must be bracketed when a port follows;
 * a bare IPv6 literal (two or more ':' and no brackets) is taken as an
 * address without port, since some targets send it that way. A missing port
 * means 3260. Fails with errc::bad_portal_address, errc::bad_port (not
 * 1..65535) or errc::bad_tpgt (not 0..65535); diagnostics name the part.
 */
[[nodiscard]] result<portal> parse_portal(std::string_view text, diagnostics* diag = nullptr);

/// "host:port[,tpgt]", with the address bracketed again when it is IPv6.
[[nodiscard]] std::string format_portal(portal const& p);

} // namespace iscsi::discovery
