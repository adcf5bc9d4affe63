/**
 * @file
 * A CHAP secret. It cannot be printed (no operator<<, no conversion to a
 * string) so it cannot end up in a log line or an error message by accident,
 * and its bytes are wiped (OPENSSL_cleanse) when it is destroyed or moved
 * from.
 */
#pragma once

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string_view>
#include <vector>

namespace iscsi::auth {

class secret {
public:
    secret() = default;
    /// Copies the secret's bytes; the caller remains responsible for its own copy.
    explicit secret(std::string_view value);
    secret(secret const& other);
    secret(secret&& other) noexcept;
    secret& operator=(secret const& other);
    secret& operator=(secret&& other) noexcept;
    ~secret();

    /// The raw bytes, for the digest only.
    [[nodiscard]] std::span<std::byte const> bytes() const noexcept { return bytes_; }
    [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
    [[nodiscard]] bool empty() const noexcept { return bytes_.empty(); }

    /// Constant-time comparison (CRYPTO_memcmp) for configuration checks.
    friend bool operator==(secret const& a, secret const& b) noexcept;

    /// Deliberately not printable.
    friend std::ostream& operator<<(std::ostream&, secret const&) = delete;

private:
    void wipe() noexcept;
    std::vector<std::byte> bytes_;
};

} // namespace iscsi::auth
