#include "paths.hpp"

#include "iscsi/db/errors.hpp"

#include <charconv>

namespace iscsi::db::paths {

namespace fs = std::filesystem;

namespace {

std::optional<int> to_int(std::string_view s)
{
    int n = 0;
    auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return n;
}

} // namespace

bool is_safe_component(std::string_view name) noexcept
{
    // One path component (NAME_MAX 255). RFC 7143 §4.2.7 caps iSCSI names
    // at 223 bytes, but open-iscsi stores up to 254 and so do we; longer is
    // refused rather than silently cut as open-iscsi does.
    return !name.empty() && name.size() <= 254 && name != "." && name != ".." &&
           name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos &&
           name.front() != '.';
}

result<void> check_key(node_key const& k)
{
    if (!is_safe_component(k.target) || !is_safe_component(k.address) ||
        k.address.find(',') != std::string::npos || !is_safe_component(k.iface))
        return make_error_code(errc::bad_name);
    return {};
}

std::string portal_name(std::string_view address, int port)
{
    return std::string(address) + "," + std::to_string(port);
}

std::string portal_name(std::string_view address, int port, int tpgt)
{
    return portal_name(address, port) + "," + std::to_string(tpgt);
}

std::optional<parsed_portal> parse_portal_name(std::string_view name)
{
    auto const c1 = name.find(',');
    if (c1 == std::string_view::npos || c1 == 0)
        return std::nullopt;
    parsed_portal p;
    p.address.assign(name.substr(0, c1));
    auto rest = name.substr(c1 + 1);
    auto const c2 = rest.find(',');
    auto const port = to_int(rest.substr(0, c2));
    if (!port)
        return std::nullopt;
    p.port = *port;
    if (c2 != std::string_view::npos) {
        auto const tpgt = to_int(rest.substr(c2 + 1));
        if (!tpgt)
            return std::nullopt;
        p.tpgt = *tpgt;
    }
    return p;
}

fs::path nodes_dir(fs::path const& root) { return root / "nodes"; }

fs::path target_dir(fs::path const& root, std::string_view target) { return nodes_dir(root) / target; }

fs::path portal_dir(fs::path const& root, node_key const& k)
{
    return target_dir(root, k.target) / portal_name(k.address, k.port, k.tpgt);
}

fs::path node_file(fs::path const& root, node_key const& k)
{
    if (k.tpgt < 0)
        return target_dir(root, k.target) / portal_name(k.address, k.port);
    return portal_dir(root, k) / k.iface;
}

fs::path discovery_root(fs::path const& root, discovery_kind kind)
{
    return root / (kind == discovery_kind::isns ? "isns" : "send_targets");
}

fs::path discovery_dir(fs::path const& root, discovery_kind kind, std::string_view address, int port)
{
    return discovery_root(root, kind) / portal_name(address, port);
}

std::string_view discovery_file_name(discovery_kind kind)
{
    return kind == discovery_kind::isns ? "isns_config" : "st_config";
}

std::string link_name(node_key const& k)
{
    return k.target + "," + portal_name(k.address, k.port, k.tpgt) + "," + k.iface;
}

std::optional<node_key> parse_link_name(std::string_view name)
{
    // The target name holds no ',' (RFC 7143 §4.2.7.1 allows only
    // letters, digits, '-', '.', ':'), so the first ',' ends it.
    auto const c1 = name.find(',');
    auto const last = name.rfind(',');
    if (c1 == std::string_view::npos || last == c1)
        return std::nullopt;
    auto const portal = parse_portal_name(name.substr(c1 + 1, last - c1 - 1));
    if (!portal || portal->tpgt < 0)
        return std::nullopt;
    return node_key{std::string(name.substr(0, c1)), portal->address, portal->port, portal->tpgt,
                    std::string(name.substr(last + 1))};
}

fs::path ifaces_dir(fs::path const& root) { return root / "ifaces"; }

} // namespace iscsi::db::paths
