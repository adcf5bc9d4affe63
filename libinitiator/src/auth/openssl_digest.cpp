#include "iscsi/auth/digest.hpp"

#include "iscsi/auth/errors.hpp"

#include "libcrypto.hpp"

#include <memory>

namespace iscsi::auth {
namespace {

// RAII for OpenSSL objects (STYLE habit 9), freed through the loaded library.
struct md_free {
    detail::libcrypto const* lib;
    void operator()(EVP_MD* md) const noexcept { lib->md_free(md); }
};
struct md_ctx_free {
    detail::libcrypto const* lib;
    void operator()(EVP_MD_CTX* ctx) const noexcept { lib->ctx_free(ctx); }
};
using md_ptr = std::unique_ptr<EVP_MD, md_free>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

char const* openssl_name(hash_function h) noexcept
{
    switch (h) {
    case hash_function::md5: return "MD5";
    case hash_function::sha1: return "SHA1";
    case hash_function::sha256: return "SHA2-256";
    case hash_function::sha3_256: return "SHA3-256";
    }
    return "";
}

} // namespace

std::size_t digest_size(hash_function h) noexcept
{
    switch (h) {
    case hash_function::md5: return 16;
    case hash_function::sha1: return 20;
    case hash_function::sha256:
    case hash_function::sha3_256: return 32;
    }
    return 0;
}

result<std::vector<std::byte>> chap_digest(hash_function h, std::uint8_t id, secret const& s,
                                           std::span<std::byte const> challenge)
{
    auto const* lib = detail::load_libcrypto();
    if (!lib) return make_error_code(errc::digest_unavailable);
    md_ptr const md{lib->md_fetch(nullptr, openssl_name(h), nullptr), {lib}};
    md_ctx_ptr const ctx{lib->ctx_new(), {lib}};
    if (!md || !ctx) return make_error_code(errc::digest_unavailable);

    // Three updates instead of one EVP_Digest over a concatenation: the
    // secret is never copied into a temporary buffer.
    unsigned char const id_byte = id;
    std::vector<std::byte> out(static_cast<std::size_t>(lib->md_get_size(md.get())));
    unsigned int len = 0;
    bool const ok = lib->init(ctx.get(), md.get(), nullptr) == 1 && lib->update(ctx.get(), &id_byte, 1) == 1 &&
                    lib->update(ctx.get(), s.bytes().data(), s.size()) == 1 &&
                    lib->update(ctx.get(), challenge.data(), challenge.size()) == 1 &&
                    lib->final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) == 1;
    if (!ok || len != out.size()) return make_error_code(errc::digest_unavailable);
    return out;
}

} // namespace iscsi::auth
