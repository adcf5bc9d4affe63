// iface records (store.hpp).
#include "iscsi/db/errors.hpp"
#include "iscsi/db/record_format.hpp"
#include "iscsi/db/store.hpp"
#include "paths.hpp"
#include "store_detail.hpp"

#include <unistd.h>

namespace iscsi::db {

std::vector<iface_record> builtin_ifaces()
{
    // open-iscsi lists "default" (software iSCSI over TCP) and "iser"
    // without files; they cannot be changed or deleted.
    iface_record def;
    iface_record iser;
    iser.name = "iser";
    iser.transport_name = "iser";
    return {def, iser};
}

namespace {

bool is_builtin(std::string const& name) { return name == "default" || name == "iser"; }

} // namespace

result<void> make_ifaces_dir(store const& s) { return make_dirs(paths::ifaces_dir(s.root()), paths::dir_mode); }

result<std::vector<iface_record>> store::list_ifaces() const
{
    auto entries = detail::read_dir_or_empty(paths::ifaces_dir(root_));
    if (!entries)
        return entries.error();
    std::vector<iface_record> out;
    for (auto const& e : *entries) {
        if (e.is_dir || is_builtin(e.name))
            continue;
        if (auto r = read_iface(e.name))
            out.push_back(std::move(*r));
    }
    return out;
}

result<iface_record> store::read_iface(std::string const& name) const
{
    if (!paths::is_safe_component(name))
        return make_error_code(errc::bad_name);
    for (auto& b : builtin_ifaces())
        if (b.name == name)
            return b;
    auto text = read_text_file(paths::ifaces_dir(root_) / name);
    if (!text) {
        if (detail::missing(text.error()))
            return make_error_code(errc::not_found);
        return text.error();
    }
    iface_record r;
    r.transport_name.clear();
    parse_iface(*text, r);
    r.name = name; // the file name is the identity
    return r;
}

result<void> store::write_iface(iface_record const& r)
{
    if (!paths::is_safe_component(r.name))
        return make_error_code(errc::bad_name);
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto const dir = paths::ifaces_dir(root_);
    if (auto m = make_dirs(dir, paths::dir_mode); !m)
        return m;
    remove_stale_temps(dir);
    return replace_file(dir / r.name, format_iface(r, print_style::file), paths::file_mode);
}

result<void> store::delete_iface(std::string const& name)
{
    if (!paths::is_safe_component(name))
        return make_error_code(errc::bad_name);
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    auto const file = paths::ifaces_dir(root_) / name;
    if (::unlink(file.c_str()) != 0) {
        auto const ec = last_error();
        return detail::missing(ec) ? make_error_code(errc::not_found) : ec;
    }
    return sync_dir(paths::ifaces_dir(root_));
}

result<void> store::write_initiator_identity(initiator_identity const& id)
{
    // The file's values run to the first blank (parse_initiator_identity).
    constexpr std::string_view not_in_value = " \t\r\n";
    if (id.name.empty() || id.name.find_first_of(not_in_value) != std::string::npos ||
        id.alias.find_first_of(not_in_value) != std::string::npos)
        return make_error_code(errc::bad_name);
    auto lock = write_lock::acquire(root_);
    if (!lock)
        return lock.error();
    return replace_file(initiator_name_file(), format_initiator_identity(id), paths::file_mode);
}

} // namespace iscsi::db
