#include "iscsi/ibft/boot.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace iscsi::ibft {
namespace {

constexpr int origin_dhcp = 3; // iBFT 1.03 §3.5: prefix origin "DHCP"

/// The IPv4 mask the kernel's subnet-mask attribute shows for a prefix.
/// IPv6 has no such mask: left out.
std::string ipv4_mask(std::string const& ip, int prefix)
{
    if (prefix <= 0 || prefix > 32 || ip.find(':') != std::string::npos)
        return {};
    std::uint32_t const mask = ~std::uint32_t{0} << (32 - prefix);
    in_addr a{htonl(mask)};
    char buf[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &a, buf, sizeof buf);
    return buf;
}

std::string mac_text(std::array<std::uint8_t, 6> const& m)
{
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

/// As iscsi_ibft prints a LUN: each of the 8 bytes with %x, no padding
/// (so 00 01 00.. reads "01000000"; open-iscsi passes it on as it is).
std::string lun_text(std::array<std::uint8_t, 8> const& b)
{
    std::string s;
    for (auto v : b) {
        char x[3];
        std::snprintf(x, sizeof x, "%x", v);
        s += x;
    }
    return s;
}

void fill_nic(boot_entry& e, nic const& n)
{
    e.nic_index = n.index;
    e.nic_flags = n.flags;
    e.mac = mac_text(n.mac);
    e.ip = n.ip;
    e.prefix_length = n.prefix_length;
    e.subnet_mask = ipv4_mask(n.ip, n.prefix_length);
    e.origin = n.origin;
    e.gateway = n.gateway;
    e.primary_dns = n.primary_dns;
    e.secondary_dns = n.secondary_dns;
    e.dhcp = n.dhcp;
    e.vlan = std::to_string(n.vlan);
    e.pci_bdf = n.pci_bdf;
}

void fill_target(boot_entry& e, target const& g)
{
    e.target_index = g.index;
    e.target_flags = g.flags;
    e.target_name = g.name;
    e.target_ip = g.ip;
    e.target_port = g.port == 0 ? 3260 : g.port;
    e.lun = lun_text(g.lun_bytes);
    e.lun_number = g.lun();
    e.chap_name = g.chap_name;
    e.chap_secret = g.chap_secret;
    e.rev_chap_name = g.reverse_chap_name;
    e.rev_chap_secret = g.reverse_chap_secret;
}

} // namespace

bool boot_entry::dhcp_configured() const
{
    return origin == origin_dhcp || (!dhcp.empty() && dhcp != "0.0.0.0");
}

std::vector<boot_entry> boot_entries(table const& t, std::vector<std::string>& warnings)
{
    std::vector<target const*> targets;
    for (auto const& g : t.targets)
        targets.push_back(&g);
    std::stable_sort(targets.begin(), targets.end(),
                     [](target const* a, target const* b) { return a->index < b->index; });
    std::vector<boot_entry> out;
    for (auto const* g : targets) {
        std::string const which = "target " + std::to_string(g->index);
        // iBFT 1.03 §3.3 says bit 0 marks a valid block, but some firmware
        // sets only bit 1 (boot selected): any flag counts, as in the kernel.
        if (g->flags == 0)
            continue;
        if (g->name.empty() || g->ip.empty()) {
            warnings.push_back(which + " has no " + (g->name.empty() ? "name" : "address") + "; skipped");
            continue;
        }
        auto n = std::find_if(t.nics.begin(), t.nics.end(),
                              [&](nic const& x) { return x.index == g->nic_association && x.flags != 0; });
        if (n == t.nics.end()) {
            warnings.push_back(which + " names NIC " + std::to_string(g->nic_association) +
                               ", which the table does not have; skipped");
            continue;
        }
        boot_entry e;
        if (t.init)
            e.initiator_name = t.init->name;
        fill_nic(e, *n);
        fill_target(e, *g);
        out.push_back(std::move(e));
    }
    return out;
}

std::string format_entry(boot_entry const& e, bool show_secrets)
{
    std::string s = "# BEGIN RECORD 2.1.8\n";
    auto line = [&](char const* key, std::string const& v) {
        if (!v.empty())
            s.append(key).append(" = ").append(v).append("\n");
    };
    auto secret = [&](std::string const& v) { return show_secrets || v.empty() ? v : std::string("********"); };
    line("iface.initiatorname", e.initiator_name);
    line("iface.isid", e.isid);
    line("iface.transport_name", e.transport);
    line("iface.hwaddress", e.mac);
    line("iface.bootproto", e.dhcp_configured() ? "DHCP" : "STATIC");
    line("iface.ipaddress", e.ip);
    if (e.prefix_length != 0)
        line("iface.prefix_len", std::to_string(e.prefix_length));
    line("iface.subnet_mask", e.subnet_mask);
    line("iface.gateway", e.gateway);
    line("iface.primary_dns", e.primary_dns);
    line("iface.secondary_dns", e.secondary_dns);
    line("iface.vlan_id", e.vlan);
    line("iface.net_ifacename", e.netdev);
    line("node.name", e.target_name);
    line("node.conn[0].address", e.target_ip);
    line("node.conn[0].port", std::to_string(e.target_port));
    line("node.session.auth.username", e.chap_name);
    line("node.session.auth.password", secret(e.chap_secret));
    line("node.session.auth.username_in", e.rev_chap_name);
    line("node.session.auth.password_in", secret(e.rev_chap_secret));
    line("node.boot_lun", e.lun);
    s += "# END RECORD\n";
    return s;
}

db::node_record node_record_for(boot_entry const& e, db::node_record base)
{
    auto& r = base;
    r.name = e.target_name;
    r.tpgt = 1; // the iBFT has no TPGT; open-iscsi assumes 1 as well
    r.conn.address = e.target_ip;
    r.conn.port = e.target_port;
    r.disc_type = db::discovery_type::fw;
    r.iface.initiatorname = e.initiator_name;
    r.iface.transport_name = e.transport;
    auto& a = r.session.auth;
    a.username = e.chap_name;
    a.password = e.chap_secret;
    a.username_in = e.rev_chap_name;
    a.password_in = e.rev_chap_secret;
    // authmethod stays as iscsid.conf says, as in open-iscsi's fw records:
    // CHAP credentials alone make a login offer CHAP (iscsid's uses_chap).
    return r;
}

} // namespace iscsi::ibft
