// iscsistart's logins through an in-process iscsid::daemon (boot_login.hpp).
#include "boot_login.hpp"

#include "daemon.hpp"
#include "kernel_link.hpp"
#include "node_requests.hpp"

#include "iscsi/db/store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <iostream>

namespace iscsistart {

namespace db = iscsi::db;

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
        requests.push_back(iscsid::login_request(db::key_of(r), &r)); // never written to the database
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
