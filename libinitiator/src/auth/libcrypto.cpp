#include "libcrypto.hpp"

#include <dlfcn.h>

#include <mutex>

#ifndef ISCSI_LIBCRYPTO_SONAME
#error "ISCSI_LIBCRYPTO_SONAME (e.g. libcrypto.so.3) is set by libinitiator/CMakeLists.txt"
#endif

namespace iscsi::auth::detail {
namespace {

template <class Fn>
bool resolve(void* handle, char const* name, Fn& out) noexcept
{
    out = reinterpret_cast<Fn>(::dlsym(handle, name));
    return out != nullptr;
}

bool load(libcrypto& c) noexcept
{
    // RTLD_NODELETE: the functions stay valid for the process's life;
    // RTLD_LOCAL: its symbols do not leak into later lookups.
    void* const h = ::dlopen(ISCSI_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h)
        return false;
    return resolve(h, "EVP_MD_fetch", c.md_fetch) && resolve(h, "EVP_MD_free", c.md_free) &&
           resolve(h, "EVP_MD_get_size", c.md_get_size) && resolve(h, "EVP_MD_CTX_new", c.ctx_new) &&
           resolve(h, "EVP_MD_CTX_free", c.ctx_free) && resolve(h, "EVP_DigestInit_ex2", c.init) &&
           resolve(h, "EVP_DigestUpdate", c.update) && resolve(h, "EVP_DigestFinal_ex", c.final);
}

} // namespace

libcrypto const* load_libcrypto() noexcept
{
    static libcrypto lib{};
    static bool loaded = false;
    static std::once_flag once;
    std::call_once(once, [] { loaded = load(lib); });
    return loaded ? &lib : nullptr;
}

} // namespace iscsi::auth::detail
