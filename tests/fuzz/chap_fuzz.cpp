// libFuzzer target: arbitrary CHAP key/value messages into both sides of
// the exchange (chap_initiator::respond/verify_target, chap_target).
//
// Input layout: byte 0 picks the configuration (bit 0 mutual, bit 1 the tgt
// quirk, bits 2-3 the offered algorithms, bit 4 base64 target); the rest is
// two messages separated by 0xff, each "key=value" pairs separated by NUL.
// A one-letter key A/I/C/N/R stands for CHAP_A/.../CHAP_R so the fuzzer
// reaches the interesting keys quickly.
#include "iscsi/auth/chap.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace {

using namespace iscsi::auth;
using iscsi::text::key_values;

class counting_random final : public random_source {
public:
    void fill(std::span<std::byte> out) override
    {
        for (auto& b : out) b = static_cast<std::byte>(next_++);
    }

private:
    unsigned char next_ = 1;
};

key_values to_keys(std::string_view s)
{
    key_values out;
    while (!s.empty()) {
        auto const nul = s.find('\0');
        std::string_view const pair = s.substr(0, nul);
        auto const eq = pair.find('=');
        std::string key(pair.substr(0, eq));
        if (key.size() == 1 && std::string_view("AICNR").find(key[0]) != std::string_view::npos)
            key = std::string("CHAP_") + key;
        out.push_back({std::move(key), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1))});
        if (nul == std::string_view::npos) break;
        s.remove_prefix(nul + 1);
    }
    return out;
}

void require(bool ok)
{
    if (!ok) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0) return 0;
    std::uint8_t const mode = data[0];
    std::string_view const rest(reinterpret_cast<char const*>(data + 1), size - 1);
    auto const split = rest.find('\xff');
    key_values const first = to_keys(rest.substr(0, split));
    key_values const second = to_keys(split == std::string_view::npos ? std::string_view{} : rest.substr(split + 1));

    static std::vector<chap_algorithm> const offers[] = {
        {chap_algorithm::md5},
        {chap_algorithm::sha256, chap_algorithm::md5},
        {chap_algorithm::sha3_256, chap_algorithm::sha256, chap_algorithm::sha1, chap_algorithm::md5},
        {chap_algorithm::sha1}};
    chap_config cfg;
    cfg.initiator = {"initiator-user", secret("initiator-secret")};
    if (mode & 1U) cfg.target = chap_credentials{"target-user", secret("target-secret")};
    cfg.quirks.tgt_chap_a7_is_sha1 = (mode & 2U) != 0;
    cfg.algorithms = offers[(mode >> 2) & 3U];

    // Diagnostics may quote what the peer sent; only inputs that do not
    // themselves contain a secret can prove that we leaked one.
    bool const check_leaks = rest.find("secret") == std::string_view::npos;
    counting_random rnd;
    iscsi::diagnostics diag;
    chap_initiator ini(cfg, rnd);
    if (auto r = ini.respond(first, &diag)) {
        for (auto const& kv : *r) require(kv.value.find("secret") == std::string::npos);
        if (ini.mutual()) (void)ini.verify_target(second, &diag);
    }
    require(!check_leaks || diag.message.find("secret") == std::string::npos);

    chap_target_config tcfg;
    tcfg.initiator = cfg.initiator;
    tcfg.target = cfg.target;
    tcfg.base64 = (mode & 16U) != 0;
    chap_target tgt(tcfg, rnd);
    if (tgt.challenge(first, &diag)) (void)tgt.authenticate(second, &diag);
    require(!check_leaks || diag.message.find("secret") == std::string::npos);
    return 0;
}
