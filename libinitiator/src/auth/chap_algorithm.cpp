// CHAP_A names and numbers, chap_algs parsing, configuration checks.
#include "chap_common.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace iscsi::auth {
namespace {

struct algorithm_row {
    chap_algorithm algorithm;
    std::string_view name; // open-iscsi's chap_algs spelling
    hash_function hash;    // IANA meaning of the number
};

constexpr std::array<algorithm_row, 4> algorithm_table{{
    {chap_algorithm::md5, "MD5", hash_function::md5},
    {chap_algorithm::sha1, "SHA1", hash_function::sha1},
    {chap_algorithm::sha256, "SHA256", hash_function::sha256},
    {chap_algorithm::sha3_256, "SHA3-256", hash_function::sha3_256},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

} // namespace

std::string_view to_string(chap_algorithm a) noexcept
{
    for (auto const& row : algorithm_table)
        if (row.algorithm == a) return row.name;
    return "unknown";
}

std::optional<chap_algorithm> chap_algorithm_from_number(std::uint64_t n) noexcept
{
    for (auto const& row : algorithm_table)
        if (static_cast<std::uint64_t>(row.algorithm) == n) return row.algorithm;
    return std::nullopt;
}

hash_function hash_for(chap_algorithm a, chap_quirks const& q) noexcept
{
    // See chap_quirks: tgt's CHAP_DIGEST_ALG_SHA1 is 7.
    if (a == chap_algorithm::sha256 && q.tgt_chap_a7_is_sha1) return hash_function::sha1;
    for (auto const& row : algorithm_table)
        if (row.algorithm == a) return row.hash;
    return hash_function::md5;
}

result<std::vector<chap_algorithm>> parse_chap_algs(std::string_view list, diagnostics* diag)
{
    if (trim(list).empty()) return detail::fail(errc::bad_config, diag, "chap_algs is empty");
    std::vector<chap_algorithm> out;
    while (true) {
        auto const comma = list.find(',');
        std::string_view const name = trim(list.substr(0, comma));
        auto const row = std::find_if(algorithm_table.begin(), algorithm_table.end(),
                                      [&](auto const& r) { return equal_ignoring_case(r.name, name); });
        if (row == algorithm_table.end())
            return detail::fail(errc::unknown_algorithm_name, diag,
                                "unknown CHAP algorithm \"" + std::string(name.substr(0, 32)) +
                                    "\" in chap_algs (valid: MD5, SHA1, SHA256, SHA3-256)");
        if (std::find(out.begin(), out.end(), row->algorithm) == out.end()) out.push_back(row->algorithm);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

std::string format_chap_algs(std::span<chap_algorithm const> algs)
{
    std::string out;
    for (auto a : algs) {
        if (!out.empty()) out += ',';
        out += to_string(a);
    }
    return out;
}

result<void> check_config(chap_config const& config, diagnostics* diag)
{
    auto bad = [&](std::string m) { return detail::fail(errc::bad_config, diag, std::move(m)); };
    if (config.algorithms.empty()) return bad("no CHAP algorithm is configured");
    if (config.initiator.username.empty()) return bad("the CHAP username is empty");
    if (config.initiator.password.empty()) return bad("the CHAP password is empty");
    if (config.target) {
        if (config.target->username.empty()) return bad("the mutual CHAP username (username_in) is empty");
        if (config.target->password.empty()) return bad("the mutual CHAP password (password_in) is empty");
        // §9.2.1: a secret that authenticates initiators must not also
        // authenticate targets; otherwise a target can reflect our own
        // challenge back and replay our answer as its proof.
        if (config.target->password == config.initiator.password)
            return bad("the mutual CHAP password (password_in) must differ from the CHAP password");
    }
    return {};
}

} // namespace iscsi::auth
