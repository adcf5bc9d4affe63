// iscsid.conf and initiatorname.iscsi (config.hpp).
#include "iscsi/db/config.hpp"

#include "iscsi/db/errors.hpp"
#include "iscsi/db/schema.hpp"
#include "file_io.hpp"


namespace iscsi::db {
namespace {

using namespace std::string_view_literals;

/// A Yes/No daemon key; anything else is reported and leaves the default.
void set_yes_no(bool& out, setting const& s, parse_report* report)
{
    if (s.value == "Yes"sv || s.value == "No"sv)
        out = s.value == "Yes"sv;
    else if (report)
        report->warnings.push_back("line " + std::to_string(s.line) + ": unknown value format '" +
                                   std::string(s.value) + "' for parameter name '" + std::string(s.key) +
                                   "' (expected Yes or No)");
}

bool apply_daemon_key(daemon_settings& d, setting const& s, parse_report* report)
{
    if (s.key == "iscsid.startup"sv) {
        d.startup.assign(s.value);
        return true;
    }
    if (s.key == "iscsid.safe_logout"sv) {
        set_yes_no(d.safe_logout, s, report);
        return true;
    }
    if (s.key == "iscsid.ipc_auth_uid"sv) {
        set_yes_no(d.ipc_auth_uid, s, report);
        return true;
    }
    if (s.key == "iscsid.data_path"sv) {
        if (s.value == "auto"sv)
            d.path = data_path::automatic;
        else if (s.value == "kernel"sv)
            d.path = data_path::kernel;
        else if (s.value == "user"sv)
            d.path = data_path::user;
        else if (report)
            report->warnings.push_back("line " + std::to_string(s.line) + ": unknown value format '" +
                                       std::string(s.value) +
                                       "' for parameter name 'iscsid.data_path' (expected auto, kernel or user)");
        return true;
    }
    return false;
}

template <class Record>
bool apply_to(Record& r, field<Record> const* f, setting const& s, parse_report* report)
{
    if (!f)
        return false;
    if (f->parse(r, s.value) == parse_status::bad_value && report)
        report->warnings.push_back("line " + std::to_string(s.line) + ": unknown value format '" +
                                   std::string(s.value) + "' for parameter name '" +
                                   std::string(s.key) + "'");
    return true;
}

} // namespace

config default_config()
{
    config c;
    c.isns_defaults.type = discovery_kind::isns;
    c.isns_defaults.port = 3205;
    c.isns_defaults.discoveryd_poll_inval = -1;
    return c;
}

config parse_config(std::string_view text, parse_report* report)
{
    config c = default_config();
    for_each_setting(
        text,
        [&](setting const& s) {
            if (apply_daemon_key(c.daemon, s, report))
                return;
            // A key may belong to several tables (node.session.auth.chap_algs
            // is also the discovery records' algorithm list): apply to all.
            bool known = false;
            if (auto const ref = find_node_field(s.key)) {
                known = true;
                if (set_node_value(c.node_defaults, ref, s.value) == parse_status::bad_value && report)
                    report->warnings.push_back("line " + std::to_string(s.line) +
                                               ": unknown value format '" + std::string(s.value) +
                                               "' for parameter name '" + std::string(s.key) + "'");
            }
            known |= apply_to(c.sendtargets_defaults,
                              find_discovery_field(discovery_kind::sendtargets, s.key), s, report);
            known |= apply_to(c.isns_defaults, find_discovery_field(discovery_kind::isns, s.key), s,
                              report);
            if (!known && report)
                report->warnings.push_back("line " + std::to_string(s.line) + ": unknown key '" +
                                           std::string(s.key) + "'");
            if (auto w = short_secret_warning(s.key, s.value); !w.empty() && report)
                report->warnings.push_back("line " + std::to_string(s.line) + ": " + w);
        },
        report);
    return c;
}

result<config> load_config(std::filesystem::path const& file, parse_report* report)
{
    auto text = read_text_file(file);
    if (!text) {
        if (text.error() == std::errc::no_such_file_or_directory)
            return default_config();
        return text.error();
    }
    return parse_config(*text, report);
}

initiator_identity parse_initiator_identity(std::string_view text)
{
    initiator_identity id;
    constexpr std::string_view blanks = " \t\r\v\f";
    while (!text.empty()) {
        auto const nl = text.find('\n');
        auto line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        auto const b = line.find_first_not_of(blanks);
        if (b == std::string_view::npos || line[b] == '#')
            continue;
        line.remove_prefix(b);
        auto take = [&](std::string_view prefix, std::string& out) {
            if (!line.starts_with(prefix))
                return;
            auto v = line.substr(prefix.size());
            out.assign(v.substr(0, v.find_first_of(blanks)));
        };
        take("InitiatorName="sv, id.name);
        take("InitiatorAlias="sv, id.alias);
    }
    return id;
}

result<initiator_identity> load_initiator_identity(std::filesystem::path const& file)
{
    auto text = read_text_file(file);
    if (!text)
        return text.error();
    auto id = parse_initiator_identity(*text);
    if (id.name.empty())
        return make_error_code(errc::no_initiator_name);
    return id;
}

std::string format_initiator_identity(initiator_identity const& id)
{
    std::string out = "# The iSCSI name of this initiator (RFC 7143 section 4.2.7).\n"
                      "# Targets grant access by this name: it must be unique to this machine,\n"
                      "# and changing it may lock the machine out of its storage.\n";
    out += "InitiatorName=" + id.name + "\n";
    if (!id.alias.empty())
        out += "InitiatorAlias=" + id.alias + "\n";
    return out;
}

} // namespace iscsi::db
