// Command-line parsing (cli.hpp). CLI11 does the lexing (short options
// with attached values, --long=value, repeats); this file maps the result
// onto open-iscsi's semantics: which options each mode accepts, and exit
// code 7 (invalid parameter) with a message naming the culprit otherwise.
#include "cli.hpp"

#include "output.hpp"

#include <CLI/CLI.hpp>

#include <array>
#include <iostream>
#include <string_view>

namespace iscsiadm {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view help_text = R"(Usage: iscsiadm -m MODE [OPTIONS]

Manage iSCSI discovery, node records, sessions and interfaces.
Drop-in compatible with open-iscsi's iscsiadm: the same modes, options,
output and exit codes.

Modes:
  -m discovery -t sendtargets -p IP[:PORT] [-I IFACE]... [-o OP]... [-l]
        Ask a portal which targets it offers and record them as nodes.
        -o new/delete/update/nonpersistent limits what changes in the
        database; -l logs in to what was found.
  -m discovery [-P 0|1]          List discovery records (and their nodes).
  -m discoverydb -t TYPE -p IP[:PORT] [-o new|delete|update|show] [-n KEY -v VALUE]
        Manage a discovery record (CHAP settings etc.) without running it;
        -D runs the discovery with the record's settings.
  -m node [-P 0|1]               List node records.
  -m node -T TARGET -p IP[:PORT][,TPGT] [-I IFACE]
        Show the matching records (secrets masked; -S shows them).
  -m node ... -o new|delete|update [-n KEY -v VALUE]...
        Create, delete or change records; -n/-v pairs apply in order.
  -m node ... -l | -u            Log in to / log out of the matching nodes.
  -m node -L all|manual|automatic|onboot   Log in to every node of that startup.
  -m node -U all|manual|automatic|onboot   Log out of those sessions.
  -m session [-P 0..3] [-r SID|SYSFS_PATH] [-s] [-u] [-R]
        List sessions (more detail with -P), show statistics (-s),
        log out (-u) or rescan LUNs (-R).
  -m iface [-I NAME] [-o new|delete|update|show] [-n KEY -v VALUE]
        Manage interface bindings (ifaces/NAME).
  -m fw [-l] [-S]                Show (secrets masked; -S shows them) or log in to
                                 the firmware's (iBFT) boot targets.
  -m discovery -t fw [-o nonpersistent] [-l]
                                 Record (and log in to) the firmware's targets.
  -m host [-P 0|1] [-H HOST]     List iSCSI hosts.

Options:
  -T, --targetname=IQN     -p, --portal=IP[:PORT][,TPGT]   -I, --interface=NAME
  -t, --type=sendtargets|st|isns|fw        -o, --op=OPERATION
  -n, --name=KEY           -v, --value=VALUE                -P, --print=LEVEL
  -S, --show (secrets)     -s, --stats       -r, --sid=SID   -H, --host=HOST
  -l, --login  -u, --logout  -L, --loginall=WHICH  -U, --logoutall=WHICH
  -R, --rescan  -D, --discover  -W, --no_wait  -d, --debug=LEVEL
  --format=json            machine-readable output for listings (see iscsiadm(8))
  --wait-devices[=SECONDS] with -l/-L: return when every LUN's block device
                           exists in /dev (default at most 30 s), not before
  -V, --version            -h, --help

Exit codes are open-iscsi's: 0 success, 7 invalid parameter, 15 session
exists, 21 no records found, 24 authorization failure, ... (iscsiadm(8)).
)";

struct option_spec {
    char letter;
    std::string_view allowed_in; ///< mode letters: c=discovery b=discoverydb n=node s=session i=iface f=fw h=host
};

// Which options each mode accepts (open-iscsi's usage lines).
constexpr std::array option_modes{
    option_spec{'o', "cbnsih"}, option_spec{'T', "bn"},   option_spec{'p', "cbn"},
    option_spec{'I', "cbni"},   option_spec{'t', "cb"},   option_spec{'n', "bnsifh"},
    option_spec{'v', "bnsifh"}, option_spec{'P', "cbnsih"}, option_spec{'r', "s"},
    option_spec{'H', "ih"},     option_spec{'L', "n"},    option_spec{'U', "n"},
    option_spec{'C', "ih"},     option_spec{'x', "h"},    option_spec{'l', "cbnf"},
    option_spec{'u', "ns"},     option_spec{'R', "ns"},   option_spec{'D', "cb"},
    option_spec{'s', "ns"},     option_spec{'S', "bnsf"},  option_spec{'W', "cnf"},
};

