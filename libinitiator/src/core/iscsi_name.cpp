#include "iscsi/core/iscsi_name.hpp"

namespace iscsi {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hex(char c) noexcept
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// §4.2.7.2: after stringprep only ASCII lower-case letters, digits, '-', '.'
// and ':' remain. Upper case is accepted because stringprep folds it.
constexpr bool is_name_char(char c) noexcept
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.' ||
           c == ':';
}

name_problem check_hex_name(std::string_view rest, bool naa) noexcept
{
    bool const ok_len = rest.size() == 16 || (naa && rest.size() == 32);
    if (!ok_len) return name_problem::bad_eui_or_naa_hex;
    for (char c : rest)
        if (!is_hex(c)) return name_problem::bad_eui_or_naa_hex;
    return name_problem::none;
}

} // namespace

name_problem check_iscsi_name(std::string_view name) noexcept
{
    if (name.empty()) return name_problem::empty;
    if (name.size() > max_iscsi_name_length) return name_problem::too_long;
    auto starts = [&](std::string_view p) {
        return name.size() >= p.size() && name.substr(0, p.size()) == p;
    };
    if (starts("eui.")) return check_hex_name(name.substr(4), false);
    if (starts("naa.")) return check_hex_name(name.substr(4), true);
    if (!starts("iqn.")) return name_problem::unknown_format;
    // iqn.yyyy-mm.reversed.domain[:anything]
    std::string_view const date = name.substr(4);
    if (date.size() < 8 || !is_digit(date[0]) || !is_digit(date[1]) || !is_digit(date[2]) ||
        !is_digit(date[3]) || date[4] != '-' || !is_digit(date[5]) || !is_digit(date[6]) ||
        (date.size() > 7 && date[7] != '.'))
        return name_problem::bad_iqn_date;
    for (char c : name)
        if (!is_name_char(c)) return name_problem::bad_character;
    return name_problem::none;
}

std::string_view describe(name_problem p) noexcept
{
    switch (p) {
    case name_problem::none: return "valid";
    case name_problem::empty: return "the name is empty";
    case name_problem::too_long: return "the name is longer than 223 bytes";
    case name_problem::unknown_format: return "the name must start with iqn., eui. or naa.";
    case name_problem::bad_iqn_date: return "an iqn. name must continue with a date, yyyy-mm.";
    case name_problem::bad_eui_or_naa_hex:
        return "eui. needs 16 hex digits and naa. 16 or 32";
    case name_problem::bad_character:
        return "the name may contain only letters, digits, '-', '.' and ':'";
    }
    return "unknown problem";
}

} // namespace iscsi
