#include "iscsi/auth/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

namespace iscsi::auth {
namespace {

/// The kernel's CSPRNG (getrandom(2), blocking only until it is seeded once
/// at boot), which is also what OpenSSL seeds itself from.
class kernel_random final : public random_source {
public:
    void fill(std::span<std::byte> out) override
    {
        while (!out.empty()) {
            ssize_t const n = ::getrandom(out.data(), out.size(), 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                std::abort(); // see random.hpp: no safe way to continue
            out = out.subspan(static_cast<std::size_t>(n));
        }
    }
};

} // namespace

random_source& system_random()
{
    static kernel_random instance; // stateless: getrandom is thread-safe
    return instance;
}

} // namespace iscsi::auth
