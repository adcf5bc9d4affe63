// iscsi-demo: the library end to end against a real target, until iscsid and
// iscsiadm exist. SendTargets discovery, login, INQUIRY, READ CAPACITY,
// write a pattern, read it back and compare, logout. Destroys the data in
// the blocks it writes: point it only at a throwaway target.
#include "iscsi/auth/chap.hpp"
#include "iscsi/core/ids.hpp"
#include "iscsi/scsi/capacity.hpp"
#include "iscsi/scsi/cdb.hpp"
#include "iscsi/scsi/inquiry.hpp"
#include "iscsi/scsi/sense.hpp"
#include "iscsi/transport/blocking.hpp"
#include "iscsi/transport/client_session.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

namespace {

using namespace iscsi;
using namespace std::chrono_literals;
namespace asio = boost::asio;

struct options {
    std::string portal = "127.0.0.1:3260";
    std::string target;    // empty: the first one discovered
    std::string initiator = "iqn.2026-11.org.example.initiator:demo";
    std::string username;
    std::string password;
    std::string target_username; // mutual CHAP
    std::string target_password;
    unsigned lun = 1;
    unsigned blocks = 256; // written and verified
    bool digests = false;
};

double ms_since(clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
}

login::login_params make_params(options const& o)
{
    login::login_params p;
    p.initiator_name = o.initiator;
    p.target_name = o.target;
    p.isid_ = isid::random_format(0x3d0000U | (static_cast<unsigned>(getpid()) & 0xffffU), 1);
    if (!o.username.empty()) {
        auth::chap_config chap;
        chap.initiator = {o.username, auth::secret(o.password)};
        if (!o.target_username.empty())
            chap.target = auth::chap_credentials{o.target_username, auth::secret(o.target_password)};
        p.chap = std::move(chap);
    }
    if (o.digests) {
        p.offer.header_digest = {text::digest::crc32c, text::digest::none};
        p.offer.data_digest = {text::digest::crc32c, text::digest::none};
    }
    return p;
}

/// Runs one SCSI command; prints the sense on CHECK CONDITION.
result<session::scsi_outcome> run(asio::io_context& io, transport::client_session& s, unsigned lun,
                                  scsi::command cmd, std::vector<std::byte> out = {})
{
    diagnostics d;
    session::scsi_request req{lun::from_index(static_cast<std::uint16_t>(lun)), cmd, std::move(out)};
    auto r = transport::run_blocking(io, s.execute(std::move(req), 30s, &d));
    if (r && r->status != 0) {
        auto sense = scsi::parse_sense(r->sense);
        std::fprintf(stderr, "  SCSI status 0x%02x %s\n", r->status,
                     sense ? scsi::describe(*sense).c_str() : "");
    }
    if (!r) std::fprintf(stderr, "  command failed: %s %s\n", r.error().message().c_str(), d.message.c_str());
    return r;
}

int discover(asio::io_context& io, options& o, discovery::portal const& portal)
{
    auto t0 = clock::now();
    diagnostics d;
    auto targets = transport::run_blocking(
        io, transport::discover_sendtargets(io.get_executor(), portal, make_params(o), {}, &d));
    if (!targets) {
        std::fprintf(stderr, "discovery failed: %s\n", d.message.c_str());
        return 1;
    }
    std::printf("discovery: %zu target(s) in %.1f ms\n", targets->size(), ms_since(t0));
    for (auto const& t : *targets)
        for (auto const& p : t.portals) std::printf("  %s %s\n", discovery::format_portal(p).c_str(), t.name.c_str());
    if (o.target.empty() && !targets->empty()) o.target = targets->front().name;
    if (o.target.empty()) {
        std::fprintf(stderr, "no target to log in to\n");
        return 1;
    }
    return 0;
}

int exercise(asio::io_context& io, transport::client_session& s, options const& o)
{
    // A new I_T nexus starts with a UNIT ATTENTION pending (SAM-5 §5.14:
    // "power on, reset"); TEST UNIT READY collects it before real work.
    for (int i = 0; i < 5; ++i) {
        diagnostics d;
        session::scsi_request tur{lun::from_index(static_cast<std::uint16_t>(o.lun)), scsi::test_unit_ready(), {}};
        auto r = transport::run_blocking(io, s.execute(std::move(tur), 30s, &d));
        if (!r) return 1;
        if (r->status == 0) break;
    }
    auto inq = run(io, s, o.lun, scsi::inquiry());
    if (!inq || inq->status != 0) return 1;
    if (auto data = scsi::parse_inquiry(inq->data))
        std::printf("inquiry: %s %s %s, peripheral type %u\n", data->vendor.c_str(), data->product.c_str(),
                    data->revision.c_str(), data->device_type);
    auto cap_r = run(io, s, o.lun, scsi::read_capacity10());
    if (!cap_r || cap_r->status != 0) return 1;
    auto cap = scsi::parse_read_capacity10(cap_r->data);
    if (!cap) return 1;
    std::printf("capacity: %llu blocks of %u bytes\n", static_cast<unsigned long long>(cap->blocks()),
                cap->block_size);

    unsigned const blocks = static_cast<unsigned>(std::min<std::uint64_t>(o.blocks, cap->blocks()));
    std::vector<std::byte> pattern(std::size_t{blocks} * cap->block_size);
    std::mt19937 gen(static_cast<unsigned>(clock::now().time_since_epoch().count()));
    for (auto& b : pattern) b = static_cast<std::byte>(gen());

    auto t0 = clock::now();
    auto w = run(io, s, o.lun, scsi::write10(0, static_cast<std::uint16_t>(blocks), cap->block_size), pattern);
    if (!w || w->status != 0) return 1;
    std::printf("write: %zu bytes in %.1f ms\n", pattern.size(), ms_since(t0));
    t0 = clock::now();
    auto r = run(io, s, o.lun, scsi::read10(0, static_cast<std::uint16_t>(blocks), cap->block_size));
    if (!r || r->status != 0) return 1;
    std::printf("read: %zu bytes in %.1f ms\n", r->data.size(), ms_since(t0));
    if (r->data != pattern) {
        std::fprintf(stderr, "VERIFY FAILED: the data read back differs from the data written\n");
        return 1;
    }
    std::printf("verify: ok, %zu bytes identical\n", pattern.size());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    options o;
    CLI::App app{"iscsi-demo: discover, log in, write, read back, verify, log out (destroys data!)"};
    app.add_option("-p,--portal", o.portal, "target portal host[:port]");
    app.add_option("-T,--target", o.target, "target name (default: first discovered)");
    app.add_option("-I,--initiator", o.initiator, "initiator name");
    app.add_option("-u,--username", o.username, "CHAP user name");
    app.add_option("-w,--password", o.password, "CHAP secret");
    app.add_option("--target-username", o.target_username, "mutual CHAP: the target's user name");
    app.add_option("--target-password", o.target_password, "mutual CHAP: the target's secret");
    app.add_option("-l,--lun", o.lun, "LUN to write");
    app.add_option("-b,--blocks", o.blocks, "blocks to write and verify")->check(CLI::Range(1, 65535));
    app.add_flag("-d,--digests", o.digests, "ask for CRC32C header and data digests");
    CLI11_PARSE(app, argc, argv);

    auto portal = discovery::parse_portal(o.portal);
    if (!portal) {
        std::fprintf(stderr, "bad portal \"%s\": %s\n", o.portal.c_str(), portal.error().message().c_str());
        return 2;
    }
    asio::io_context io;
    if (o.target.empty() && discover(io, o, *portal) != 0) return 1;

    auto t0 = clock::now();
    diagnostics d;
    auto s = transport::run_blocking(
        io, transport::client_session::login(io.get_executor(), *portal, make_params(o), {}, &d));
    if (!s) {
        std::fprintf(stderr, "login failed: %s\n", d.message.c_str());
        return 1;
    }
    auto const& info = (*s)->login_info();
    std::printf("login: %s at %s in %.1f ms (TSIH %u, %s, digests %s)\n", o.target.c_str(),
                (*s)->peer().c_str(), ms_since(t0), info.tsih_.value(),
                info.mutual ? "mutual CHAP" : info.authenticated ? "CHAP" : "no authentication",
                info.params.header_digest == text::digest::crc32c ? "CRC32C" : "none");
    int rc = exercise(io, **s, o);
    auto ec = transport::run_blocking(io, (*s)->logout(10s));
    std::printf("logout: %s\n", ec ? ec.message().c_str() : "ok");
    return rc != 0 ? rc : (ec ? 1 : 0);
}
