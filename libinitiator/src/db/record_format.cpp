// Text form of records (record_format.hpp).
#include "iscsi/db/record_format.hpp"

#include "iscsi/db/schema.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace iscsi::db {
namespace {

constexpr std::string_view end_line = "# END RECORD\n";

void begin(std::string& out)
{
    out += "# BEGIN RECORD ";
    out += record_version;
    out += '\n';
}

void put(std::string& out, std::string_view key, std::string_view value)
{
    out += key;
    out += " = ";
    out += value;
    out += '\n';
}

/// One row, the way open-iscsi prints it: secrets masked when set, empty
/// values as "<empty>" on screen and left out of files.
template <class Record>
void put_field(std::string& out, field<Record> const& f, Record const& r, print_style style)
{
    if (f.vis == visibility::hidden)
        return;
    // Write "key = value" in place; take it back if the value is empty.
    auto const start = out.size();
    out += f.key;
    out += " = ";
    auto const value_at = out.size();
    f.append(r, out);
    if (out.size() == value_at) {
        if (style == print_style::file) {
            out.resize(start);
            return;
        }
        out += "<empty>";
    } else if (f.vis == visibility::masked && style == print_style::show) {
        out.resize(value_at);
        out += "********";
    }
    out += '\n';
}

template <class Record>
void put_fields(std::string& out, std::span<field<Record> const> rows, Record const& r, print_style style)
{
    for (auto const& f : rows)
        put_field(out, f, r, style);
}

/// In a node record FILE, open-iscsi's writer puts six iface keys first
/// and the rest in iface order; its `-m node -T -p` output (another code
/// path, libopeniscsiusr) uses plain iface order. We reproduce both.
void put_node_file_iface(std::string& out, iface_record const& i)
{
    // The order is worked out once: this runs for every record written.
    static std::vector<field<iface_record> const*> const order = [] {
        constexpr std::array<std::string_view, 6> first{"iface.hwaddress",     "iface.ipaddress",
                                                        "iface.iscsi_ifacename", "iface.net_ifacename",
                                                        "iface.gateway",       "iface.subnet_mask"};
        std::vector<field<iface_record> const*> rows;
        auto const all = iface_fields();
        for (auto const key : first)
            for (auto const& f : all)
                if (f.key == key)
                    rows.push_back(&f);
        for (auto const& f : all)
            if (std::find(first.begin(), first.end(), f.key) == first.end())
                rows.push_back(&f);
        return rows;
    }();
    for (auto const* f : order)
        put_field(out, *f, i, print_style::file);
}

/// Keys we do not know go back to the file as they came, never on screen
/// (open-iscsi would not show them either).
void put_extra(std::string& out, extra_keys const& extra, print_style style)
{
    if (style != print_style::file)
        return;
    for (auto const& [k, v] : extra)
        put(out, k, v);
}

std::string_view trim(std::string_view s)
{
    constexpr std::string_view blanks = " \t\r\n\v\f";
    auto const b = s.find_first_not_of(blanks);
    if (b == std::string_view::npos)
        return {};
    return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

void warn(parse_report* report, std::size_t line, std::string text)
{
    if (report)
        report->warnings.push_back("line " + std::to_string(line) + ": " + std::move(text));
}

template <class Apply>
void parse_with(std::string_view text, parse_report* report, Apply&& apply)
{
    for_each_setting(
        text,
        [&](setting const& s) {
            if (apply(s) == parse_status::bad_value)
                warn(report, s.line,
                     "unknown value format '" + std::string(s.value) + "' for parameter name '" +
                         std::string(s.key) + "'");
        },
        report);
}

} // namespace

std::string format_node(node_record const& r, print_style style)
{
    std::string out;
    out.reserve(4096);
    begin(out);
    put_fields(out, node_head_fields(), r, style);
    if (style == print_style::file)
        put_node_file_iface(out, r.iface);
    else
        put_fields(out, iface_fields(), r.iface, style);
    put_fields(out, node_tail_fields(), r, style);
    put_extra(out, r.extra, style);
    out += end_line;
    return out;
}

std::string format_iface(iface_record const& r, print_style style)
{
    std::string out;
    begin(out);
    put_fields(out, iface_fields(), r, style);
    put_extra(out, r.extra, style);
    out += end_line;
    return out;
}

std::string format_discovery(discovery_record const& r, print_style style)
{
    std::string out;
    begin(out);
    put_fields(out, discovery_fields(r.type), r, style);
    put_extra(out, r.extra, style);
    out += end_line;
    return out;
}

void for_each_setting(std::string_view text, std::function<void(setting const&)> const& fn,
                      parse_report* report)
{
    std::size_t line_no = 0;
    while (!text.empty()) {
        auto const nl = text.find('\n');
        auto const raw = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++line_no;
        auto const line = trim(raw);
        if (line.empty() || line.front() == '#')
            continue;
        auto const key_end = line.find_first_of(" \t=");
        auto const eq = line.find('=');
        if (key_end == std::string_view::npos || eq == std::string_view::npos ||
            !trim(line.substr(key_end, eq - key_end)).empty()) {
            warn(report, line_no, "no 'key = value' in '" + std::string(line) + "'");
            continue;
        }
        auto const value = trim(line.substr(eq + 1));
        if (value.empty()) {
            warn(report, line_no, "no value for '" + std::string(line.substr(0, key_end)) + "'");
            continue;
        }
        fn(setting{line.substr(0, key_end), value, line_no});
    }
}

void parse_node(std::string_view text, node_record& r, parse_report* report)
{
    parse_with(text, report, [&](setting const& s) {
        auto const ref = find_node_field(s.key);
        if (!ref) {
            r.extra.emplace_back(s.key, s.value);
            return parse_status::ok;
        }
        return set_node_value(r, ref, s.value);
    });
}

void parse_iface(std::string_view text, iface_record& r, parse_report* report)
{
    parse_with(text, report, [&](setting const& s) {
        auto const* f = find_iface_field(s.key);
        if (!f) {
            r.extra.emplace_back(s.key, s.value);
            return parse_status::ok;
        }
        return f->parse(r, s.value);
    });
}

void parse_discovery(std::string_view text, discovery_record& r, parse_report* report)
{
    parse_with(text, report, [&](setting const& s) {
        auto const* f = find_discovery_field(r.type, s.key);
        if (!f) {
            r.extra.emplace_back(s.key, s.value);
            return parse_status::ok;
        }
        return f->parse(r, s.value);
    });
}

} // namespace iscsi::db
