#include "kernel_session.hpp"


#include "iscsi/auth/random.hpp"
#include "iscsi/kernel/sysfs.hpp"
#include "iscsi/login/login_machine.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>

namespace iscsid {

using iscsi::result;
namespace k = iscsi::kernel;

namespace {

/// What the kernel said of a request: its negative errno, from iferror, or
/// from retcode for BIND/START/SEND_PDU; empty when it worked. `what` and
/// the reason go to diag.
std::error_code kernel_error(result<k::reply> const& r, std::string const& what, iscsi::diagnostics& diag)
{
    if (!r) {
        diag.set(what + ": " + r.error().message());
        return r.error();
    }
    int const err = r->iferror != 0 ? r->iferror : r->retcode;
    if (err >= 0)
        return {};
    std::error_code ec(-err, std::system_category());
    diag.set(what + ": the kernel answered " + ec.message());
    return ec;
}

/// One request; a kernel error becomes an error_code with `what` in diag.
asio::awaitable<result<k::reply>> request(kernel_link& link, k::message m, char const* what, iscsi::diagnostics& diag)
{
    auto r = co_await link.call(std::move(m));
    if (auto ec = kernel_error(r, what, diag))
        co_return ec;
    co_return *r;
}

/// The SET_PARAM list in one trip to the kernel. A parameter this
/// transport does not keep (-ENOSYS) is not an error.
asio::awaitable<std::error_code> set_params(kernel_link& link, k::conn_ref c,
                                            std::vector<k::param_setting> const& params, iscsi::diagnostics& diag)
{
    std::vector<k::message> ms;
    ms.reserve(params.size());
    for (auto const& p : params)
        ms.push_back(k::set_param(link.next_header(), c, p.id, p.value));
    auto replies = co_await link.call_all(std::move(ms));
    for (std::size_t i = 0; i < replies.size(); ++i) {
        auto ec = kernel_error(replies[i], "set parameter " + std::to_string(static_cast<unsigned>(params[i].id)), diag);
        if (ec && ec.value() != ENOSYS)
            co_return ec;
    }
    diag.clear();
    co_return std::error_code{};
}

asio::awaitable<void> destroy(kernel_link& link, k::conn_ref c, bool conn_created)
{
    iscsi::diagnostics ignored;
    if (conn_created) {
        (void)co_await request(link, k::stop_conn(link.next_header(), c, k::stop_flag::terminate), "stop", ignored);
        (void)co_await request(link, k::destroy_conn(link.next_header(), c), "destroy conn", ignored);
    }
    (void)co_await request(link, k::destroy_session(link.next_header(), c.sid), "destroy session", ignored);
}

} // namespace

asio::awaitable<result<kernel_session>> hand_off(kernel_link& link, iscsi::transport::logged_in_connection conn,
                                                 k::session_settings const& s, hand_off_options const& o,
                                                 iscsi::diagnostics& diag)
{
    auto const info = conn.info;
    auto fd = conn.stream.release();
    if (!fd) {
        diag.set("cannot hand the connection over: " + fd.error().message());
        co_return fd.error();
    }
    kernel_session ks;
    ks.socket = unique_fd(*fd);

    // The kernel numbers commands from here on: the login used none (§11.12.8).
    auto created = co_await request(
        link, k::create_session(link.next_header(), info.cmd_sn.value(), o.cmds_max, o.queue_depth),
        "create session", diag);
    if (!created)
        co_return created.error();
    ks.sid = created->ret0;
    ks.host_no = created->ret1;
    k::conn_ref const c{ks.sid, 0};

    bool conn_created = false;
    std::error_code failed;
    if (auto r = co_await request(link, k::create_conn(link.next_header(), c), "create connection", diag); !r)
        failed = r.error();
    else
        conn_created = true;
    if (!failed) {
        auto r = co_await request(link, k::bind_conn(link.next_header(), c, ks.socket.get(), true), "bind", diag);
        if (!r)
            failed = r.error();
    }
    if (!failed)
        failed = co_await set_params(link, c, k::connection_params(s, info.params, info.exp_stat_sn.value()), diag);
    if (!failed) {
        if (auto r = co_await request(link, k::start_conn(link.next_header(), c), "start connection", diag); !r)
            failed = r.error();
    }
    if (failed) {
        co_await destroy(link, c, conn_created);
        co_return failed;
    }
    if (o.scan) {
        std::uint32_t const host = ks.host_no;
        auto const t0 = std::chrono::steady_clock::now();
        auto ec = co_await link.run_blocking([host] { return k::scan_host("/sys", host); });
        ks.scan_time = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
        if (ec) {
            diag.set("scan of host" + std::to_string(host) + " failed: " + ec.message());
            // The session stands; its LUNs can be rescanned (iscsiadm -R).
        }
    }
    co_return ks;
}

namespace {

/// A PDU the kernel passed up (RECV_PDU): BHS, AHS, data, no digests.
std::optional<iscsi::pdu::raw_pdu> pdu_from_kernel(std::span<std::byte const> bytes)
{
    iscsi::pdu::raw_pdu p;
    if (bytes.size() < p.bhs.size())
        return std::nullopt;
    std::copy_n(bytes.begin(), p.bhs.size(), p.bhs.begin());
    std::size_t const ahs = p.total_ahs_length() * 4U;
    std::size_t const data = p.data_segment_length();
    if (bytes.size() < p.bhs.size() + ahs + data)
        return std::nullopt;
    auto rest = bytes.subspan(p.bhs.size());
    p.ahs.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(ahs));
    rest = rest.subspan(ahs);
    p.data.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(data));
    return p;
}

