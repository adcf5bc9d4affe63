// iscsiadm: parse the command line, run the mode, exit with its code.
#include "cli.hpp"
#include "context.hpp"
#include "modes/modes.hpp"

#include <cstdio>
#include <variant>

int main(int argc, char** argv)
{
    using namespace iscsiadm;
    auto parsed = parse_command_line(argc, argv);
    if (auto const* code = std::get_if<exit_code>(&parsed))
        return to_int(*code);
    context ctx(std::move(std::get<options>(parsed)));
    exit_code rc = exit_code::internal;
    switch (*ctx.opts().mode) {
    case run_mode::node: rc = run_node(ctx); break;
    case run_mode::discovery: rc = run_discovery(ctx); break;
    case run_mode::discoverydb: rc = run_discoverydb(ctx); break;
    case run_mode::iface: rc = run_iface(ctx); break;
    case run_mode::session: rc = run_session(ctx); break;
    case run_mode::fw: rc = run_fw(ctx); break;
    case run_mode::host: rc = run_host(ctx); break;
    }
    std::fflush(stdout);
    return to_int(rc);
}
