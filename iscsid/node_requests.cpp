#include "node_requests.hpp"

#include "iscsi/db/record_format.hpp"

#include <string_view>

namespace iscsid {

namespace db = iscsi::db;

std::optional<db::node_key> key_from(ipc_message const& req)
{
    db::node_key k;
    auto target = req.get("target");
    auto address = req.get("address");
    auto port = req.get_int("port");
    if (!target || !address || !port)
        return std::nullopt;
    k.target = *target;
    k.address = *address;
    k.port = static_cast<int>(*port);
    k.tpgt = static_cast<int>(req.get_int("tpgt").value_or(-1));
    k.iface = req.get("iface").value_or("default");
    return k;
}

void add_key(ipc_message& m, db::node_key const& k)
{
    m.add("target", k.target).add("address", k.address).add("port", k.port).add("tpgt", k.tpgt).add("iface", k.iface);
}

ipc_message login_request(db::node_key const& key, db::node_record const* record)
{
    ipc_message m;
    m.add("op", "login");
    add_key(m, key);
    if (!record)
        return m;
    auto const text = db::format_node(*record, db::print_style::file);
    std::string_view rest = text;
    while (!rest.empty()) {
        auto const nl = rest.find('\n');
        auto const line = rest.substr(0, nl);
        if (!line.empty() && line.front() != '#')
            m.add("record", std::string(line));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    return m;
}

std::optional<db::node_record> record_from(ipc_message const& req)
{
    auto const lines = req.all("record");
    if (lines.empty())
        return std::nullopt;
    std::string text;
    for (auto const& l : lines)
        text.append(l).append("\n");
    db::node_record r;
    db::parse_node(text, r);
    return r;
}

} // namespace iscsid
