// iscsi-iname: prints a freshly generated iSCSI initiator name, PREFIX:SUFFIX,
// where SUFFIX is 12 lowercase hex digits (48 bits) from getrandom(2).
// Package scripts run it once per machine to fill initiatorname.iscsi:
//
//     iscsi-iname -p iqn.1993-08.org.debian:01      (Debian's postinst)
//     iscsi-iname -g > /etc/iscsi/initiatorname.iscsi
//
// The command line is open-iscsi's: -p/--prefix, -g/--generate-iname-prefix,
// -h/--help, exit 0 on success and 1 on any error. Two deliberate
// differences (docs in iscsi-iname(8)): the suffix always has 12 digits
// (open-iscsi drops leading zeros of each byte, so its suffixes vary from
// 6 to 12 digits), and the prefix must make a valid RFC 7143 name, where
// open-iscsi only checks its length.
#include "iscsi/core/iscsi_name.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <getopt.h>
#include <optional>
#include <string>
#include <string_view>
#include <sys/random.h>

namespace {

constexpr std::string_view default_prefix = "iqn.2016-04.com.open-iscsi";
constexpr std::size_t suffix_bytes = 6; // printed as 12 hex digits
constexpr std::size_t suffix_digits = 2 * suffix_bytes;
// A name is at most 223 bytes (RFC 7143 §4.2.7.1): prefix, ':', suffix.
constexpr std::size_t max_prefix_length = iscsi::max_iscsi_name_length - 1 - suffix_digits;

constexpr int exit_ok = 0;
constexpr int exit_error = 1;

void print_usage(std::FILE* to)
{
    std::fprintf(to,
                 "Usage: iscsi-iname [OPTIONS]\n"
                 "Print a new, unique iSCSI initiator name: PREFIX:<12 random hex digits>.\n"
                 "\n"
                 "  -p, --prefix=PREFIX            the name before the ':' [%.*s];\n"
                 "                                 an iqn. name of at most %zu bytes\n"
                 "  -g, --generate-iname-prefix    print it as a line of initiatorname.iscsi:\n"
                 "                                 InitiatorName=PREFIX:SUFFIX\n"
                 "  -h, --help                     show this text and exit\n"
                 "\n"
                 "Exit status: 0 on success, 1 on a usage error or invalid prefix.\n",
                 static_cast<int>(default_prefix.size()), default_prefix.data(), max_prefix_length);
}

struct request {
    std::string prefix{default_prefix};
    bool initiator_name_line = false; ///< -g
};

/// The parsed command line, or the exit code to stop with (help shown or
/// a usage error already reported).
struct parsed {
    std::optional<request> run;
    int exit_code = exit_ok;
};

parsed parse_arguments(int argc, char** argv)
{
    static constexpr std::array<option, 4> long_options{{
        {"prefix", required_argument, nullptr, 'p'},
        {"generate-iname-prefix", no_argument, nullptr, 'g'},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    }};
    request r;
    int c = 0;
    while ((c = getopt_long(argc, argv, "p:gh", long_options.data(), nullptr)) != -1) {
        switch (c) {
        case 'p': r.prefix = optarg; break;
        case 'g': r.initiator_name_line = true; break;
        case 'h': print_usage(stdout); return {std::nullopt, exit_ok};
        default: // getopt_long has already named the bad option on stderr
            std::fputs("Try 'iscsi-iname --help' for more information.\n", stderr);
            return {std::nullopt, exit_error};
        }
    }
    if (optind < argc) {
        std::fprintf(stderr, "iscsi-iname: unexpected argument '%s' (the prefix goes after -p)\n",
                     argv[optind]);
        std::fputs("Try 'iscsi-iname --help' for more information.\n", stderr);
        return {std::nullopt, exit_error};
    }
    return {r, exit_ok};
}

/// Why `prefix` cannot start a name, or nullopt when it can. The whole name
/// is checked with a stand-in suffix of the real length, so length and
/// character rules apply to exactly what would be printed.
std::optional<std::string> prefix_problem(std::string_view prefix)
{
    if (prefix.empty())
        return "the prefix is empty";
    if (prefix.size() > max_prefix_length)
        return "the prefix is " + std::to_string(prefix.size()) + " bytes long; at most " +
               std::to_string(max_prefix_length) + " fit in a 223-byte iSCSI name with ':' and the " +
               std::to_string(suffix_digits) + "-digit suffix";
    // eui. and naa. names are fixed-length hex with no room for a suffix.
    if (prefix.starts_with("eui.") || prefix.starts_with("naa."))
        return "eui. and naa. names have a fixed length and cannot take a suffix; use an iqn. prefix";
    std::string const name = std::string(prefix) + ':' + std::string(suffix_digits, '0');
    auto const problem = iscsi::check_iscsi_name(name);
    switch (problem) {
    case iscsi::name_problem::none: return std::nullopt;
    case iscsi::name_problem::unknown_format:
        return "the prefix must be an iqn. name such as " + std::string(default_prefix);
    case iscsi::name_problem::bad_iqn_date:
        return "the prefix must continue 'iqn.' with a date and a domain: iqn.yyyy-mm.reversed.domain";
    default: return std::string(iscsi::describe(problem));
    }
}

/// 48 random bits as 12 lowercase hex digits; nullopt (errno set) when the
/// kernel's generator fails.
std::optional<std::string> random_suffix()
{
    std::array<unsigned char, suffix_bytes> bytes{};
    std::size_t got = 0;
    while (got < bytes.size()) {
        // Blocks only until the kernel pool is first initialised (early boot).
        ssize_t const n = getrandom(bytes.data() + got, bytes.size() - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return std::nullopt;
        }
        got += static_cast<std::size_t>(n);
    }
    constexpr std::string_view hex = "0123456789abcdef";
    std::string out;
    out.reserve(suffix_digits);
    for (unsigned char const b : bytes) {
        out += hex[b >> 4U];
        out += hex[b & 0x0fU];
    }
    return out;
}

int generate(request const& r)
{
    if (auto const problem = prefix_problem(r.prefix)) {
        std::fprintf(stderr, "iscsi-iname: invalid prefix '%s': %s\n", r.prefix.c_str(), problem->c_str());
        return exit_error;
    }
    auto const suffix = random_suffix();
    if (!suffix) {
        std::fprintf(stderr, "iscsi-iname: cannot read random bytes: %s\n", std::strerror(errno));
        return exit_error;
    }
    std::string const line =
        (r.initiator_name_line ? "InitiatorName=" : "") + r.prefix + ':' + *suffix + '\n';
    // A short write (full disk behind a redirect) must not look like success
    // to the script that is creating initiatorname.iscsi.
    if (std::fputs(line.c_str(), stdout) == EOF || std::fflush(stdout) != 0) {
        std::fprintf(stderr, "iscsi-iname: cannot write the name: %s\n", std::strerror(errno));
        return exit_error;
    }
    return exit_ok;
}

} // namespace

int main(int argc, char** argv)
{
    auto const args = parse_arguments(argc, argv);
    return args.run ? generate(*args.run) : args.exit_code;
}
