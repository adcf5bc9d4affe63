#include "iscsi/ibft/firmware.hpp"

#include "iscsi/kernel/sysfs.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace iscsi::ibft {
namespace fs = std::filesystem;
namespace {

// The legacy BIOS area iPXE and option ROMs put an iBFT in (iBFT 1.03 §1.4.3).
constexpr std::size_t bios_scan_start = 0x80000, bios_scan_end = 0x100000;

std::optional<std::vector<std::byte>> read_bytes(fs::path const& p, std::size_t limit = 1 << 20)
{
    std::ifstream in(p, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::vector<std::byte> b;
    char buf[4096];
    while (b.size() < limit && in.read(buf, sizeof buf), in.gcount() > 0) {
        auto const n = std::min<std::size_t>(static_cast<std::size_t>(in.gcount()), limit - b.size());
        auto const* p8 = reinterpret_cast<std::byte const*>(buf);
        b.insert(b.end(), p8, p8 + n);
    }
    return b;
}

/// A sysfs attribute without trailing padding ("" when absent): firmware
/// strings may be blank-padded, and open-iscsi strips them too.
std::string attr(fs::path const& p)
{
    auto s = kernel::sysfs_attribute(p);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
        s.pop_back();
    return s;
}

int attr_int(fs::path const& p, int fallback = 0)
{
    auto s = attr(p);
    return s.empty() ? fallback : std::atoi(s.c_str());
}

/// The first interface under `dir` (a device's net/ directory).
std::string first_netdev(fs::path const& dir)
{
    std::error_code ec;
    std::vector<std::string> names;
    for (auto const& d : fs::directory_iterator(dir, ec))
        names.push_back(d.path().filename().string());
    std::sort(names.begin(), names.end());
    return names.empty() ? std::string{} : names.front();
}

/// The interface whose address is `mac` (lower case, colon-separated).
std::string netdev_by_mac(fs::path const& sys, std::string const& mac)
{
    std::error_code ec;
    std::vector<std::string> hits;
    for (auto const& d : fs::directory_iterator(sys / "class/net", ec)) {
        auto a = attr(d.path() / "address");
        std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return std::tolower(c); });
        if (a == mac)
            hits.push_back(d.path().filename().string());
    }
    // A VLAN interface shares its parent's MAC; the parent sorts first.
    std::sort(hits.begin(), hits.end(), [](auto const& a, auto const& b) { return a.size() < b.size() || (a.size() == b.size() && a < b); });
    return hits.empty() ? std::string{} : hits.front();
}

std::string netdev_by_pci(fs::path const& sys, std::uint16_t bdf)
{
    if (bdf == 0)
        return {};
    char name[32];
    std::snprintf(name, sizeof name, "0000:%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
    return first_netdev(sys / "bus/pci/devices" / name / "net");
}

bool has_signature(std::vector<std::byte> const& b)
{
    return b.size() >= 4 && (std::memcmp(b.data(), "iBFT", 4) == 0 || std::memcmp(b.data(), "IBFT", 4) == 0 ||
                             std::memcmp(b.data(), "BIFT", 4) == 0);
}

result<firmware> from_table(std::span<std::byte const> bytes, std::string source, firmware_options const& o)
{
    auto t = parse(bytes, {.reject_bad_checksum = o.reject_bad_checksum});
    if (!t)
        return t.error();
    firmware f;
    f.source = std::move(source);
    f.warnings = t->warnings;
    f.entries = boot_entries(*t, f.warnings);
    for (auto& e : f.entries) {
        e.netdev = netdev_by_pci(o.sys, e.pci_bdf);
        if (e.netdev.empty())
            e.netdev = netdev_by_mac(o.sys, e.mac);
    }
    return f;
}

/// The entries `prefix`N under `dir`, in N order.
std::vector<fs::path> numbered(fs::path const& dir, std::string_view prefix)
{
    std::vector<fs::path> out;
    for (auto& [n, p] : kernel::numbered_entries(dir, prefix))
        out.push_back(std::move(p));
    return out;
}

void read_sysfs_nic(boot_entry& e, fs::path const& d, fs::path const& sys)
{
    e.nic_flags = attr_int(d / "flags");
    e.nic_index = attr_int(d / "index");
    e.mac = attr(d / "mac");
    e.ip = attr(d / "ip-addr");
    e.vlan = attr(d / "vlan");
    e.subnet_mask = attr(d / "subnet-mask");
    e.prefix_length = attr_int(d / "prefix-len");
    e.gateway = attr(d / "gateway");
    e.primary_dns = attr(d / "primary-dns");
    e.secondary_dns = attr(d / "secondary-dns");
    e.dhcp = attr(d / "dhcp");
    e.origin = attr_int(d / "origin");
    e.netdev = first_netdev(d / "device/net");
    if (e.netdev.empty())
        e.netdev = netdev_by_mac(sys, e.mac);
}

void read_sysfs_target(boot_entry& e, fs::path const& d)
{
    e.target_flags = attr_int(d / "flags");
    e.target_index = attr_int(d / "index");
    e.target_name = attr(d / "target-name");
    e.target_ip = attr(d / "ip-addr");
    e.target_port = attr_int(d / "port", 3260);
    e.lun = attr(d / "lun");
    e.chap_name = attr(d / "chap-name");
    e.chap_secret = attr(d / "chap-secret");
    e.rev_chap_name = attr(d / "rev-chap-name");
    e.rev_chap_secret = attr(d / "rev-chap-name-secret");
}

/// The LUN number from the kernel's %x-per-byte text, when it is
/// unambiguous (every byte below 0x10 or the usual 16-digit form).
std::uint64_t lun_from_text(std::string const& s)
{
    if ((s.size() != 8 && s.size() != 16) ||
        !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; }))
        return 0;
    std::size_t const w = s.size() / 8;
    std::array<std::uint8_t, 8> b{};
    for (std::size_t k = 0; k < 8; ++k)
        b[k] = static_cast<std::uint8_t>(std::stoul(s.substr(k * w, w), nullptr, 16));
    target t;
    t.lun_bytes = b;
    return t.lun();
}

