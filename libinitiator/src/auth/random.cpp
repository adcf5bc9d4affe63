#include "iscsi/auth/random.hpp"

#include <openssl/rand.h>

#include <climits>
#include <cstdlib>

namespace iscsi::auth {
namespace {

class openssl_random final : public random_source {
public:
    void fill(std::span<std::byte> out) override
    {
        while (!out.empty()) {
            std::size_t const n = out.size() < INT_MAX ? out.size() : INT_MAX;
            if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
                std::abort(); // see random.hpp: no safe way to continue
            out = out.subspan(n);
        }
    }
};

} // namespace

random_source& system_random()
{
    static openssl_random instance; // stateless: RAND_bytes is thread-safe
    return instance;
}

} // namespace iscsi::auth
