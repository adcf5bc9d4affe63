#include "iscsi/discovery/isns/messages.hpp"

#include "iscsi/core/iscsi_name.hpp"
#include "iscsi/discovery/isns/errors.hpp"

#include <algorithm>
#include <map>

namespace iscsi::discovery::isns {

namespace {

std::error_code fail(errc e, diagnostics* diag, std::string what)
{
    if (diag)
        diag->set(std::move(what));
    return make_error_code(e);
}

message request(function fn, std::string const& source)
{
    message m;
    m.fn = fn;
    m.attributes.push_back(string_attribute(tag::iscsi_name, source));
    return m;
}

} // namespace

result<message> dev_attr_reg(registration const& r)
{
    // Message Key: the Entity Identifier (empty: a new entity whose EID
    // the server assigns, §5.6.5.1). Operating attributes: the entity,
    // then its portal, then its node, each object's key attribute first.
    auto m = request(function::dev_attr_reg, r.initiator_name);
    m.attributes.push_back(r.entity_id.empty() ? empty_attribute(tag::entity_identifier)
                                               : string_attribute(tag::entity_identifier, r.entity_id));
    m.attributes.push_back(empty_attribute(tag::delimiter));
    m.attributes.push_back(m.attributes[1]);
    m.attributes.push_back(u32_attribute(tag::entity_protocol, entity_protocol_iscsi));
    if (r.portal_address) {
        auto ip = address_attribute(tag::portal_ip_address, *r.portal_address);
        if (!ip)
            return ip.error();
        m.attributes.push_back(std::move(*ip));
        m.attributes.push_back(u32_attribute(tag::portal_port, r.portal_port));
        if (r.scn_port)
            m.attributes.push_back(u32_attribute(tag::scn_port, *r.scn_port));
    }
    m.attributes.push_back(string_attribute(tag::iscsi_name, r.initiator_name));
    m.attributes.push_back(u32_attribute(tag::iscsi_node_type, node_type::initiator));
    if (!r.alias.empty())
        m.attributes.push_back(string_attribute(tag::iscsi_alias, r.alias));
    return m;
}

namespace {

/// What a query asks of each target: its node, portals and Portal Groups.
void ask_for_target_attributes(message& m)
{
    for (auto t : {tag::iscsi_name, tag::iscsi_node_type, tag::iscsi_alias, tag::portal_ip_address, tag::portal_port,
                   tag::pg_iscsi_name, tag::pg_portal_ip_address, tag::pg_portal_port, tag::pg_tag})
        m.attributes.push_back(empty_attribute(t));
}

} // namespace

message query_targets(std::string const& source)
{
    auto m = request(function::dev_attr_qry, source);
    m.attributes.push_back(u32_attribute(tag::iscsi_node_type, node_type::target));
    m.attributes.push_back(empty_attribute(tag::delimiter));
    ask_for_target_attributes(m);
    return m;
}

message query_target(std::string const& source, std::string const& name)
{
    auto m = request(function::dev_attr_qry, source);
    m.attributes.push_back(string_attribute(tag::iscsi_name, name));
    m.attributes.push_back(empty_attribute(tag::delimiter));
    ask_for_target_attributes(m);
    return m;
}

message next_target(std::string const& source, std::string const& after)
{
    auto m = request(function::dev_get_next, source);
    m.attributes.push_back(after.empty() ? empty_attribute(tag::iscsi_name) : string_attribute(tag::iscsi_name, after));
    m.attributes.push_back(empty_attribute(tag::delimiter));
    m.attributes.push_back(u32_attribute(tag::iscsi_node_type, node_type::target));
    return m;
}

std::optional<std::string> next_target_name(message const& response)
{
    for (auto const& a : response.attributes) {
        if (a.tag_id() == tag::delimiter)
            break;
        if (a.tag_id() == tag::iscsi_name)
            return string_value(a);
    }
    return std::nullopt;
}

message dev_dereg(std::string const& source, std::string const& entity_id)
{
    auto m = request(function::dev_dereg, source);
    m.attributes.push_back(empty_attribute(tag::delimiter));
    m.attributes.push_back(entity_id.empty() ? string_attribute(tag::iscsi_name, source)
                                             : string_attribute(tag::entity_identifier, entity_id));
    return m;
}

message scn_reg(std::string const& source, std::uint32_t bitmap)
{
    auto m = request(function::scn_reg, source);
    m.attributes.push_back(string_attribute(tag::iscsi_name, source));
    m.attributes.push_back(empty_attribute(tag::delimiter));
    m.attributes.push_back(u32_attribute(tag::iscsi_scn_bitmap, bitmap));
    return m;
}

message answer_server_request(message const& request)
{
    message rsp;
    rsp.fn = request.fn;
    rsp.is_response = true;
    rsp.xid = request.xid;
    rsp.status = 0;
    if (request.fn == function::esi) {
        rsp.attributes = request.attributes;
    } else if (request.fn == function::scn) {
        if (!request.attributes.empty())
            rsp.attributes.push_back(request.attributes.front());
    } else {
        rsp.status = 15;
    }
    return rsp;
}

std::error_code check_status(message const& response, errc refusal, std::string_view what, diagnostics* diag)
{
    auto const status = response.status.value_or(0);
    if (status == 0)
        return {};
    return fail(refusal, diag, std::string(what) + ": " + status_name(status));
}

result<registered> parse_registration(message const& response, diagnostics* diag)
{
    if (auto ec = check_status(response, errc::registration_refused, "registration", diag))
        return ec;
    registered out;
    for (auto const& a : response.attributes) {
        if (a.tag_id() == tag::entity_identifier && out.entity_id.empty())
            out.entity_id = string_value(a).value_or("");
        else if (a.tag_id() == tag::registration_period)
            out.registration_period = u32_value(a).value_or(0);
    }
    return out;
}

namespace {

/// A response's objects, in order (§5.6.5.2 lists each object's attributes
/// together, its key first).
struct node_object {
    std::string name;
    std::uint32_t type = 0;
    std::string alias;
    std::vector<portal> listed; ///< portals that followed it
};
struct pg_object {
    std::string name;
    std::optional<std::string> address;
    std::optional<std::uint16_t> port;
    std::optional<std::uint32_t> tag; ///< empty PGT: NULL, no access
};

enum class object_kind { none, node, portal, pg };

struct layout {
    std::vector<node_object> nodes;
    std::vector<pg_object> pgs;
};

/// Port fields keep the UDP flag in bit 16 (§6.3.2); iSCSI is TCP.
std::optional<std::uint16_t> tcp_port(attribute const& a)
{
    auto v = u32_value(a);
    if (!v || (*v & 0x10000U) || (*v & 0xffffU) == 0)
        return std::nullopt;
    return static_cast<std::uint16_t>(*v & 0xffffU);
}

result<void> add_attribute(layout& l, object_kind& kind, attribute const& a, diagnostics* diag)
{
    auto bad = [&](char const* what) -> result<void> {
        return fail(errc::bad_attribute_value, diag, std::string(what) + " (tag " + std::to_string(a.tag) + ")");
    };
    switch (a.tag_id()) {
    case tag::iscsi_name: {
        auto n = string_value(a);
        if (!n)
            return bad("an iSCSI Name without its NUL");
        l.nodes.push_back({*n, 0, {}, {}});
        kind = object_kind::node;
        return {};
    }
    case tag::iscsi_node_type:
    case tag::iscsi_alias:
        if (kind != object_kind::node)
            return fail(errc::bad_response_layout, diag, "a node attribute outside a node");
        if (a.tag_id() == tag::iscsi_alias)
            l.nodes.back().alias = string_value(a).value_or("");
        else if (auto t = u32_value(a))
            l.nodes.back().type = *t;
        else
            return bad("an iSCSI Node Type that is not 4 bytes");
        return {};
    case tag::portal_ip_address: {
        auto ip = address_value(a);
        if (!ip)
            return bad("a Portal IP Address that is not 16 bytes");
        kind = object_kind::portal;
        if (!l.nodes.empty())
            l.nodes.back().listed.push_back({*ip, 0, std::nullopt});
        return {};
    }
    case tag::portal_port:
        if (kind != object_kind::portal)
            return fail(errc::bad_response_layout, diag, "a Portal TCP/UDP Port outside a portal");
        if (!l.nodes.empty() && !l.nodes.back().listed.empty())
            l.nodes.back().listed.back().port = tcp_port(a).value_or(0);
        return {};
    case tag::pg_iscsi_name: {
        auto n = string_value(a);
        if (!n)
            return bad("a PG iSCSI Name without its NUL");
        l.pgs.push_back({*n, {}, {}, {}});
        kind = object_kind::pg;
        return {};
    }
    case tag::pg_portal_ip_address:
    case tag::pg_portal_port:
    case tag::pg_tag: {
        if (kind != object_kind::pg)
            return fail(errc::bad_response_layout, diag, "a Portal Group attribute outside a Portal Group");
        auto& pg = l.pgs.back();
        if (a.tag_id() == tag::pg_portal_ip_address) {
            if (!(pg.address = address_value(a)))
                return bad("a PG Portal IP Address that is not 16 bytes");
        } else if (a.tag_id() == tag::pg_portal_port) {
            pg.port = tcp_port(a);
        } else if (!a.value.empty()) {
            auto t = u32_value(a);
            if (!t || *t > 0xffffU)
                return bad("a PGT that is not a 16-bit number");
            pg.tag = *t;
        }
        return {};
    }
    default:
        kind = object_kind::none; // an object we did not ask for: skip it whole
        return {};
    }
}

} // namespace

result<std::vector<target_record>> parse_targets(message const& response, diagnostics* diag)
{
    if (auto ec = check_status(response, errc::query_refused, "query", diag))
        return ec;
    // Skip the Message Key echoed before the Delimiter (§5.6.5.2).
    auto const& attrs = response.attributes;
    auto it = std::find_if(attrs.begin(), attrs.end(), [](auto const& a) { return a.tag_id() == tag::delimiter; });
    it = it == attrs.end() ? attrs.begin() : it + 1;
    layout l;
    object_kind kind = object_kind::none;
    for (; it != attrs.end(); ++it) {
        if (auto r = add_attribute(l, kind, *it, diag); !r)
            return r.error();
        if (l.nodes.size() > max_targets || l.pgs.size() > max_targets * max_portals_per_target)
            return fail(errc::too_many_objects, diag, "more than " + std::to_string(max_targets) + " targets");
    }

    std::vector<target_record> out;
    std::map<std::string, std::size_t, std::less<>> index;
    for (auto const& n : l.nodes) {
        if (!(n.type & node_type::target) || index.contains(n.name))
            continue;
        if (auto const problem = check_iscsi_name(n.name); problem != name_problem::none)
            return fail(errc::bad_attribute_value, diag,
                        "target name \"" + n.name.substr(0, 64) + "\": " + std::string(describe(problem)));
        index.emplace(n.name, out.size());
        target_record t{n.name, {}, n.alias};
        bool const grouped = std::any_of(l.pgs.begin(), l.pgs.end(), [&](auto const& pg) { return pg.name == n.name; });
        if (!grouped)
            for (auto const& p : n.listed)
                if (p.port != 0)
                    t.portals.push_back(p);
        out.push_back(std::move(t));
    }
    for (auto const& pg : l.pgs) {
        auto at = index.find(pg.name);
        if (at == index.end() || !pg.address || !pg.port || !pg.tag)
            continue; // not a target of ours, or NULL PGT: no access through this portal (§3.4)
        auto& portals = out[at->second].portals;
        portal p{*pg.address, *pg.port, static_cast<std::uint16_t>(*pg.tag)};
        if (std::find(portals.begin(), portals.end(), p) != portals.end())
            continue;
        if (portals.size() == max_portals_per_target)
            return fail(errc::too_many_objects, diag, "more than " + std::to_string(max_portals_per_target) +
                                                          " portals for " + pg.name);
        portals.push_back(std::move(p));
    }
    return out;
}

} // namespace iscsi::discovery::isns
