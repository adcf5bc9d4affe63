#pragma once
// Helpers for the iSNS machines' transcript tests: what a machine sent, as
// the one message it must be, and the server's answer to a request.
#include "iscsi/discovery/isns/pdu.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace iscsi::discovery::isns::test {

/// `bytes` as exactly one message (a test failure otherwise).
inline message only_message(std::vector<std::byte> const& bytes)
{
    message_reader r;
    auto used = r.feed(bytes);
    EXPECT_TRUE(used && *used == bytes.size() && r.ready()) << "not exactly one message";
    return r.ready() ? r.take() : message{};
}

/// The one message a machine (discovery_exchange, registrar) has to send now.
template <class Machine>
message sent(Machine& m)
{
    return only_message(m.take_output());
}

/// The server's response to `request`: same function and transaction.
inline message answer(message const& request, std::uint32_t status, std::vector<attribute> attrs = {})
{
    message m;
    m.fn = request.fn;
    m.is_response = true;
    m.xid = request.xid;
    m.status = status;
    m.attributes = std::move(attrs);
    return m;
}

} // namespace iscsi::discovery::isns::test
