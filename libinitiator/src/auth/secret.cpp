#include "iscsi/auth/secret.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <utility>

namespace iscsi::auth {

secret::secret(std::string_view value) : bytes_(value.size())
{
    std::transform(value.begin(), value.end(), bytes_.begin(),
                   [](char c) { return static_cast<std::byte>(c); });
}

secret::secret(secret const& other) = default;

// Moving a vector hands over its heap block, so no copy of the bytes is left
// behind in `other`.
secret::secret(secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }

secret& secret::operator=(secret const& other)
{
    if (this != &other) {
        wipe();
        bytes_ = other.bytes_;
    }
    return *this;
}

secret& secret::operator=(secret&& other) noexcept
{
    if (this != &other) {
        wipe();
        bytes_ = std::move(other.bytes_);
        other.bytes_.clear();
    }
    return *this;
}

secret::~secret() { wipe(); }

void secret::wipe() noexcept
{
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_.clear();
}

bool operator==(secret const& a, secret const& b) noexcept
{
    return a.bytes_.size() == b.bytes_.size() &&
           (a.bytes_.empty() || CRYPTO_memcmp(a.bytes_.data(), b.bytes_.data(), a.bytes_.size()) == 0);
}

} // namespace iscsi::auth
