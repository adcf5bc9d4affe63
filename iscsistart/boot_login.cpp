// iscsistart's logins through an in-process iscsid::daemon (boot_login.hpp).
#include "boot_login.hpp"

#include "daemon.hpp"
#include "kernel_link.hpp"

#include "iscsi/db/record_format.hpp"
#include "iscsi/db/store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <iostream>

namespace iscsistart {

namespace db = iscsi::db;

namespace {

/// The daemon's login request carrying the whole record (it is never
/// written to the database).
iscsid::ipc_message request_for(db::node_record const& r)
{
    auto const k = db::key_of(r);
    iscsid::ipc_message m;
    m.add("op", "login").add("target", k.target).add("address", k.address).add("port", k.port);
    m.add("tpgt", k.tpgt).add("iface", k.iface);
    auto const text = db::format_node(r, db::print_style::file);
    for (std::size_t at = 0; at < text.size();) {
        auto nl = text.find('\n', at);
        if (nl == std::string::npos)
            nl = text.size();
        if (nl > at && text[at] != '#')
            m.add("record", text.substr(at, nl - at));
        at = nl + 1;
    }
    return m;
}

} // namespace

bool log_in(std::vector<db::node_record> const& records, std::filesystem::path const& db_root, int debug)
{
    boost::asio::io_context io(1);
    std::string why = iscsid::load_module("iscsi_tcp");
    std::unique_ptr<iscsid::kernel_link> link;
    if (why.empty())
        if (auto opened = iscsid::kernel_link::open(io, "tcp", why))
            link = std::move(*opened);
    if (link)
        link->set_debug(debug);
    iscsid::daemon d(io, db_root, std::move(link), why);
    std::vector<std::optional<iscsid::ipc_message>> answers(records.size());
    // The daemon's coroutines hold their request by reference: they live here.
    std::vector<iscsid::ipc_message> requests;
    for (auto const& r : records)
        requests.push_back(request_for(r));
    std::size_t pending = records.size();
    for (std::size_t i = 0; i < records.size(); ++i) {
        auto const& r = records[i];
        std::cout << "iscsistart: Logging into " << r.name << " " << r.conn.address << ":" << r.conn.port << ","
                  << r.tpgt << "\n";
        boost::asio::co_spawn(io, d.handle(requests[i]), [&, i](std::exception_ptr e, iscsid::ipc_message m) {
            if (!e)
                answers[i] = std::move(m);
            if (--pending == 0)
                io.stop();
        });
    }
    std::cout.flush();
    if (pending > 0)
        io.run();
    bool ok = true;
    for (std::size_t i = 0; i < records.size(); ++i) {
        auto const status = answers[i] ? answers[i]->get_int("status").value_or(-1) : -1;
        if (status == 0)
            continue;
        ok = false;
        std::cerr << "iscsistart: login to " << records[i].name << " at " << records[i].conn.address << ":"
                  << records[i].conn.port << " failed (" << status << " - "
                  << (answers[i] ? answers[i]->get("message").value_or("no reason given") : "internal error")
                  << ")\n";
    }
    return ok;
}

} // namespace iscsistart