/// Runs a login machine over the kernel's bound connection: each Login
/// Request goes down with SEND_PDU (the kernel sets ITT and CmdSN), each
/// Login Response comes up as a RECV_PDU event.
asio::awaitable<std::error_code> kernel_login(kernel_link& link, std::uint32_t sid, iscsi::login::login_machine& m,
                                              iscsi::diagnostics& diag)
{
    k::conn_ref const c{sid, 0};
    m.start(iscsi::clock::now());
    while (!m.done()) {
        auto response = link.expect([sid](k::incoming const& e) {
            auto const* ev = std::get_if<k::recv_pdu_event>(&e);
            return ev && ev->conn.sid == sid;
        });
        while (auto out = m.poll_transmit()) {
            out->own_data();
            auto r = co_await request(link, k::send_pdu(link.next_header(), c, out->bhs, out->data), "send Login",
                                      diag);
            if (!r)
                co_return r.error();
        }
        if (m.done())
            break;
        auto const deadline = m.poll_timeout().value_or(iscsi::clock::now() + std::chrono::seconds(30));
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - iscsi::clock::now());
        auto got = co_await response->wait(std::max(left, std::chrono::milliseconds(1)));
        if (!got) {
            m.handle_timeout(iscsi::clock::now());
            continue;
        }
        auto pdu = pdu_from_kernel(std::get<k::recv_pdu_event>(*got).pdu);
        if (!pdu) {
            diag.set("the kernel passed up a truncated PDU");
            co_return std::make_error_code(std::errc::protocol_error);
        }
        m.handle_pdu(*pdu);
    }
    if (m.state() != iscsi::login::login_state::full_feature_phase) {
        std::string msg = m.error() ? m.error().message() : std::string("redirected");
        if (!m.diag().message.empty())
            msg += " (" + m.diag().message + ")";
        diag.set("login: " + msg);
        co_return m.error() ? m.error() : std::make_error_code(std::errc::connection_refused);
    }
    co_return std::error_code{};
}

} // namespace

