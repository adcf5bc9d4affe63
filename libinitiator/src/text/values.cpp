#include "iscsi/text/values.hpp"

#include <limits>

namespace iscsi::text {
namespace {

constexpr int hex_digit(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::uint64_t> parse_digits(std::string_view digits, unsigned base) noexcept
{
    if (digits.empty()) return std::nullopt;
    std::uint64_t n = 0;
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    for (char c : digits) {
        int const d = hex_digit(c);
        if (d < 0 || static_cast<unsigned>(d) >= base) return std::nullopt;
        auto const ud = static_cast<std::uint64_t>(d);
        if (n > (max - ud) / base) return std::nullopt;
        n = n * base + ud;
    }
    return n;
}

} // namespace

std::optional<std::uint64_t> parse_number(std::string_view v) noexcept
{
    if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) return parse_digits(v.substr(2), 16);
    return parse_digits(v, 10);
}

std::optional<bool> parse_boolean(std::string_view v) noexcept
{
    if (v == "Yes") return true;
    if (v == "No") return false;
    return std::nullopt;
}

std::string_view format_boolean(bool b) noexcept { return b ? "Yes" : "No"; }

std::string format_number(std::uint64_t n) { return std::to_string(n); }

std::vector<std::string_view> split_list(std::string_view v)
{
    std::vector<std::string_view> items;
    std::size_t pos = 0;
    for (;;) {
        auto const comma = v.find(',', pos);
        if (comma == std::string_view::npos) {
            items.push_back(v.substr(pos));
            return items;
        }
        items.push_back(v.substr(pos, comma - pos));
        pos = comma + 1;
    }
}

} // namespace iscsi::text
