#include "iscsi/auth/secret.hpp"

#include "chap_common.hpp"

#include <cstring>

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
    if (!bytes_.empty()) ::explicit_bzero(bytes_.data(), bytes_.size()); // never optimised away
    bytes_.clear();
}

bool operator==(secret const& a, secret const& b) noexcept
{
    return detail::same_bytes(a.bytes_, b.bytes_);
}

} // namespace iscsi::auth
