#include "iscsi/discovery/isns/pdu.hpp"

#include "iscsi/core/byte_io.hpp"
#include "iscsi/discovery/isns/errors.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>

namespace iscsi::discovery::isns {

namespace {

/// Largest PDU payload we send: PDU Length is 16 bits and we keep
/// payloads 4-byte aligned.
constexpr std::size_t max_pdu_payload = 65532;

result<void> fail(errc e, diagnostics* diag, std::string what)
{
    if (diag)
        diag->set(std::move(what));
    return make_error_code(e);
}

void append_be32(std::vector<std::byte>& out, std::uint32_t v)
{
    std::byte b[4];
    store_be32(b, v);
    out.insert(out.end(), b, b + 4);
}

} // namespace

// --- attributes ---------------------------------------------------------------

attribute empty_attribute(tag t)
{
    return {static_cast<std::uint32_t>(t), {}};
}

attribute string_attribute(tag t, std::string_view s)
{
    attribute a{static_cast<std::uint32_t>(t), {}};
    auto const padded = (s.size() + 1 + 3) & ~std::size_t{3}; // NUL, then to a multiple of 4
    a.value.assign(padded, std::byte{0});
    if (!s.empty()) // an empty view's data() may be null
        std::memcpy(a.value.data(), s.data(), s.size());
    return a;
}

attribute u32_attribute(tag t, std::uint32_t v)
{
    attribute a{static_cast<std::uint32_t>(t), {}};
    append_be32(a.value, v);
    return a;
}

result<attribute> address_attribute(tag t, std::string_view address)
{
    std::string const text(address);
    attribute a{static_cast<std::uint32_t>(t), std::vector<std::byte>(16)};
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        // §6.3.1: IPv4 as an IPv4-mapped IPv6 address, ::ffff:a.b.c.d.
        a.value[10] = a.value[11] = std::byte{0xff};
        std::memcpy(a.value.data() + 12, &v4, 4);
        return a;
    }
    if (::inet_pton(AF_INET6, text.c_str(), a.value.data()) == 1)
        return a;
    return make_error_code(errc::bad_address);
}

std::optional<std::string> string_value(attribute const& a)
{
    if (a.value.empty()) // (an empty vector's data() may be null: no memchr on it)
        return std::nullopt;
    auto const* p = reinterpret_cast<char const*>(a.value.data());
    auto const* nul = static_cast<char const*>(std::memchr(p, 0, a.value.size()));
    if (!nul)
        return std::nullopt;
    return std::string(p, nul);
}

std::optional<std::uint32_t> u32_value(attribute const& a)
{
    if (a.value.size() != 4)
        return std::nullopt;
    return load_be32(a.value);
}

std::optional<std::string> address_value(attribute const& a)
{
    if (a.value.size() != 16)
        return std::nullopt;
    static constexpr std::byte mapped[12]{std::byte{0}, std::byte{0}, std::byte{0},    std::byte{0},
                                          std::byte{0}, std::byte{0}, std::byte{0},    std::byte{0},
                                          std::byte{0}, std::byte{0}, std::byte{0xff}, std::byte{0xff}};
    // open-isns's isnsadm registers IPv4 portals IPv4-compatible (::a.b.c.d,
    // deprecated by RFC 4291 §2.5.5.1): read those as IPv4 too, but not ::1.
    bool const compatible = std::memcmp(a.value.data(), mapped, 10) == 0 && a.value[10] == std::byte{0} &&
                            a.value[11] == std::byte{0} && a.value[12] != std::byte{0};
    char buf[INET6_ADDRSTRLEN] = {};
    if (std::memcmp(a.value.data(), mapped, sizeof mapped) == 0 || compatible)
        ::inet_ntop(AF_INET, a.value.data() + 12, buf, sizeof buf);
    else
        ::inet_ntop(AF_INET6, a.value.data(), buf, sizeof buf);
    return std::string(buf);
}

// --- encoding -------------------------------------------------------------------

std::vector<std::byte> encode(message const& m)
{
    std::vector<std::byte> payload;
    if (m.is_response)
        append_be32(payload, m.status.value_or(0));
    for (auto const& a : m.attributes) {
        append_be32(payload, a.tag);
        append_be32(payload, static_cast<std::uint32_t>(a.value.size()));
        payload.insert(payload.end(), a.value.begin(), a.value.end());
    }
    auto const fn = static_cast<std::uint16_t>(static_cast<std::uint16_t>(m.fn) | (m.is_response ? response_bit : 0));
    auto const base = static_cast<std::uint16_t>((m.flags & ~(flag::first_pdu | flag::last_pdu)) |
                                                 (m.is_response ? flag::server : flag::client));
    std::vector<std::byte> out;
    std::size_t at = 0;
    std::uint16_t seq = 0;
    do {
        auto const n = std::min(max_pdu_payload, payload.size() - at);
        std::uint16_t f = base;
        if (at == 0)
            f |= flag::first_pdu;
        if (at + n == payload.size())
            f |= flag::last_pdu;
        std::byte h[header_size];
        store_be16(std::span(h).subspan(0, 2), isnsp_version);
        store_be16(std::span(h).subspan(2, 2), fn);
        store_be16(std::span(h).subspan(4, 2), static_cast<std::uint16_t>(n));
        store_be16(std::span(h).subspan(6, 2), f);
        store_be16(std::span(h).subspan(8, 2), m.xid);
        store_be16(std::span(h).subspan(10, 2), seq++);
        out.insert(out.end(), h, h + header_size);
        out.insert(out.end(), payload.begin() + static_cast<std::ptrdiff_t>(at),
                   payload.begin() + static_cast<std::ptrdiff_t>(at + n));
        at += n;
    } while (at < payload.size());
    return out;
}

