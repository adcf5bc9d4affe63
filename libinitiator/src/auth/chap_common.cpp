#include "chap_common.hpp"

#include "iscsi/auth/binary_value.hpp"


#include <limits>

namespace iscsi::auth::detail {

std::error_code fail(errc e, diagnostics* diag, std::string message)
{
    if (diag) diag->set(std::move(message));
    return make_error_code(e);
}

result<std::string const*> find_once(text::key_values const& kvs, std::string_view key, bool required,
                                     diagnostics* diag)
{
    std::string const* found = nullptr;
    for (auto const& kv : kvs) {
        if (kv.key != key) continue;
        if (found) return fail(errc::duplicate_key, diag, std::string(key) + " appears more than once");
        found = &kv.value;
    }
    if (!found && required) return fail(errc::missing_key, diag, "no " + std::string(key) + " in the CHAP message");
    return found;
}

std::optional<std::uint64_t> parse_number(std::string_view s) noexcept
{
    unsigned base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        unsigned d = 0;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
        else return std::nullopt;
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / base) return std::nullopt;
        v = v * base + d;
    }
    return v;
}

result<std::uint8_t> parse_identifier(std::string_view s, diagnostics* diag)
{
    // §12.1.3: I is one octet (RFC 1994 §4.1 Identifier), sent as a number.
    auto const v = parse_number(s);
    if (!v || *v > 255)
        return fail(errc::bad_identifier, diag, "CHAP_I=" + std::string(s.substr(0, 32)) + " is not in 0..255");
    return static_cast<std::uint8_t>(*v);
}

result<std::vector<std::byte>> parse_challenge(std::string_view s, diagnostics* diag)
{
    // Decode with slack above the limit so an over-long but well-formed value
    // is reported as a length problem, naming the limit.
    auto bytes = decode_binary_value(s, diag, 4 * max_challenge_length);
    if (!bytes) return bytes.error();
    if (bytes->size() < min_challenge_length || bytes->size() > max_challenge_length)
        return fail(errc::bad_challenge_length, diag,
                    "CHAP_C is " + std::to_string(bytes->size()) + " bytes; accepted lengths are " +
                        std::to_string(min_challenge_length) + " to " + std::to_string(max_challenge_length));
    return bytes;
}

result<std::vector<std::byte>> parse_response(std::string_view s, std::size_t expected, errc wrong_length,
                                              diagnostics* diag)
{
    auto bytes = decode_binary_value(s, diag);
    if (!bytes) return bytes.error();
    if (bytes->size() != expected)
        return fail(wrong_length, diag,
                    "CHAP_R is " + std::to_string(bytes->size()) + " bytes; the algorithm produces " +
                        std::to_string(expected));
    return bytes;
}

bool same_bytes(std::span<std::byte const> a, std::span<std::byte const> b) noexcept
{
    if (a.size() != b.size())
        return false;
    // Every byte is compared whatever the earlier ones were, so the time
    // says nothing about where a forged response first differs. The empty
    // asm keeps the compiler from turning the loop into an early exit.
    unsigned diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned>(a[i] ^ b[i]);
        asm volatile("" : "+r"(diff));
    }
    return diff == 0;
}

} // namespace iscsi::auth::detail
