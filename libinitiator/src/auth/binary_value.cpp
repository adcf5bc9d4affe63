#include "iscsi/auth/binary_value.hpp"

#include "iscsi/auth/errors.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace iscsi::auth {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";
constexpr char base64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int base64_value(char c) noexcept
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::error_code fail(diagnostics* diag, std::string message)
{
    if (diag) diag->set(std::move(message));
    return make_error_code(errc::bad_encoding);
}

std::error_code too_long(diagnostics* diag, std::size_t max)
{
    return fail(diag, "binary value longer than " + std::to_string(max) + " bytes");
}

result<std::vector<std::byte>> decode_hex(std::string_view digits, diagnostics* diag, std::size_t max)
{
    if ((digits.size() + 1) / 2 > max) return too_long(diag, max);
    std::vector<std::byte> out;
    out.reserve((digits.size() + 1) / 2);
    std::size_t i = 0;
    int pending = digits.size() % 2 == 1 ? 0 : -1; // implied leading 0
    for (char c : digits) {
        int const v = hex_value(c);
        if (v < 0) return fail(diag, "invalid hex digit at offset " + std::to_string(i + 2));
        if (pending < 0) {
            pending = v;
        } else {
            out.push_back(static_cast<std::byte>((pending << 4) | v));
            pending = -1;
        }
        ++i;
    }
    return out;
}

result<std::vector<std::byte>> decode_base64(std::string_view digits, diagnostics* diag, std::size_t max)
{
    if (digits.size() % 4 != 0) return fail(diag, "base64 value length is not a multiple of 4");
    if (digits.size() / 4 * 3 > max + 2) return too_long(diag, max);
    std::size_t pad = 0;
    if (digits.ends_with("==")) pad = 2;
    else if (digits.ends_with('=')) pad = 1;
    std::vector<std::byte> out;
    out.reserve(digits.size() / 4 * 3);
    for (std::size_t q = 0; q < digits.size(); q += 4) {
        bool const last = q + 4 == digits.size();
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            char const c = digits[q + k];
            int v = base64_value(c);
            if (c == '=' && last && k >= 4 - pad) v = 0;
            if (v < 0) return fail(diag, "invalid base64 character at offset " + std::to_string(q + k + 2));
            group = (group << 6) | static_cast<std::uint32_t>(v);
        }
        std::size_t const n = last ? 3 - pad : 3;
        for (std::size_t k = 0; k < n; ++k)
            out.push_back(static_cast<std::byte>((group >> (16 - 8 * k)) & 0xffU));
    }
    if (out.size() > max) return too_long(diag, max);
    return out;
}

} // namespace

result<std::vector<std::byte>> decode_binary_value(std::string_view text, diagnostics* diag, std::size_t max_length)
{
    if (text.size() < 3 || text[0] != '0') return fail(diag, "binary value must start with 0x or 0b");
    std::string_view const digits = text.substr(2);
    switch (text[1]) {
    case 'x':
    case 'X': return decode_hex(digits, diag, max_length);
    case 'b':
    case 'B': return decode_base64(digits, diag, max_length);
    default: return fail(diag, "binary value must start with 0x or 0b");
    }
}

std::string encode_hex(std::span<std::byte const> bytes)
{
    std::string out = "0x";
    out.reserve(2 + 2 * bytes.size());
    for (std::byte b : bytes) {
        auto const v = std::to_integer<unsigned>(b);
        out.push_back(hex_digits[v >> 4]);
        out.push_back(hex_digits[v & 0xfU]);
    }
    return out;
}

std::string encode_base64(std::span<std::byte const> bytes)
{
    std::string out = "0b";
    out.reserve(2 + (bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::size_t const n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 3; ++k)
            group = (group << 8) | (k < n ? std::to_integer<std::uint32_t>(bytes[i + k]) : 0U);
        for (std::size_t k = 0; k < 4; ++k)
            out.push_back(k <= n ? base64_digits[(group >> (18 - 6 * k)) & 0x3fU] : '=');
    }
    return out;
}

} // namespace iscsi::auth