// --- decoding -------------------------------------------------------------------

result<message> parse_payload(function fn, bool is_response, std::uint16_t flags, std::uint16_t xid,
                              std::span<std::byte const> payload, diagnostics* diag)
{
    message m;
    m.fn = fn;
    m.is_response = is_response;
    m.flags = flags;
    m.xid = xid;
    if (is_response) {
        if (payload.size() < 4) {
            auto r = fail(errc::missing_status, diag, "a response of " + std::to_string(payload.size()) + " bytes");
            return r.error();
        }
        m.status = load_be32(payload);
        payload = payload.subspan(4);
    }
    while (!payload.empty()) {
        // §5.1.3: Tag(4) Length(4) Value; "the length ... MUST be a multiple of 4".
        if (payload.size() < 8)
            return fail(errc::bad_attribute_length, diag,
                        std::to_string(payload.size()) + " bytes left after the last attribute, not a tag and length")
                .error();
        auto const t = load_be32(payload);
        auto const len = load_be32(payload.subspan(4));
        if (len % 4 != 0 || len > payload.size() - 8)
            return fail(errc::bad_attribute_length, diag,
                        "attribute tag " + std::to_string(t) + " has length " + std::to_string(len) + " with " +
                            std::to_string(payload.size() - 8) + " bytes left")
                .error();
        if (m.attributes.size() == max_attributes)
            return fail(errc::too_many_attributes, diag, "more than " + std::to_string(max_attributes)).error();
        auto const value = payload.subspan(8, len);
        m.attributes.push_back({t, {value.begin(), value.end()}});
        payload = payload.subspan(8 + len);
    }
    return m;
}

result<std::size_t> message_reader::feed(std::span<std::byte const> in, diagnostics* diag)
{
    std::size_t used = 0;
    while (!ready_ && used < in.size()) {
        if (header_have_ < header_size) {
            auto const n = std::min(header_size - header_have_, in.size() - used);
            std::memcpy(header_ + header_have_, in.data() + used, n);
            header_have_ += n;
            used += n;
            if (header_have_ < header_size)
                break;
            if (auto r = on_header(diag); !r)
                return r.error();
        }
        auto const n = std::min(payload_left_, in.size() - used);
        payload_.insert(payload_.end(), in.begin() + static_cast<std::ptrdiff_t>(used),
                        in.begin() + static_cast<std::ptrdiff_t>(used + n));
        payload_left_ -= n;
        used += n;
        if (payload_left_ == 0)
            if (auto r = on_pdu_complete(diag); !r)
                return r.error();
    }
    return used;
}

/// Checks a PDU header against the message it continues (§5.1: the PDUs
/// of one message share Function ID and Transaction ID and number their
/// Sequence IDs from 0).
result<void> message_reader::on_header(diagnostics* diag)
{
    std::span<std::byte const> const h(header_);
    auto const version = load_be16(h);
    auto const fn = load_be16(h.subspan(2));
    auto const len = load_be16(h.subspan(4));
    auto const flags = load_be16(h.subspan(6));
    auto const xid = load_be16(h.subspan(8));
    auto const seq = load_be16(h.subspan(10));
    if (version != isnsp_version)
        return fail(errc::bad_version, diag, "iSNSP version " + std::to_string(version));
    if (!in_message_) {
        if (!(flags & flag::first_pdu) || seq != 0)
            return fail(errc::bad_sequence, diag,
                        "a message starts with sequence " + std::to_string(seq) + " and no First PDU flag");
        in_message_ = true;
        fn_ = fn;
        flags_ = static_cast<std::uint16_t>(flags & ~(flag::first_pdu | flag::last_pdu));
        xid_ = xid;
        next_seq_ = 0;
    } else if (fn != fn_ || xid != xid_ || seq != next_seq_ || (flags & flag::first_pdu)) {
        return fail(errc::bad_sequence, diag,
                    "PDU " + std::to_string(seq) + " of transaction " + std::to_string(xid) +
                        " does not continue transaction " + std::to_string(xid_) + " at PDU " +
                        std::to_string(next_seq_));
    }
    if (payload_.size() + len > max_message_size)
        return fail(errc::message_too_large, diag, "more than " + std::to_string(max_message_size) + " bytes");
    ++next_seq_;
    pdu_flags_ = flags;
    payload_left_ = len;
    return {};
}

result<void> message_reader::on_pdu_complete(diagnostics* diag)
{
    header_have_ = 0;
    if (!(pdu_flags_ & flag::last_pdu))
        return {};
    bool const is_response = fn_ & response_bit;
    auto m = parse_payload(static_cast<function>(fn_ & ~response_bit), is_response, flags_, xid_, payload_, diag);
    if (!m)
        return m.error();
    done_ = std::move(*m);
    payload_.clear();
    in_message_ = false;
    ready_ = true;
    return {};
}

message message_reader::take()
{
    ready_ = false;
    return std::move(done_);
}

} // namespace iscsi::discovery::isns
