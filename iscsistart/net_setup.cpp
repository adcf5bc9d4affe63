// iscsistart -N over rtnetlink (net_setup.hpp).
#include "net_setup.hpp"

#include "kernel_link.hpp" // unique_fd

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <set>

namespace iscsistart {
namespace {

using iscsi::ibft::boot_entry;

/// One rtnetlink request under construction: header, family struct, then
/// attributes (nested ones through begin/end).
class request {
public:
    request(std::uint16_t type, std::uint16_t flags) { put_header(type, flags); }
    template <class T>
    void body(T const& t) { append(&t, sizeof t); }
    void attr(std::uint16_t type, void const* data, std::size_t n)
    {
        rtattr a{};
        a.rta_len = static_cast<unsigned short>(RTA_LENGTH(n));
        a.rta_type = type;
        append(&a, sizeof a);
        append(data, n);
    }
    void attr(std::uint16_t type, std::string const& s) { attr(type, s.c_str(), s.size() + 1); }
    std::size_t begin(std::uint16_t type) { auto at = buf_.size(); attr(type, nullptr, 0); return at; }
    void end(std::size_t at)
    {
        auto len = static_cast<unsigned short>(buf_.size() - at);
        std::memcpy(buf_.data() + at, &len, sizeof len);
    }
    std::vector<char>& finish()
    {
        auto len = static_cast<std::uint32_t>(buf_.size());
        std::memcpy(buf_.data(), &len, sizeof len);
        return buf_;
    }

private:
    void put_header(std::uint16_t type, std::uint16_t flags)
    {
        nlmsghdr h{};
        h.nlmsg_type = type;
        h.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
        h.nlmsg_seq = 1;
        append(&h, sizeof h);
    }
    void append(void const* p, std::size_t n)
    {
        auto const* c = static_cast<char const*>(p);
        buf_.insert(buf_.end(), c, c + n);
        buf_.resize(NLMSG_ALIGN(buf_.size()), 0);
    }
    std::vector<char> buf_;
};

/// Sends one request and reads its acknowledgement: 0 or an errno.
int talk(int fd, request& r)
{
    auto& b = r.finish();
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
        return errno;
    char reply[8192];
    for (;;) {
        auto n = ::recv(fd, reply, sizeof reply, 0);
        if (n < 0)
            return errno == EINTR ? talk(fd, r) : errno;
        auto const got = static_cast<std::size_t>(n);
        for (std::size_t at = 0; at + sizeof(nlmsghdr) <= got;) {
            nlmsghdr h;
            std::memcpy(&h, reply + at, sizeof h);
            if (h.nlmsg_len < sizeof h || h.nlmsg_len > got - at)
                break;
            if (h.nlmsg_type == NLMSG_ERROR && h.nlmsg_len >= NLMSG_ALIGN(sizeof h) + sizeof(nlmsgerr)) {
                nlmsgerr e;
                std::memcpy(&e, reply + at + NLMSG_ALIGN(sizeof h), sizeof e);
                return -e.error;
            }
            at += NLMSG_ALIGN(h.nlmsg_len);
        }
    }
}

std::string mac_of(char const* ifname)
{
    iscsid::unique_fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq q{};
    std::snprintf(q.ifr_name, sizeof q.ifr_name, "%s", ifname);
    if (!s || ::ioctl(s.get(), SIOCGIFHWADDR, &q) < 0)
        return {};
    auto const* m = reinterpret_cast<unsigned char const*>(q.ifr_hwaddr.sa_data);
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

/// The interface of an entry in this namespace: its name if that exists
/// here, else the first interface with its MAC.
std::string find_netdev(boot_entry const& e)
{
    if (!e.netdev.empty() && ::if_nametoindex(e.netdev.c_str()) != 0)
        return e.netdev;
    std::string found;
    if (auto* list = ::if_nameindex()) {
        for (auto* i = list; i->if_index != 0 && found.empty(); ++i)
            if (mac_of(i->if_name) == e.mac)
                found = i->if_name;
        ::if_freenameindex(list);
    }
    return found;
}

struct address {
    int family = AF_INET;
    unsigned char bytes[16] = {};
    [[nodiscard]] std::size_t size() const { return family == AF_INET ? 4 : 16; }
};

std::optional<address> parse_address(std::string const& text)
{
    address a;
    if (::inet_pton(AF_INET, text.c_str(), a.bytes) == 1)
        return a;
    a.family = AF_INET6;
    if (::inet_pton(AF_INET6, text.c_str(), a.bytes) == 1)
        return a;
    return std::nullopt;
}

bool same_subnet(address const& a, address const& b, int prefix)
{
    if (a.family != b.family)
        return false;
    for (int bit = 0; bit < prefix && bit < static_cast<int>(a.size() * 8); ++bit) {
        int const mask = 0x80 >> (bit % 8);
        if ((a.bytes[bit / 8] & mask) != (b.bytes[bit / 8] & mask))
            return false;
    }
    return true;
}

int link_up(int fd, unsigned index)
{
    request r(RTM_NEWLINK, 0);
    ifinfomsg i{};
    i.ifi_family = AF_UNSPEC;
    i.ifi_index = static_cast<int>(index);
    i.ifi_flags = IFF_UP;
    i.ifi_change = IFF_UP;
    r.body(i);
    return talk(fd, r);
}

/// "eth0.100", 802.1Q on `parent` (the kernel loads 8021q on demand).
int add_vlan(int fd, unsigned parent, std::string const& name, std::uint16_t id)
{
    request r(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    ifinfomsg i{};
    i.ifi_family = AF_UNSPEC;
    r.body(i);
    std::uint32_t const link = parent;
    r.attr(IFLA_LINK, &link, sizeof link);
    r.attr(IFLA_IFNAME, name);
    auto info = r.begin(IFLA_LINKINFO);
    r.attr(IFLA_INFO_KIND, std::string("vlan"));
    auto data = r.begin(IFLA_INFO_DATA);
    r.attr(IFLA_VLAN_ID, &id, sizeof id);
    r.end(data);
    r.end(info);
    int const rc = talk(fd, r);
    return rc == EEXIST ? 0 : rc;
}

int add_address(int fd, unsigned index, address const& a, int prefix)
{
    request r(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
    ifaddrmsg m{};
    m.ifa_family = static_cast<unsigned char>(a.family);
    m.ifa_prefixlen = static_cast<unsigned char>(prefix);
    m.ifa_index = index;
    r.body(m);
    r.attr(IFA_LOCAL, a.bytes, a.size());
    r.attr(IFA_ADDRESS, a.bytes, a.size());
    return talk(fd, r);
}

/// A host route to `dst`: through `via` when given, else on the link.
int add_host_route(int fd, unsigned index, address const& dst, std::optional<address> const& via)
{
    request r(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
    rtmsg m{};
    m.rtm_family = static_cast<unsigned char>(dst.family);
    m.rtm_dst_len = static_cast<unsigned char>(dst.size() * 8);
    m.rtm_table = RT_TABLE_MAIN;
    m.rtm_protocol = RTPROT_BOOT;
    m.rtm_scope = via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
    m.rtm_type = RTN_UNICAST;
    r.body(m);
    r.attr(RTA_DST, dst.bytes, dst.size());
    if (via)
        r.attr(RTA_GATEWAY, via->bytes, via->size());
    std::uint32_t const oif = index;
    r.attr(RTA_OIF, &oif, sizeof oif);
    return talk(fd, r);
}

bool report(int rc, std::string const& what)
{
    if (rc == 0)
        return true;
    std::cerr << "iscsistart: " << what << ": " << std::strerror(rc) << "\n";
    return false;
}

/// One NIC: up, VLAN, address, routes to `targets`.
bool set_up_nic(int fd, boot_entry const& e, std::vector<boot_entry const*> const& targets)
{
    auto const dev = find_netdev(e);
    if (dev.empty()) {
        std::cerr << "iscsistart: no network interface has the firmware NIC's address " << e.mac << "\n";
        return false;
    }
    std::cout << "Setting up software interface " << dev << "\n";
    unsigned index = ::if_nametoindex(dev.c_str());
    bool ok = report(link_up(fd, index), "bringing up " + dev);
    auto const vlan = static_cast<std::uint16_t>(std::atoi(e.vlan.c_str()));
    std::string name = dev;
    if (vlan != 0) {
        name = dev + "." + std::to_string(vlan);
        ok = report(add_vlan(fd, index, name, vlan), "creating VLAN " + std::to_string(vlan) + " on " + dev) && ok;
        index = ::if_nametoindex(name.c_str());
        ok = report(index ? link_up(fd, index) : ENODEV, "bringing up " + name) && ok;
    }
    auto const ip = parse_address(e.ip);
    if (!ip) {
        std::cerr << "iscsistart: the firmware gives " << dev << " no usable address\n";
        return false;
    }
    ok = report(add_address(fd, index, *ip, e.prefix_length), "setting " + e.ip + "/" +
                std::to_string(e.prefix_length) + " on " + name) && ok;
    // Like open-iscsi: no default route (the root file system's network
    // configuration owns that), but a host route to every target, through
    // the gateway when the target is outside the subnet.
    auto const gw = parse_address(e.gateway);
    for (auto const* t : targets) {
        auto const dst = parse_address(t->target_ip);
        if (!dst)
            continue;
        bool const local = same_subnet(*dst, *ip, e.prefix_length);
        ok = report(add_host_route(fd, index, *dst, local ? std::nullopt : gw),
                    "routing " + t->target_ip + (local || !gw ? " on " + name : " through " + e.gateway)) && ok;
    }
    return ok;
}

} // namespace

bool set_up_network(std::vector<boot_entry> const& entries)
{
    iscsid::unique_fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!fd) {
        std::cerr << "iscsistart: cannot open rtnetlink: " << std::strerror(errno) << "\n";
        return false;
    }
    // NICs in the order the targets name them, each once with its targets.
    std::vector<std::pair<boot_entry const*, std::vector<boot_entry const*>>> nics;
    for (auto const& e : entries) {
        auto it = std::find_if(nics.begin(), nics.end(), [&](auto const& n) { return n.first->nic_index == e.nic_index; });
        if (it == nics.end())
            nics.push_back({&e, {&e}});
        else
            it->second.push_back(&e);
    }
    bool ok = true;
    for (auto const& [nic, targets] : nics)
        if (!set_up_nic(fd.get(), *nic, targets)) {
            std::cout << "Setting up software interface " << (nic->netdev.empty() ? nic->mac : nic->netdev)
                      << " failed\n";
            ok = false;
        }
    return ok;
}

} // namespace iscsistart
