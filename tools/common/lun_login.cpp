#include "lun_login.hpp"

#include "iscsi/transport/login_failure.hpp"

#include "iscsi/db/config.hpp"
#include "iscsi/discovery/portal.hpp"
#include "iscsi/scsi/inquiry.hpp"
#include "iscsi/scsi/report_luns.hpp"

#include <csignal>
#include <fstream>
#include <pthread.h>
#include <iostream>
#include <random>
#include <unistd.h>

namespace iscsi::tools {

namespace {

std::string read_secret(char const* tool, std::string const& file)
{
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) die(tool, "cannot read the secret from " + file);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

/// The disk LUNs to export: those asked for, or every direct-access LU REPORT LUNS lists.
std::vector<lun> disk_luns(char const* tool, transport::blocking_session& s, login_options const& o)
{
    std::vector<lun> candidates;
    for (unsigned n : o.luns) candidates.push_back(lun::from_index(static_cast<std::uint16_t>(n)));
    if (candidates.empty()) {
        auto r = s.execute({lun::from_index(0), scsi::report_luns(), {}});
        auto list = r && r->status == 0 ? scsi::parse_report_luns(r->data)
                                        : result<scsi::lun_list>(std::make_error_code(std::errc::io_error));
        if (!list) die(tool, "REPORT LUNS failed: pass --lun N");
        candidates = list->luns;
    }
    std::vector<lun> disks;
    for (lun l : candidates) {
        auto r = s.execute({l, scsi::inquiry(), {}});
        auto inq = r && r->status == 0 ? scsi::parse_inquiry(r->data)
                                       : result<scsi::inquiry_data>(std::make_error_code(std::errc::io_error));
        if (inq && inq->connected() && inq->device_type == static_cast<std::uint8_t>(scsi::device_type::direct_access))
            disks.push_back(l);
        else if (!o.luns.empty())
            die(tool, "LUN " + std::to_string(l.index().value_or(0)) + " is not a disk the target connects");
    }
    return disks;
}

} // namespace

void add_login_options(CLI::App& app, login_options& o)
{
    app.add_option("--portal", o.portal, "target portal, HOST[:PORT]")->required();
    app.add_option("--target", o.target, "target name (IQN)")->required();
    app.add_option("--initiator-name", o.initiator_name, "default: " ISCSI_SYSCONFDIR "/initiatorname.iscsi");
    app.add_option("--lun", o.luns, "LUN to export (repeatable); default: every disk LUN");
    app.add_option("--chap-user", o.chap_user, "CHAP user name");
    app.add_option("--chap-secret-file", o.chap_secret_file, "file whose first line is the CHAP secret")->check(CLI::ExistingFile);
    app.add_option("--mutual-user", o.mutual_user, "the target's CHAP name (mutual CHAP)")->needs("--chap-user");
    app.add_option("--mutual-secret-file", o.mutual_secret_file, "file with the target's CHAP secret")->check(CLI::ExistingFile);
    app.add_option("--replacement-timeout", o.replacement_timeout, "seconds I/O waits for a lost connection")->capture_default_str();
    app.add_option("--noop-out-interval", o.noop_out_interval, "idle seconds before a NOP-Out ping (0: none)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    app.add_option("--noop-out-timeout", o.noop_out_timeout, "seconds a ping's answer may take")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    app.add_option("--login-timeout", o.login_timeout, "seconds one login may take")
        ->capture_default_str()->check(CLI::PositiveNumber);
    app.add_option("--logout-timeout", o.logout_timeout, "seconds the logout may take")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
}

std::string check_login_options(login_options const& o)
{
    if (!o.chap_user.empty() && o.chap_secret_file.empty()) return "--chap-user needs --chap-secret-file";
    if (!o.mutual_user.empty() && o.mutual_secret_file.empty()) return "--mutual-user needs --mutual-secret-file";
    return {};
}

namespace {
sigset_t termination_signals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    return set;
}
} // namespace

void block_termination_signals()
{
    sigset_t const set = termination_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    // Our stdout may be a pipe to an iscsid that has since stopped (a
    // restarted iscsid adopts the session without it): a state line must
    // then fail with EPIPE, not kill the process serving a mounted disk.
    std::signal(SIGPIPE, SIG_IGN);
}

int wait_for_termination()
{
    sigset_t const set = termination_signals();
    int sig = 0;
    sigwait(&set, &sig);
    return sig;
}

void die(char const* tool, std::string const& why)
{
    std::cerr << tool << ": " << why << "\n";
    std::exit(1);
}

session::session_config session_from(char const* tool, login_options const& o)
{
    session::session_config cfg;
    diagnostics d;
    auto p = discovery::parse_portal(o.portal, &d);
    if (!p) die(tool, "--portal " + o.portal + ": " + d.message);
    cfg.portal = *p;
    cfg.login.target_name = o.target;
    cfg.login.initiator_name = o.initiator_name;
    if (cfg.login.initiator_name.empty()) {
        auto id = db::load_initiator_identity(std::string(ISCSI_SYSCONFDIR) + "/initiatorname.iscsi");
        if (!id) die(tool, "no initiator name: pass --initiator-name or write " ISCSI_SYSCONFDIR "/initiatorname.iscsi");
        cfg.login.initiator_name = id->name;
    }
    cfg.login.isid_ = isid::random_format(std::random_device{}(), 0);
    if (!o.chap_user.empty()) {
        auth::chap_config c;
        c.initiator = {o.chap_user, auth::secret(read_secret(tool, o.chap_secret_file))};
        if (!o.mutual_user.empty())
            c.target = auth::chap_credentials{o.mutual_user, auth::secret(read_secret(tool, o.mutual_secret_file))};
        cfg.login.chap = std::move(c);
    }
    auto const seconds = [](double s) { return std::chrono::duration_cast<duration>(std::chrono::duration<double>(s)); };
    cfg.replacement_timeout = seconds(o.replacement_timeout);
    cfg.noop_out_interval = seconds(o.noop_out_interval);
    cfg.noop_out_timeout = seconds(o.noop_out_timeout);
    cfg.login.login_timeout = seconds(o.login_timeout);
    cfg.logout_timeout = seconds(o.logout_timeout);
    return cfg;
}

namespace {

/// For iscsid, which reads our stdout: "state=recovering" when the
/// connection is lost and "state=logged_in" once recovery has put the
/// session on a new one. One write(2) each, so that lines of other threads
/// ("ready") never cut into them.
void report_state(session::session_notice const& n)
{
    using kind = session::session_notice::kind;
    std::string_view line;
    if (n.what == kind::connection_failed)
        line = "state=recovering\n";
    else if (n.what == kind::reinstated)
        line = "state=logged_in\n";
    else
        return;
    (void)!::write(STDOUT_FILENO, line.data(), line.size());
}

} // namespace

std::map<std::string, opened_lun> log_in_and_open(char const* tool, transport::blocking_session& s, login_options const& o)
{
    s.async().set_notice_handler([tool](session::session_notice const& n) {
        if (!n.detail.empty() || n.error)
            std::cerr << tool << ": session: " << n.detail << (n.error ? " (" + n.error.message() + ")" : "") << "\n";
        report_state(n);
    });
    if (auto ec = s.login()) {
        // For iscsid, which runs iscsi-fuse for its user-space sessions: the
        // open-iscsi status of this failure, as a kernel login would get.
        std::cout << "status=" << to_int(transport::status_of_login_failure(ec)) << std::endl;
        die(tool, "login to " + o.target + " at " + o.portal + " failed: " + ec.message());
    }
    std::map<std::string, opened_lun> out;
    auto exec = [&s](session::scsi_request r) { return s.execute(std::move(r)); };
    for (lun l : disk_luns(tool, s, o)) {
        diagnostics d;
        auto dev = blockdev::lun_device::open(exec, l, &d);
        std::string const name = "lun-" + std::to_string(l.index().value_or(0));
        if (!dev) die(tool, name + ": " + d.message);
        (*dev)->on_error = [tool, name](std::string const& e) { std::cerr << tool << ": " << name << ": " << e << "\n"; };
        out.emplace(name, opened_lun{l.index().value_or(0), std::move(*dev)});
    }
    if (out.empty()) die(tool, o.target + " has no disk LUNs");
    return out;
}

} // namespace iscsi::tools
