#include "record_update.hpp"

#include "output.hpp"

#include "iscsi/db/errors.hpp"
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/schema.hpp"

namespace iscsiadm {

namespace db = iscsi::db;

namespace {

std::string join(std::span<std::string_view const> choices)
{
    std::string out;
    for (auto const c : choices) {
        if (!out.empty())
            out += ", ";
        out += c;
    }
    return out;
}

/// `secret`: the value is a CHAP secret, and is not printed back.
exit_code bad_value(change const& c, std::span<std::string_view const> choices, bool secret)
{
    std::string hint = choices.empty() ? "a whole number" : join(choices);
    if (c.key.ends_with("chap_algs"))
        hint = "a comma list of MD5, SHA1, SHA256, SHA3-256";
    else if (choices.empty() && c.value.find('\n') != std::string::npos)
        hint = "a single line";
    // open-iscsi's three lines, then what would have been accepted.
    error("unknown value format '" + (secret ? std::string("********") : c.value) + "' for parameter name '" + c.key +
          "'");
    error("Unknown parameter " + c.key + ".");
    error("Could not execute operation on all records: invalid parameter");
    error(c.key + " takes " + hint);
    return exit_code::invalid;
}

exit_code all_records_failed()
{
    error("Could not execute operation on all records: invalid parameter");
    return exit_code::invalid;
}

exit_code invalid_name(change const& c)
{
    error("Cannot modify " + c.key + ". Invalid param name.");
    return all_records_failed();
}

exit_code read_only(change const& c)
{
    error("Cannot modify " + c.key + ". It is used to look up the record and cannot be changed.");
    return all_records_failed();
}

/// Text fields accept any single line, so a trial parse on a scratch record
/// is the whole validation. (open-iscsi's iface and discovery modes print
/// one line for a bad key, without node mode's "all records" line.)
template <class Record, class Find>
exit_code validate(std::vector<change> const& changes, Find find)
{
    for (auto const& c : changes) {
        auto const* f = find(c.key);
        if (!f) {
            error("Cannot modify " + c.key + ". Invalid param name.");
            return exit_code::invalid;
        }
        if (!f->modifiable) {
            error("Cannot modify " + c.key + ". It is used to look up the record and cannot be changed.");
            return exit_code::invalid;
        }
        Record scratch;
        if (f->parse(scratch, c.value) != db::parse_status::ok)
            return bad_value(c, f->choices, f->vis == db::visibility::masked);
        if (auto w = db::short_secret_warning(c.key, c.value); !w.empty())
            warning(w);
    }
    return exit_code::success;
}

} // namespace

std::variant<std::vector<change>, exit_code> parse_changes(options const& o)
{
    if (o.names.empty() || o.names.size() != o.values.size()) {
        error("update requires name and value");
        error("give each -n KEY its -v VALUE (got " + std::to_string(o.names.size()) + " names and " +
              std::to_string(o.values.size()) + " values)");
        return exit_code::invalid;
    }
    std::vector<change> out;
    for (std::size_t i = 0; i < o.names.size(); ++i)
        out.push_back({o.names[i], o.values[i]});
    return out;
}

exit_code validate_node_changes(std::vector<change> const& changes)
{
    for (auto const& c : changes) {
        auto const ref = db::find_node_field(c.key);
        if (!ref)
            return invalid_name(c);
        // A node record carries a copy of its iface; changing the copy alone
        // would make them disagree (open-iscsi refuses the same way).
        if (ref.iface && c.key != "iface.iscsi_ifacename") {
            error("Cannot modify " + c.key + ". Use iface mode to update this value.");
            return exit_code::invalid;
        }
        if (!ref.modifiable())
            return read_only(c);
        db::node_record scratch;
        if (db::set_node_value(scratch, ref, c.value) != db::parse_status::ok)
            return bad_value(c, ref.choices(), ref.node && ref.node->vis == db::visibility::masked);
        if (auto w = db::short_secret_warning(c.key, c.value); !w.empty())
            warning(w);
    }
    return exit_code::success;
}

exit_code validate_iface_changes(std::vector<change> const& changes)
{
    return validate<db::iface_record>(changes, [](std::string const& k) { return db::find_iface_field(k); });
}

exit_code validate_discovery_changes(db::discovery_kind kind, std::vector<change> const& changes)
{
    return validate<db::discovery_record>(
        changes, [kind](std::string const& k) { return db::find_discovery_field(kind, k); });
}

iscsi::result<void> apply_node_changes(db::node_record& r, std::vector<change> const& changes)
{
    for (auto const& c : changes)
        if (db::set_node_value(r, db::find_node_field(c.key), c.value) != db::parse_status::ok)
            return make_error_code(db::errc::bad_value);
    return {};
}

iscsi::result<void> apply_iface_changes(db::iface_record& r, std::vector<change> const& changes)
{
    for (auto const& c : changes) {
        auto const* f = db::find_iface_field(c.key);
        if (!f || f->parse(r, c.value) != db::parse_status::ok)
            return make_error_code(db::errc::bad_value);
    }
    return {};
}

iscsi::result<void> apply_discovery_changes(db::discovery_record& r, std::vector<change> const& changes)
{
    for (auto const& c : changes) {
        auto const* f = db::find_discovery_field(r.type, c.key);
        if (!f || f->parse(r, c.value) != db::parse_status::ok)
            return make_error_code(db::errc::bad_value);
    }
    return {};
}

std::string record_json(std::string const& shown_record)
{
    std::string out = "{";
    bool first = true;
    db::for_each_setting(shown_record, [&](db::setting const& s) {
        out += first ? "\n  " : ",\n  ";
        first = false;
        out += json_string(s.key) + ": " + (s.value == "<empty>" ? "null" : json_string(s.value));
    });
    out += "\n}";
    return out;
}

} // namespace iscsiadm