asio::awaitable<std::error_code> reconnect(kernel_link& link, kernel_session& s, reconnect_plan const& plan,
                                           bool const& cancelled, iscsi::diagnostics& diag)
{
    auto const stopped = std::make_error_code(std::errc::operation_canceled);
    k::conn_ref const c{s.sid, 0};
    // The kernel already cleaned the failed connection up; STOP_CONN
    // finishes that and allows a new bind. Our old descriptor goes too.
    s.socket.reset();
    (void)co_await request(link, k::stop_conn(link.next_header(), c, k::stop_flag::recover), "stop", diag);
    diag.clear();

    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer pause(ex, plan.time2wait);
    co_await pause.async_wait(asio::use_awaitable);
    if (cancelled)
        co_return stopped;

    iscsi::transport::pdu_stream stream(ex);
    if (auto ec = co_await stream.connect(plan.portal.address, plan.portal.port, plan.connect_timeout)) {
        diag.set("cannot connect to " + plan.portal.address + ":" + std::to_string(plan.portal.port) + ": " +
                 ec.message());
        co_return ec;
    }
    if (cancelled)
        co_return stopped;
    auto fd = stream.release();
    if (!fd) {
        diag.set(fd.error().message());
        co_return fd.error();
    }
    s.socket = unique_fd(*fd);
    if (auto r = co_await request(link, k::bind_conn(link.next_header(), c, s.socket.get(), true), "bind", diag); !r)
        co_return r.error();

    auto login = plan.login;
    login.itt_assigned_by_transport = true; // the kernel's SEND_PDU sets it
    iscsi::login::login_machine m(std::move(login), iscsi::auth::system_random());
    if (auto ec = co_await kernel_login(link, s.sid, m, diag))
        co_return ec;
    if (cancelled)
        co_return stopped;
    auto const& info = m.success();
    if (auto ec = co_await set_params(link, c, k::connection_params(plan.settings, info.params,
                                                                     info.exp_stat_sn.value()), diag))
        co_return ec;
    if (auto r = co_await request(link, k::start_conn(link.next_header(), c), "start connection", diag); !r)
        co_return r.error();
    co_return std::error_code{};
}

asio::awaitable<std::error_code> log_out(kernel_link& link, kernel_session& s, std::chrono::milliseconds timeout,
                                         iscsi::diagnostics& diag)
{
    k::conn_ref const c{s.sid, 0};
    std::uint32_t const sid = s.sid;
    std::error_code result_ec;

    // 1. Remove the SCSI target while the connection still carries the
    //    disks' cache flushes; the kernel says when (UNBIND_SESSION event).
    auto unbound = link.expect([sid](k::incoming const& e) {
        auto const* ev = std::get_if<k::session_event>(&e);
        return ev && ev->type == k::uevent::unbind_session_event && ev->sid == sid;
    });
    if (auto r = co_await request(link, k::unbind_session(link.next_header(), sid), "unbind", diag); r)
        (void)co_await unbound->wait(timeout);

    // 2. Logout Request, close the session (§11.14.1): immediate, final.
    //    The kernel fills ITT, CmdSN and ExpStatSN.
    std::array<std::byte, 48> bhs{};
    bhs[0] = std::byte{0x46};
    bhs[1] = std::byte{0x80};
    auto answered = link.expect([sid](k::incoming const& e) {
        auto const* ev = std::get_if<k::recv_pdu_event>(&e);
        return ev && ev->conn.sid == sid && !ev->pdu.empty() &&
               (std::to_integer<unsigned>(ev->pdu[0]) & 0x3fU) == 0x26U;
    });
    if (auto r = co_await request(link, k::send_pdu(link.next_header(), c, bhs, {}), "send Logout", diag); !r) {
        result_ec = r.error();
    } else {
        auto got = co_await answered->wait(timeout);
        if (!got) {
            diag.set("no Logout Response within " + std::to_string(timeout.count()) + " ms");
            result_ec = std::make_error_code(std::errc::timed_out);
        } else {
            auto const& pdu = std::get<k::recv_pdu_event>(*got).pdu;
            if (pdu.size() >= 3 && pdu[2] != std::byte{0}) {
                diag.set("the target refused the logout (response " + std::to_string(std::to_integer<int>(pdu[2])) +
                         ")");
                result_ec = std::make_error_code(std::errc::protocol_error);
            }
        }
    }
    // 3. Stop and destroy, whatever the target said.
    co_await destroy(link, c, true);
    s.socket.reset();
    co_return result_ec;
}

} // namespace iscsid
