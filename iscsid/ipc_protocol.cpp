#include "ipc_protocol.hpp"

#include <charconv>
#include <cstdlib>

namespace iscsid {

std::string control_socket_path()
{
    if (char const* env = std::getenv("ISCSID_SOCKET"); env && *env)
        return env;
    return "/run/iscsid/control.sock";
}

ipc_message& ipc_message::add(std::string key, std::string value)
{
    fields_.emplace_back(std::move(key), std::move(value));
    return *this;
}

std::optional<std::string> ipc_message::get(std::string_view key) const
{
    for (auto const& [k, v] : fields_)
        if (k == key)
            return v;
    return std::nullopt;
}

std::optional<long long> ipc_message::get_int(std::string_view key) const
{
    auto v = get(key);
    if (!v)
        return std::nullopt;
    long long n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || end != v->data() + v->size())
        return std::nullopt;
    return n;
}

std::vector<std::string> ipc_message::all(std::string_view key) const
{
    std::vector<std::string> out;
    for (auto const& [k, v] : fields_)
        if (k == key)
            out.push_back(v);
    return out;
}

std::string encode(ipc_message const& m)
{
    std::string out = std::string(ipc_magic) + " " + std::to_string(ipc_version) + "\n";
    for (auto const& [k, v] : m.fields()) {
        std::string line = v;
        for (char& c : line)
            if (c == '\n' || c == '\r')
                c = ' ';
        out += k + "=" + line + "\n";
    }
    out += "\n";
    return out;
}

std::optional<std::size_t> message_length(std::string_view buffered) noexcept
{
    auto end = buffered.find("\n\n");
    if (end == std::string_view::npos)
        return std::nullopt;
    return end + 2;
}

namespace {

bool valid_key(std::string_view k) noexcept
{
    if (k.empty())
        return false;
    for (char c : k)
        if (!((c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9')))
            return false;
    return true;
}

} // namespace

iscsi::result<ipc_message> parse(std::string_view text)
{
    if (text.size() > ipc_max_message)
        return make_error_code(ipc_errc::too_large);
    auto len = message_length(text);
    if (!len)
        return make_error_code(ipc_errc::incomplete);
    text = text.substr(0, *len - 1); // keep each line's '\n'
    auto first = text.find('\n');
    std::string_view head = text.substr(0, first);
    std::string_view const prefix = ipc_magic;
    if (head.size() <= prefix.size() + 1 || head.substr(0, prefix.size()) != prefix || head[prefix.size()] != ' ')
        return make_error_code(ipc_errc::bad_magic);
    int version = 0;
    auto vtext = head.substr(prefix.size() + 1);
    auto [vend, vec] = std::from_chars(vtext.data(), vtext.data() + vtext.size(), version);
    if (vec != std::errc{} || vend != vtext.data() + vtext.size() || version < 1)
        return make_error_code(ipc_errc::bad_magic);
    if (version > ipc_version)
        return make_error_code(ipc_errc::newer_version);

    ipc_message m;
    text.remove_prefix(first + 1);
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl + 1);
        auto eq = line.find('=');
        if (eq == std::string_view::npos || !valid_key(line.substr(0, eq)))
            return make_error_code(ipc_errc::bad_line);
        m.add(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
    return m;
}

namespace {

class category final : public iscsi::error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "iscsid.ipc"; }
    [[nodiscard]] std::string message(int v) const override
    {
        switch (static_cast<ipc_errc>(v)) {
        case ipc_errc::bad_magic: return "not an iscsid control message";
        case ipc_errc::newer_version: return "the peer speaks a newer iscsid control protocol";
        case ipc_errc::bad_line: return "a control message line is not key=value";
        case ipc_errc::incomplete: return "the control message ended early";
        case ipc_errc::too_large: return "the control message is too large";
        }
        return "unknown iscsid control protocol error";
    }
    [[nodiscard]] iscsi::recovery recovery_of(int) const noexcept override { return iscsi::recovery::report_to_user; }
};

} // namespace

std::error_code make_error_code(ipc_errc e) noexcept
{
    static category const cat;
    return {static_cast<int>(e), cat};
}

} // namespace iscsid
