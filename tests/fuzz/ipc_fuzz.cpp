// libFuzzer target: iscsid's control protocol, what a peer on the control
// socket sends (iscsid/ipc_protocol.hpp). Invariants (a violation traps):
//  - nothing crashes, whatever the bytes;
//  - message_length and parse agree: a whole message is found exactly when
//    parse does not say "incomplete" (for input within the size bound);
//  - a parsed message survives its wire form: parse(encode(m)) gives m's
//    keys and values back, a value's CR or LF turned into a space;
//  - the node fields read from a message (key_from, record_from) never
//    crash, and a record carried in "record" lines reaches the record parser.
#include "ipc_protocol.hpp"
#include "node_requests.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

void require(bool ok)
{
    if (!ok) __builtin_trap();
}

std::string one_line(std::string v)
{
    for (char& c : v)
        if (c == '\n' || c == '\r')
            c = ' ';
    return v;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    using namespace iscsid;
    std::string_view const text(reinterpret_cast<char const*>(data), size);

    auto const length = message_length(text);
    auto const msg = parse(text);
    if (size <= ipc_max_message)
        require(length.has_value() == (msg || msg.error() != make_error_code(ipc_errc::incomplete)));
    if (length)
        require(*length <= size && text.substr(*length - 2, 2) == "\n\n");
    if (!msg)
        return 0;

    auto const wire = encode(*msg);
    require(message_length(wire) == wire.size());
    auto const again = parse(wire);
    require(again.has_value());
    require(again->fields().size() == msg->fields().size());
    for (std::size_t i = 0; i < msg->fields().size(); ++i) {
        require(again->fields()[i].first == msg->fields()[i].first);
        require(again->fields()[i].second == one_line(msg->fields()[i].second));
    }

    (void)key_from(*msg);
    (void)msg->get_int("sid");
    (void)record_from(*msg);
    return 0;
}
