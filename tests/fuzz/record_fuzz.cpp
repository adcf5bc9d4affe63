// libFuzzer target for the db module's text parsers: node, iface and
// discovery records, iscsid.conf and initiatorname.iscsi. Invariants (a
// violation traps):
//  - nothing crashes, whatever the bytes;
//  - a record survives its own file form: parse(format(parse(x))) ==
//    parse(x), unknown keys included, so an update never changes keys the
//    user did not touch;
//  - the shown form never contains a set password unless asked to.
#include "iscsi/db/config.hpp"
#include "iscsi/db/record_format.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace iscsi::db;

void check(bool ok)
{
    if (!ok) __builtin_trap();
}

template <class Record, class Parse, class Format>
void round_trip(std::string_view text, Record first, Parse parse, Format format)
{
    parse(text, first, nullptr);
    auto const file = format(first, print_style::file);
    Record second{};
    if constexpr (requires { second.type; })
        second.type = first.type;
    parse(file, second, nullptr);
    check(format(second, print_style::file) == file);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    node_record node;
    round_trip(text, node, parse_node, format_node);
    round_trip(text, iface_record{}, parse_iface, format_iface);
    round_trip(text, discovery_record{}, parse_discovery, format_discovery);

    node_record shown;
    parse_node(text, shown);
    if (shown.session.auth.password.size() > 8) {
        auto const out = format_node(shown, print_style::show);
        check(out.find("node.session.auth.password = " + shown.session.auth.password + "\n") == std::string::npos);
    }

    parse_report report;
    (void)parse_config(text, &report);
    (void)parse_initiator_identity(text);
    return 0;
}
