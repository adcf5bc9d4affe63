#include "iscsi/discovery/isns/pdu.hpp"

#include "iscsi/discovery/isns/errors.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace iscsi::discovery::isns {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> in)
{
    std::vector<std::byte> out;
    for (int b : in)
        out.push_back(static_cast<std::byte>(b));
    return out;
}

void append(std::vector<std::byte>& out, std::vector<std::byte> const& more)
{
    out.insert(out.end(), more.begin(), more.end());
}

/// A PDU header: version 1, then the fields given.
std::vector<std::byte> header(std::uint16_t fn, std::uint16_t len, std::uint16_t flags, std::uint16_t xid,
                              std::uint16_t seq)
{
    return bytes({0, 1, fn >> 8, fn & 0xff, len >> 8, len & 0xff, flags >> 8, flags & 0xff, xid >> 8, xid & 0xff,
                  seq >> 8, seq & 0xff});
}

/// Feeds `wire` in pieces cut at `split`, returning the one message.
result<message> read_split(std::vector<std::byte> const& wire, std::size_t split)
{
    message_reader r;
    std::span<std::byte const> in(wire);
    for (auto part : {in.first(split), in.subspan(split)}) {
        while (!part.empty()) {
            auto used = r.feed(part);
            if (!used)
                return used.error();
            part = part.subspan(*used);
            if (r.ready() && !part.empty())
                return make_error_code(errc::bad_sequence); // bytes after the one message
        }
    }
    if (!r.ready())
        return make_error_code(errc::timed_out); // incomplete
    return r.take();
}

TEST(IsnsAttributes, StringsAreNulTerminatedAndPaddedToFour)
{
    // §6.1: "iSNS string attributes ... NULL-terminated ... padded".
    EXPECT_EQ(string_attribute(tag::iscsi_name, "abc").value, bytes({'a', 'b', 'c', 0}));
    EXPECT_EQ(string_attribute(tag::iscsi_name, "abcd").value, bytes({'a', 'b', 'c', 'd', 0, 0, 0, 0}));
    EXPECT_EQ(string_value(string_attribute(tag::iscsi_name, "iqn.2026-12.test:t1")), "iqn.2026-12.test:t1");
    EXPECT_EQ(string_value({32, bytes({'a', 'b', 'c', 'd'})}), std::nullopt) << "no NUL";
    EXPECT_EQ(string_value({32, {}}), std::nullopt);
}

TEST(IsnsAttributes, Ipv4IsCarriedAsAnIpv4MappedAddress)
{
    // §6.3.1: a 16-byte field; IPv4 as ::ffff:a.b.c.d.
    auto a = address_attribute(tag::portal_ip_address, "192.0.2.7");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->value, bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7}));
    EXPECT_EQ(address_value(*a), "192.0.2.7");
    auto b = address_attribute(tag::portal_ip_address, "2001:db8::5");
    ASSERT_TRUE(b);
    EXPECT_EQ(address_value(*b), "2001:db8::5");
    EXPECT_EQ(address_attribute(tag::portal_ip_address, "host.example").error(), make_error_code(errc::bad_address));
    EXPECT_EQ(address_value({16, bytes({127, 0, 0, 1})}), std::nullopt) << "4 bytes is not the field's size";
}

