/**
 * @file
 * OpenSSL's libcrypto, loaded on first use (dlopen) instead of at start-up.
 * Only CHAP needs it, and most runs of iscsiadm (listing, updating records,
 * discovery without CHAP) never do: linking it costs every run its
 * relocations before main(), 0.8-2.5 ms here (docs/performance.md), which
 * is more than some of those commands take in all.
 */
#pragma once

#include <openssl/evp.h>

namespace iscsi::auth::detail {

/// The EVP functions CHAP uses, resolved from libcrypto. The types come
/// from OpenSSL's own declarations, so a mismatch does not compile.
struct libcrypto {
    decltype(&::EVP_MD_fetch) md_fetch;
    decltype(&::EVP_MD_free) md_free;
    decltype(&::EVP_MD_get_size) md_get_size;
    decltype(&::EVP_MD_CTX_new) ctx_new;
    decltype(&::EVP_MD_CTX_free) ctx_free;
    decltype(&::EVP_DigestInit_ex2) init;
    decltype(&::EVP_DigestUpdate) update;
    decltype(&::EVP_DigestFinal_ex) final;
};

/// The library, loaded once per process (thread-safe); nullptr when it
/// cannot be loaded or lacks a function. The handle is never closed.
[[nodiscard]] libcrypto const* load_libcrypto() noexcept;

} // namespace iscsi::auth::detail
