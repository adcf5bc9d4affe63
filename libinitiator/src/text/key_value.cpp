#include "iscsi/text/key_value.hpp"

#include "iscsi/text/errors.hpp"

#include "diag.hpp"

#include <algorithm>
#include <string>

namespace iscsi::text {
namespace {

using detail::fail;
using detail::printable;

constexpr bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// §6.1: a key-name consists of letters, digits, '.', '-', '+', '@' and '_'
// and "MUST begin with a capital letter". Two registered keys break the
// letter of that rule, so we accept them: "iSCSIProtocolLevel" (RFC 7144
// §2.1) starts in lower case, and public extension keys "X#name" (§13.26,
// RFC 4850's X#NodeArchitecture) contain '#'. We therefore require a leading
// letter and allow '#' among the rest.
constexpr bool is_key_char(char c) noexcept
{
    return is_letter(c) || is_digit(c) || c == '.' || c == '-' || c == '+' || c == '@' || c == '_' || c == '#';
}

bool valid_key_name(std::string_view key) noexcept
{
    return !key.empty() && is_letter(key.front()) && std::all_of(key.begin(), key.end(), is_key_char);
}

// Checks one "key=value" string (without its NUL) and appends it.
result<void> parse_pair(std::string_view pair, text_limits const& limits, key_values& out, diagnostics* diag)
{
    auto const eq = pair.find('=');
    if (eq == std::string_view::npos)
        return fail(errc::missing_separator, diag, "the pair \"" + printable(pair) + "\" has no '='");
    std::string_view const key = pair.substr(0, eq);
    std::string_view const value = pair.substr(eq + 1);
    if (key.size() > limits.max_key_length)
        return fail(errc::key_too_long, diag,
                    "the key \"" + printable(key) + "\" is " + std::to_string(key.size()) + " bytes long; at most " +
                        std::to_string(limits.max_key_length) + " are allowed (RFC 7143 section 6.1)");
    if (!valid_key_name(key))
        return fail(errc::bad_key_name, diag,
                    "the key \"" + printable(key) +
                        "\" must start with a letter and contain only letters, digits and . - + @ _ # "
                        "(RFC 7143 section 6.1)");
    if (value.size() > limits.max_value_length)
        return fail(errc::value_too_long, diag,
                    "the value of " + std::string(key) + " is " + std::to_string(value.size()) +
                        " bytes long; at most " + std::to_string(limits.max_value_length) + " are allowed");
    if (out.size() >= limits.max_pairs)
        return fail(errc::too_many_pairs, diag,
                    "the text holds more than " + std::to_string(limits.max_pairs) + " key=value pairs");
    out.push_back({std::string(key), std::string(value)});
    return {};
}

} // namespace

void append(std::vector<std::byte>& out, std::string_view key, std::string_view value)
{
    out.reserve(out.size() + key.size() + value.size() + 2);
    auto const put = [&out](std::string_view s) {
        for (char c : s)
            out.push_back(static_cast<std::byte>(c));
    };
    put(key);
    out.push_back(std::byte{'='});
    put(value);
    out.push_back(std::byte{0});
}

std::vector<std::byte> encode(key_values const& kvs)
{
    std::vector<std::byte> out;
    for (auto const& kv : kvs)
        append(out, kv.key, kv.value);
    return out;
}

result<key_values> parse(std::span<std::byte const> text, text_limits const& limits, diagnostics* diag)
{
    if (text.size() > limits.max_total_bytes)
        return fail(errc::text_too_long, diag,
                    "the text is " + std::to_string(text.size()) + " bytes long; at most " +
                        std::to_string(limits.max_total_bytes) + " are allowed");
    // NOLINTNEXTLINE: bytes of the data segment viewed as characters.
    std::string_view const all(reinterpret_cast<char const*>(text.data()), text.size());
    key_values out;
    std::size_t pos = 0;
    while (pos < all.size()) {
        auto const nul = all.find('\0', pos);
        if (nul == std::string_view::npos)
            return fail(errc::missing_terminator, diag,
                        "the text ends with \"" + printable(all.substr(pos)) +
                            "\" without the null byte that must follow every pair (RFC 7143 section 6.1)");
        std::string_view const pair = all.substr(pos, nul - pos);
        pos = nul + 1;
        if (pair.empty()) continue; // padding NULs some targets emit
        if (auto r = parse_pair(pair, limits, out, diag); !r) return r.error();
    }
    return out;
}

std::string const* find(key_values const& kvs, std::string_view key) noexcept
{
    auto const it = std::find_if(kvs.begin(), kvs.end(), [key](key_value const& kv) { return kv.key == key; });
    return it == kvs.end() ? nullptr : &it->value;
}

} // namespace iscsi::text
