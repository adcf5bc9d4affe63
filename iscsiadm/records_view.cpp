#include "records_view.hpp"

#include "output.hpp"

#include <algorithm>
#include <cstdint>

namespace iscsiadm {

namespace {

std::string portal_dir_name(iscsi::db::node_key const& k)
{
    auto s = k.address + "," + std::to_string(k.port);
    if (k.tpgt >= 0)
        s += "," + std::to_string(k.tpgt);
    return s;
}

} // namespace

void sort_like_open_iscsi(std::vector<iscsi::db::node_key>& keys)
{
    // Sort keys built once, not per comparison: 10,000 records.
    std::vector<std::pair<std::string, std::size_t>> order;
    order.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        // '\1' sorts before every character a name may hold, so "a" < "ab".
        order.emplace_back(keys[i].target + '\1' + portal_dir_name(keys[i]) + '\1' + keys[i].iface, i);
    }
    std::sort(order.begin(), order.end());
    std::vector<iscsi::db::node_key> sorted;
    sorted.reserve(keys.size());
    for (auto const& [key, i] : order)
        sorted.push_back(std::move(keys[i]));
    keys = std::move(sorted);
}

std::string format_portal_text(std::string const& address, int port)
{
    if (address.find('.') != std::string::npos)
        return address + ":" + std::to_string(port);
    return "[" + address + "]:" + std::to_string(port);
}

std::string flat_line(iscsi::db::node_key const& k)
{
    // open-iscsi prints tpgt -1 as 4294967295 here (an unsigned printf) and
    // as -1 everywhere else; scripts parse this list, so we keep its bytes
    // (docs/compat.md).
    return format_portal_text(k.address, k.port) + "," + std::to_string(static_cast<std::uint32_t>(k.tpgt)) +
           " " + k.target + "\n";
}

std::string node_tree(std::vector<iscsi::db::node_key> const& keys)
{
    std::string out;
    iscsi::db::node_key const* last = nullptr;
    for (auto const& k : keys) {
        bool const new_target = !last || last->target != k.target;
        if (new_target)
            out += "Target: " + k.target + "\n";
        if (new_target || last->address != k.address || last->port != k.port || last->tpgt != k.tpgt)
            out += "\tPortal: " + format_portal_text(k.address, k.port) + "," + std::to_string(k.tpgt) + "\n";
        out += "\t\tIface Name: " + k.iface + "\n";
        last = &k;
    }
    return out;
}

std::string nodes_json(std::vector<iscsi::db::node_key> const& keys)
{
    std::string out = "[";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        auto const& k = keys[i];
        out += i ? ",\n " : "\n ";
        out += "{\"target\": " + json_string(k.target) + ", \"address\": " + json_string(k.address) +
               ", \"port\": " + std::to_string(k.port) + ", \"tpgt\": " + std::to_string(k.tpgt) +
               ", \"iface\": " + json_string(k.iface) + "}";
    }
    out += keys.empty() ? "]\n" : "\n]\n";
    return out;
}

} // namespace iscsiadm
