/**
 * @file
 * The CHAP response function of RFC 1994 §4.1: Response = H(Identifier ||
 * Secret || Challenge), computed with OpenSSL EVP. The hash is named apart
 * from the CHAP_A number on the wire because one wire number (7) means two
 * hashes depending on the peer (see chap_quirks in chap.hpp).
 */
#pragma once

#include "iscsi/auth/secret.hpp"
#include "iscsi/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace iscsi::auth {

enum class hash_function : std::uint8_t { md5, sha1, sha256, sha3_256 };

/// Output size in bytes: 16, 20, 32, 32.
[[nodiscard]] std::size_t digest_size(hash_function h) noexcept;

/**
 * H(id || secret || challenge). Fails with errc::digest_unavailable when the
 * OpenSSL provider cannot fetch the hash (MD5 under a FIPS-only provider).
 */
[[nodiscard]] result<std::vector<std::byte>> chap_digest(hash_function h, std::uint8_t id, secret const& s,
                                                         std::span<std::byte const> challenge);

} // namespace iscsi::auth