char mode_letter(run_mode m)
{
    switch (m) {
    case run_mode::discovery: return 'c';
    case run_mode::discoverydb: return 'b';
    case run_mode::node: return 'n';
    case run_mode::session: return 's';
    case run_mode::iface: return 'i';
    case run_mode::fw: return 'f';
    case run_mode::host: return 'h';
    }
    return '?';
}

std::optional<run_mode> parse_mode(std::string_view s)
{
    if (s == "discovery"sv) return run_mode::discovery;
    if (s == "discoverydb"sv) return run_mode::discoverydb;
    if (s == "node"sv) return run_mode::node;
    if (s == "session"sv) return run_mode::session;
    if (s == "iface"sv) return run_mode::iface;
    if (s == "fw"sv) return run_mode::fw;
    if (s == "host"sv) return run_mode::host;
    return std::nullopt;
}

} // namespace

parse_outcome parse_command_line(int argc, char** argv)
{
    CLI::App app{"iscsiadm"};
    app.set_help_flag(); // our own -h text
    app.allow_extras(false);
    options o;
    std::string mode_text, format_text, wait_text;
    bool help = false, version = false;
    app.add_option("-m,--mode", mode_text);
    app.add_option("-o,--op", o.ops);
    app.add_option("-T,--targetname", o.target);
    app.add_option("-p,--portal", o.portal);
    app.add_option("-I,--interface", o.ifaces);
    app.add_option("-t,--type", o.type);
    app.add_option("-n,--name", o.names);
    app.add_option("-v,--value", o.values);
    app.add_option("-P,--print", o.print_level);
    app.add_option("-r,--sid", o.session);
    app.add_option("-H,--host", o.host);
    app.add_option("-L,--loginall", o.login_all);
    app.add_option("-U,--logoutall", o.logout_all);
    app.add_option("-C,--submode", o.submode);
    app.add_option("-x,--index", o.index);
    app.add_option("-d,--debug", o.debug);
    app.add_option("--format", format_text);
    auto* wait_opt = app.add_option("--wait-devices", wait_text)->expected(0, 1);
    app.add_flag("-l,--login", o.login);
    app.add_flag("-u,--logout", o.logout);
    app.add_flag("-R,--rescan", o.rescan);
    app.add_flag("-D,--discover", o.discover);
    app.add_flag("-s,--stats", o.stats);
    app.add_flag("-S,--show", o.show_secrets);
    app.add_flag("-W,--no_wait", o.no_wait);
    app.add_flag("-V,--version", version);
    app.add_flag("-h,--help", help);
    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        error(std::string(e.what()) + " (see iscsiadm --help)");
        return exit_code::invalid;
    }
    if (help) {
        std::cout << help_text;
        return exit_code::success;
    }
    if (version) {
        std::cout << "iscsiadm version " << compat_version << '\n';
        return exit_code::success;
    }
    if (!format_text.empty()) {
        if (format_text != "json"sv && format_text != "text"sv) {
            error("--format must be 'json' or 'text', not '" + format_text + "'");
            return exit_code::invalid;
        }
        o.format = format_text == "json"sv ? output_format::json : output_format::text;
    }
    if (wait_opt->count() > 0) {
        double secs = 30;
        if (!wait_text.empty()) {
            try {
                std::size_t used = 0;
                secs = std::stod(wait_text, &used);
                if (used != wait_text.size() || secs <= 0)
                    throw std::invalid_argument("not positive");
            } catch (std::exception const&) {
                error("--wait-devices takes a number of seconds above 0, not '" + wait_text + "'");
                return exit_code::invalid;
            }
        }
        o.wait_devices = secs;
        if (!o.login && !o.login_all) {
            error("--wait-devices goes with a login (-l or -L)");
            return exit_code::invalid;
        }
    }
    if (mode_text.empty()) {
        error("no mode given: use -m discovery, discoverydb, node, session, iface, fw or host "
              "(see iscsiadm --help)");
        return exit_code::invalid;
    }
    o.mode = parse_mode(mode_text);
    if (!o.mode) {
        error("unknown mode '" + mode_text + "': use discovery, discoverydb, node, session, iface, fw or host");
        return exit_code::invalid;
    }
    for (auto const& spec : option_modes) {
        if (app.get_option("-" + std::string(1, spec.letter))->count() == 0)
            continue;
        if (spec.allowed_in.find(mode_letter(*o.mode)) == std::string_view::npos) {
            error(mode_text + " mode: option '-" + std::string(1, spec.letter) + "' is not allowed/supported");
            return exit_code::invalid;
        }
    }
    return o;
}

} // namespace iscsiadm