result<firmware> from_sysfs(firmware_options const& o)
{
    std::vector<fs::path> dirs;
    if (fs::exists(o.sys / "firmware/ibft/initiator"))
        dirs.push_back(o.sys / "firmware/ibft");
    for (auto const& d : numbered(o.sys / "firmware", "iscsi_boot"))
        if (fs::exists(d / "initiator"))
            dirs.push_back(d);
    if (dirs.empty())
        return make_error_code(firmware_errc::not_found);
    firmware f;
    f.source = dirs.front().string();
    for (auto const& d : dirs)
        for (auto& e : entries_from_sysfs(d, o.sys, f.warnings))
            f.entries.push_back(std::move(e));
    return f;
}

result<firmware> from_memory(firmware_options const& o)
{
    std::ifstream in(o.mem, std::ios::binary);
    if (!in)
        return make_error_code(firmware_errc::not_found);
    std::vector<char> area(bios_scan_end - bios_scan_start);
    in.seekg(static_cast<std::streamoff>(bios_scan_start));
    in.read(area.data(), static_cast<std::streamsize>(area.size()));
    if (in.gcount() != static_cast<std::streamsize>(area.size()))
        return make_error_code(firmware_errc::unreadable);
    std::span<std::byte const> bytes(reinterpret_cast<std::byte const*>(area.data()), area.size());
    auto at = find_in_memory(bytes);
    if (!at)
        return make_error_code(firmware_errc::not_found);
    char where[64];
    std::snprintf(where, sizeof where, " at 0x%zx", bios_scan_start + *at);
    return from_table(bytes.subspan(*at), o.mem.string() + where, o);
}

} // namespace

std::vector<boot_entry> entries_from_sysfs(fs::path const& dir, fs::path const& sys, std::vector<std::string>& warnings)
{
    auto const nics = numbered(dir, "ethernet");
    std::string const initiator = attr(dir / "initiator/initiator-name");
    std::string const isid = attr(dir / "initiator/isid");
    std::vector<boot_entry> out;
    for (auto const& t : numbered(dir, "target")) {
        boot_entry e;
        read_sysfs_target(e, t);
        // As open-iscsi: flags 0 is an unused slot; name and address are needed.
        if (e.target_flags == 0 || e.target_name.empty() || e.target_ip.empty())
            continue;
        int const assoc = attr_int(t / "nic-assoc");
        auto n = std::find_if(nics.begin(), nics.end(), [&](fs::path const& p) { return attr_int(p / "index") == assoc; });
        if (n == nics.end() || attr_int(*n / "flags") == 0) {
            warnings.push_back(t.filename().string() + " names NIC " + std::to_string(assoc) +
                               ", which the firmware does not show; skipped");
            continue;
        }
        read_sysfs_nic(e, *n, sys);
        e.initiator_name = initiator;
        e.isid = isid;
        e.lun_number = lun_from_text(e.lun);
        // Offload firmware (iscsi_bootN, N the SCSI host): the host's driver
        // is the transport (qla4xxx, be2iscsi ...), as open-iscsi takes it.
        if (auto const name = dir.filename().string(); name.rfind("iscsi_boot", 0) == 0)
            if (auto driver = attr(sys / "class/scsi_host" / ("host" + name.substr(10)) / "proc_name"); !driver.empty())
                e.transport = driver;
        out.push_back(std::move(e));
    }
    return out;
}

result<firmware> read_firmware(firmware_options const& o)
{
    if (!o.table_file.empty()) {
        auto b = read_bytes(o.table_file);
        if (!b)
            return make_error_code(firmware_errc::unreadable);
        return from_table(*b, o.table_file.string(), o);
    }
    for (char const* sig : {"iBFT", "IBFT", "BIFT"}) {
        auto const p = o.sys / "firmware/acpi/tables" / sig;
        if (!fs::exists(p))
            continue;
        auto b = read_bytes(p);
        if (!b || !has_signature(*b))
            return make_error_code(firmware_errc::unreadable);
        return from_table(*b, p.string(), o);
    }
    if (auto f = from_sysfs(o); f || f.error() != make_error_code(firmware_errc::not_found))
        return f;
    if (!fs::exists(o.sys / "firmware/efi"))
        return from_memory(o);
    return make_error_code(firmware_errc::not_found);
}

namespace {

class firmware_category final : public error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "iscsi.ibft.firmware"; }
    [[nodiscard]] std::string message(int v) const override
    {
        switch (static_cast<firmware_errc>(v)) {
        case firmware_errc::not_found: return "the firmware has no iSCSI boot table (iBFT)";
        case firmware_errc::unreadable: return "the iSCSI boot table could not be read";
        }
        return "unknown firmware error";
    }
    [[nodiscard]] recovery recovery_of(int) const noexcept override { return recovery::report_to_user; }
};

} // namespace

std::error_code make_error_code(firmware_errc e) noexcept
{
    static firmware_category const cat;
    return {static_cast<int>(e), cat};
}

} // namespace iscsi::ibft