TEST(IsnsPdu, ARequestIsOnePduWithClientFirstAndLastFlags)
{
    message m;
    m.fn = function::dev_attr_qry;
    m.xid = 0x1234;
    m.attributes = {string_attribute(tag::iscsi_name, "iqn.x"), empty_attribute(tag::delimiter)};
    auto wire = encode(m);
    auto want = header(0x0002, 24, flag::client | flag::first_pdu | flag::last_pdu, 0x1234, 0); // 16 + 8 bytes
    append(want, bytes({0, 0, 0, 32, 0, 0, 0, 8, 'i', 'q', 'n', '.', 'x', 0, 0, 0}));
    append(want, bytes({0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(wire, want);
}

TEST(IsnsPdu, AResponseIsReadAtEverySplitPoint)
{
    // DevAttrQryRsp (0x8002), status 0, one node name.
    auto wire = header(0x8002, 16, flag::server | flag::first_pdu | flag::last_pdu, 7, 0);
    append(wire, bytes({0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 4, 'a', 'b', 'c', 0}));
    for (std::size_t split = 0; split <= wire.size(); ++split) {
        auto m = read_split(wire, split);
        ASSERT_TRUE(m) << "split " << split << ": " << m.error().message();
        EXPECT_EQ(m->fn, function::dev_attr_qry);
        EXPECT_TRUE(m->is_response);
        EXPECT_EQ(m->xid, 7);
        EXPECT_EQ(m->status, 0U);
        ASSERT_EQ(m->attributes.size(), 1U);
        EXPECT_EQ(string_value(m->attributes[0]), "abc");
    }
}

TEST(IsnsPdu, AMessageSpanningPdusIsReassembledEvenWithinAnAttribute)
{
    // §5.1: the payloads of a message's PDUs concatenate; here the split
    // falls inside the attribute's value.
    auto wire = header(0x8002, 10, flag::server | flag::first_pdu, 9, 0);
    append(wire, bytes({0, 0, 0, 0, 0, 0, 0, 32, 0, 0}));
    append(wire, header(0x8002, 6, flag::server | flag::last_pdu, 9, 1));
    append(wire, bytes({0, 4, 'x', 'y', 'z', 0}));
    for (std::size_t split = 0; split <= wire.size(); ++split) {
        auto m = read_split(wire, split);
        ASSERT_TRUE(m) << "split " << split << ": " << m.error().message();
        ASSERT_EQ(m->attributes.size(), 1U);
        EXPECT_EQ(string_value(m->attributes[0]), "xyz");
    }
}

TEST(IsnsPdu, EncodeSplitsALargeMessageAndTheReaderJoinsIt)
{
    message m;
    m.fn = function::dev_attr_qry;
    m.is_response = true;
    m.status = 0;
    m.xid = 3;
    for (int i = 0; i < 5000; ++i)
        m.attributes.push_back(string_attribute(tag::iscsi_name, "iqn.2026-12.test:target-" + std::to_string(i)));
    auto wire = encode(m);
    EXPECT_GT(wire.size(), 65536U);
    message_reader r;
    auto used = r.feed(wire);
    ASSERT_TRUE(used) << used.error().message();
    EXPECT_EQ(*used, wire.size());
    ASSERT_TRUE(r.ready());
    auto back = r.take();
    EXPECT_EQ(back.attributes, m.attributes);
}

TEST(IsnsPdu, VersionOtherThanOneDropsTheConnection)
{
    auto wire = header(0x8002, 4, flag::server | flag::first_pdu | flag::last_pdu, 1, 0);
    wire[1] = std::byte{2};
    append(wire, bytes({0, 0, 0, 0}));
    message_reader r;
    diagnostics d;
    auto used = r.feed(wire, &d);
    ASSERT_FALSE(used);
    EXPECT_EQ(used.error(), make_error_code(errc::bad_version));
    EXPECT_EQ(recovery_for(used.error()), recovery::drop_connection);
    EXPECT_EQ(d.message, "iSNSP version 2");
}

TEST(IsnsPdu, OutOfSequencePdusAreRefused)
{
    // A continuation without a first PDU, then a gap in Sequence IDs, then
    // another transaction's PDU in the middle of a message.
    auto lone = header(0x8002, 4, flag::server | flag::last_pdu, 1, 1);
    append(lone, bytes({0, 0, 0, 0}));
    EXPECT_EQ(read_split(lone, 0).error(), make_error_code(errc::bad_sequence));

    auto gap = header(0x8002, 4, flag::server | flag::first_pdu, 1, 0);
    append(gap, bytes({0, 0, 0, 0}));
    append(gap, header(0x8002, 0, flag::server | flag::last_pdu, 1, 2));
    EXPECT_EQ(read_split(gap, 0).error(), make_error_code(errc::bad_sequence));

    auto other = header(0x8002, 4, flag::server | flag::first_pdu, 1, 0);
    append(other, bytes({0, 0, 0, 0}));
    append(other, header(0x8002, 0, flag::server | flag::last_pdu, 2, 1));
    EXPECT_EQ(read_split(other, 0).error(), make_error_code(errc::bad_sequence));
}

TEST(IsnsPdu, AttributeLengthsMustBeMultiplesOfFourAndFitTheMessage)
{
    // §5.1.3: "The length ... MUST be a multiple of 4".
    for (auto const& body : {bytes({0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 3, 'a', 'b', 0, 0}),
                             bytes({0, 0, 0, 0, 0, 0, 0, 32, 0xff, 0xff, 0xff, 0xfc, 'a', 'b', 0, 0}),
                             bytes({0, 0, 0, 0, 0, 0, 0, 32, 0, 0})}) {
        auto wire = header(0x8002, static_cast<std::uint16_t>(body.size()),
                           flag::server | flag::first_pdu | flag::last_pdu, 1, 0);
        append(wire, body);
        diagnostics d;
        message_reader r;
        auto used = r.feed(wire, &d);
        ASSERT_FALSE(used);
        EXPECT_EQ(used.error(), make_error_code(errc::bad_attribute_length)) << d.message;
        EXPECT_FALSE(d.message.empty());
    }
}

TEST(IsnsPdu, AResponseWithoutAStatusCodeIsRefused)
{
    auto wire = header(0x8001, 0, flag::server | flag::first_pdu | flag::last_pdu, 1, 0);
    EXPECT_EQ(read_split(wire, 0).error(), make_error_code(errc::missing_status));
}

TEST(IsnsPdu, AMessageBeyondTheSizeLimitIsRefusedBeforeItIsBuffered)
{
    // 300 PDUs of 65,532 bytes: the reader stops at the header that would
    // pass max_message_size, having buffered less than the limit.
    message_reader r;
    std::vector<std::byte> const chunk(65532);
    std::error_code failure;
    for (std::uint16_t seq = 0; seq < 300 && !failure; ++seq) {
        auto h = header(0x8002, 65532, flag::server | (seq == 0 ? flag::first_pdu : 0), 1, seq);
        auto used = r.feed(h);
        if (!used) {
            failure = used.error();
            break;
        }
        auto more = r.feed(chunk);
        ASSERT_TRUE(more);
    }
    EXPECT_EQ(failure, make_error_code(errc::message_too_large));
}

TEST(IsnsStatus, NamesFollowRfc4171)
{
    EXPECT_EQ(status_name(0), "Successful");
    EXPECT_EQ(status_name(8), "Source Unauthorized");
    EXPECT_EQ(status_name(4), "status 4");
    EXPECT_EQ(status_name(99), "status 99");
}

} // namespace
} // namespace iscsi::discovery::isns
