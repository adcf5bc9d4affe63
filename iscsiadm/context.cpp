#include "context.hpp"

#include "output.hpp"

#include "iscsi/db/errors.hpp"
#include "iscsi/discovery/portal.hpp"

#include <cstdlib>

#ifndef ISCSI_SYSCONFDIR
#define ISCSI_SYSCONFDIR "/etc/iscsi"
#endif

namespace iscsiadm {

namespace {

std::filesystem::path database_root()
{
    if (char const* env = std::getenv("ISCSI_ROOT"); env && *env)
        return env;
    return ISCSI_SYSCONFDIR;
}

} // namespace

context::context(options opts) : opts_(std::move(opts)), db_(database_root()) {}

iscsi::db::config const& context::conf()
{
    if (!conf_) {
        iscsi::db::parse_report report;
        auto loaded = iscsi::db::load_config(db_.config_file(), &report);
        if (!loaded) {
            warning("cannot read " + db_.config_file().string() + ": " + loaded.error().message() +
                    "; using built-in defaults");
            conf_ = iscsi::db::default_config();
        } else {
            conf_ = std::move(*loaded);
        }
        for (auto const& w : report.warnings)
            warning(db_.config_file().string() + " " + w);
    }
    return *conf_;
}

std::optional<portal_arg> parse_portal_arg(std::string const& text)
{
    auto const p = iscsi::discovery::parse_portal(text);
    if (!p)
        return std::nullopt;
    portal_arg out{p->address, std::nullopt, std::nullopt};
    if (p->tpgt)
        out.tpgt = *p->tpgt;
    // parse_portal fills in 3260 when no port was written; tell the two apart.
    std::string_view host_port = text;
    host_port = host_port.substr(0, host_port.find(','));
    bool const bracketed = host_port.starts_with('[');
    auto const close = host_port.find(']');
    bool has_port = false;
    if (bracketed)
        has_port = close != std::string_view::npos && close + 1 < host_port.size();
    else
        has_port = host_port.find(':') != std::string_view::npos &&
                   host_port.find(':') == host_port.rfind(':');
    if (has_port)
        out.port = p->port;
    return out;
}

exit_code report_db_error(std::error_code const& ec, std::string_view what)
{
    using iscsi::db::errc;
    if (ec == errc::not_found) {
        error("No records found");
        return exit_code::no_objects_found;
    }
    if (ec == errc::bad_name || ec == errc::bad_value || ec == errc::unknown_key ||
        ec == errc::read_only_key) {
        error(std::string(what) + ": " + ec.message());
        return exit_code::invalid;
    }
    error(std::string(what) + ": " + ec.message());
    return exit_code::database;
}

} // namespace iscsiadm
