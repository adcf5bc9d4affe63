#include "output.hpp"

#include <cstdio>

namespace iscsiadm {

namespace {

void put(std::FILE* f, std::string_view s) { std::fwrite(s.data(), 1, s.size(), f); }

} // namespace

void error(std::string_view message)
{
    std::fflush(stdout); // keep the order a terminal would show
    put(stderr, "iscsiadm: ");
    put(stderr, message);
    put(stderr, "\n");
}

void warning(std::string_view message) { error(message); }

void print(std::string_view text) { put(stdout, text); }

std::string json_string(std::string_view s)
{
    std::string out = "\"";
    for (char const c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

} // namespace iscsiadm
