#include "iscsi/discovery/portal.hpp"

#include "iscsi/discovery/errors.hpp"

#include <algorithm>

namespace iscsi::discovery {
namespace {

std::error_code fail(errc e, diagnostics* diag, std::string message)
{
    if (diag) diag->set(std::move(message));
    return make_error_code(e);
}

std::string quoted(std::string_view s) { return "\"" + std::string(s.substr(0, 64)) + "\""; }

bool is_alnum(char c) noexcept
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_hex(char c) noexcept
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Host names (RFC 1123 letters, digits, '-', '.'; '_' is seen in the wild)
// and IPv4 dotted quads share one character set.
bool valid_host_name(std::string_view h) noexcept
{
    return std::all_of(h.begin(), h.end(), [](char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_'; });
}

// An IPv6 literal: hex digits, ':' and '.' (embedded IPv4), at least two
// colons, optionally "%zone" (RFC 4007) made of name characters.
bool valid_ipv6(std::string_view h) noexcept
{
    auto const pct = h.find('%');
    std::string_view const addr = h.substr(0, pct);
    if (pct != std::string_view::npos) {
        std::string_view const zone = h.substr(pct + 1);
        if (zone.empty() || !valid_host_name(zone)) return false;
    }
    return std::count(addr.begin(), addr.end(), ':') >= 2 &&
           std::all_of(addr.begin(), addr.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; });
}

/// Decimal digits only, no sign, no blanks; nullopt on overflow of 65535.
std::optional<unsigned> parse_u16ish(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 5) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 65535) return std::nullopt;
    return v;
}

/// Splits "host[:port]" (tpgt already removed) into host and port text.
result<std::pair<std::string_view, std::optional<std::string_view>>> split_host_port(std::string_view s,
                                                                                      diagnostics* diag)
{
    using out = std::pair<std::string_view, std::optional<std::string_view>>;
    if (!s.empty() && s.front() == '[') {
        auto const close = s.find(']');
        if (close == std::string_view::npos)
            return fail(errc::bad_portal_address, diag, "unbalanced '[' in portal " + quoted(s));
        std::string_view const host = s.substr(1, close - 1);
        std::string_view const rest = s.substr(close + 1);
        if (!valid_ipv6(host))
            return fail(errc::bad_portal_address, diag, "invalid IPv6 address " + quoted(host));
        if (rest.empty()) return out{host, std::nullopt};
        if (rest.front() != ':')
            return fail(errc::bad_portal_address, diag, "unexpected text after ']' in portal " + quoted(s));
        return out{host, rest.substr(1)};
    }
    if (std::count(s.begin(), s.end(), ':') >= 2) { // bare IPv6, no port
        if (!valid_ipv6(s)) return fail(errc::bad_portal_address, diag, "invalid IPv6 address " + quoted(s));
        return out{s, std::nullopt};
    }
    auto const colon = s.find(':');
    if (colon == std::string_view::npos) return out{s, std::nullopt};
    return out{s.substr(0, colon), s.substr(colon + 1)};
}

} // namespace

result<portal> parse_portal(std::string_view text, diagnostics* diag)
{
    portal p;
    std::string_view hostport = text;
    if (auto const comma = text.rfind(','); comma != std::string_view::npos) {
        hostport = text.substr(0, comma);
        auto const tpgt = parse_u16ish(text.substr(comma + 1));
        if (!tpgt)
            return fail(errc::bad_tpgt, diag,
                        "portal group tag " + quoted(text.substr(comma + 1)) + " is not a number in 0..65535");
        p.tpgt = static_cast<std::uint16_t>(*tpgt);
    }
    auto split = split_host_port(hostport, diag);
    if (!split) return split.error();
    auto const [host, port] = *split;
    if (host.empty()) return fail(errc::bad_portal_address, diag, "portal " + quoted(text) + " has no address");
    if (host.size() > max_host_length)
        return fail(errc::bad_portal_address, diag,
                    "portal address is longer than " + std::to_string(max_host_length) + " characters");
    if (host.find(':') == std::string_view::npos && !valid_host_name(host))
        return fail(errc::bad_portal_address, diag, "invalid character in portal address " + quoted(host));
    if (port) {
        auto const n = parse_u16ish(*port);
        if (!n || *n == 0)
            return fail(errc::bad_port, diag, "port " + quoted(*port) + " is not a number in 1..65535");
        p.port = static_cast<std::uint16_t>(*n);
    }
    p.address = std::string(host);
    return p;
}

std::string format_portal(portal const& p)
{
    bool const v6 = p.address.find(':') != std::string::npos;
    std::string out = v6 ? "[" + p.address + "]" : p.address;
    out += ':';
    out += std::to_string(p.port);
    if (p.tpgt) {
        out += ',';
        out += std::to_string(*p.tpgt);
    }
    return out;
}

} // namespace iscsi::discovery
