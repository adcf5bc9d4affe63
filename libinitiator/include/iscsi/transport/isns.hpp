/**
 * @file
 * iSNS discovery over TCP (RFC 4171): the driver of
 * discovery::isns::discovery_exchange. Connects to the server, registers
 * our node, queries the targets it may see, deregisters, and closes.
 */
#pragma once

#include "iscsi/core/clock.hpp"
#include "iscsi/core/error.hpp"
#include "iscsi/discovery/isns/messages.hpp"
#include "iscsi/discovery/portal.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <vector>

namespace iscsi::transport {

namespace asio = boost::asio;

/**
 * Runs one iSNS discovery against `server` (port 3205 unless given) as
 * `reg` (our initiator name; its portal, if set, is registered too).
 * `timeout` bounds the whole exchange, connect included. Errors: a socket
 * error, transport::errc::connect_timeout, isns::errc::timed_out, or an
 * isns::errc from the server's answers with detail in `diag`.
 */
asio::awaitable<result<std::vector<discovery::target_record>>>
discover_isns(asio::any_io_executor ex, discovery::portal server, discovery::isns::registration reg,
              duration timeout, diagnostics* diag = nullptr);

} // namespace iscsi::transport
