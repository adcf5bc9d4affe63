#include "isns.hpp"

#include "output.hpp"
#include "records_view.hpp"
#include "sendtargets.hpp"

#include "iscsi/discovery/isns/errors.hpp"
#include "iscsi/transport/blocking.hpp"
#include "iscsi/transport/isns.hpp"

#include <boost/asio/io_context.hpp>

#include <map>

namespace iscsiadm {

namespace db = iscsi::db;
namespace isns = iscsi::discovery::isns;

namespace {

exit_code isns_failed(std::error_code const& ec, iscsi::diagnostics const& diag, db::discovery_record const& disc)
{
    // open-iscsi's two lines, the first with the server and the real reason
    // instead of libisns's "Internal error" for every failure.
    auto const where = format_portal_text(disc.address, disc.port);
    bool const registration = ec == isns::errc::registration_refused;
    error("iSNS discovery failed: " + where + ": " + (diag.message.empty() ? ec.message() : diag.message));
    error(std::string("Could not perform iSNS discovery: ") +
          (registration ? "iSNS registration failed" : "iSNS query failed"));
    return registration ? exit_code::isns_registration : exit_code::isns_query;
}

} // namespace

std::variant<std::vector<db::node_record>, exit_code> run_isns(context& ctx, db::discovery_record const& disc,
                                                               std::vector<db::iface_record> const& ifaces)
{
    std::vector<db::node_record> out;
    boost::asio::io_context io;
    iscsi::discovery::portal const server{disc.address, static_cast<std::uint16_t>(disc.port), std::nullopt};
    // What the server lets one initiator name see does not depend on the
    // iface it asks through: one query per name.
    std::map<std::string, std::vector<iscsi::discovery::target_record>> seen;
    for (auto const& iface : ifaces) {
        auto name = discovery_initiator_name(ctx, iface);
        if (auto const* code = std::get_if<exit_code>(&name))
            return *code;
        auto const& me = std::get<std::string>(name);
        if (!seen.contains(me)) {
            iscsi::diagnostics diag;
            isns::registration reg{me, "", "", std::nullopt, 0, std::nullopt};
            auto const timeout = std::chrono::seconds(std::max(1, disc.login_timeout));
            auto targets = iscsi::transport::run_blocking(
                io, iscsi::transport::discover_isns(io.get_executor(), server, reg, timeout, &diag));
            if (!targets)
                return isns_failed(targets.error(), diag, disc);
            seen.emplace(me, std::move(*targets));
        }
        append_records(ctx, disc, iface, seen[me], out);
    }
    return out;
}

} // namespace iscsiadm
