// The configuration we ship, checked against the key tables:
// conf/iscsid.conf (installed as /etc/iscsi/iscsid.conf), read with the
// parser iscsiadm uses, must load cleanly, give new records the values
// Debian's open-iscsi package ships and show every key a record has, as must
// its man page; conf/bash-completion/iscsiadm embeds the keys `-o update`
// accepts (bash cannot ask the tables), and a key added to a table fails
// here until the script learns it (the failure prints the lines to paste).
#include "iscsi/db/config.hpp"

#include "iscsi/db/record_format.hpp"
#include "iscsi/db/schema.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace db = iscsi::db;

std::filesystem::path repo_root()
{
    // ISCSI_TEST_FIXTURES is <repo>/tests/fixtures.
    return std::filesystem::path(ISCSI_TEST_FIXTURES).parent_path().parent_path();
}

std::filesystem::path shipped_config_path() { return repo_root() / "conf" / "iscsid.conf"; }

std::string read_file(std::filesystem::path const& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string shipped_config() { return read_file(shipped_config_path()); }

/// The uncommented settings of Debian 12's /etc/iscsi/iscsid.conf
/// (open-iscsi 2.1.8-1), except iscsid.startup, which we leave unset
/// because our iscsid is socket activated.
std::map<std::string, std::string> const debian_settings{
    {"node.startup", "manual"},
    {"node.leading_login", "No"},
    {"node.session.timeo.replacement_timeout", "120"},
    {"node.conn[0].timeo.login_timeout", "15"},
    {"node.conn[0].timeo.logout_timeout", "15"},
    {"node.conn[0].timeo.noop_out_interval", "5"},
    {"node.conn[0].timeo.noop_out_timeout", "5"},
    {"node.session.err_timeo.abort_timeout", "15"},
    {"node.session.err_timeo.lu_reset_timeout", "30"},
    {"node.session.err_timeo.tgt_reset_timeout", "30"},
    {"node.session.err_timeo.host_reset_timeout", "60"},
    {"node.session.initial_login_retry_max", "8"},
    {"node.session.cmds_max", "128"},
    {"node.session.queue_depth", "32"},
    {"node.session.xmit_thread_priority", "-20"},
    {"node.session.iscsi.InitialR2T", "No"},
    {"node.session.iscsi.ImmediateData", "Yes"},
    {"node.session.iscsi.FirstBurstLength", "262144"},
    {"node.session.iscsi.MaxBurstLength", "16776192"},
    {"node.conn[0].iscsi.MaxRecvDataSegmentLength", "262144"},
    {"node.conn[0].iscsi.MaxXmitDataSegmentLength", "0"},
    {"discovery.sendtargets.iscsi.MaxRecvDataSegmentLength", "32768"},
    {"node.session.nr_sessions", "1"},
    {"node.session.reopen_max", "0"},
    {"node.session.iscsi.FastAbort", "Yes"},
    {"node.session.scan", "auto"},
};

struct example {
    std::string key, value;
    std::size_t line;
};

/// "# key = value" lines: the settings shown commented out.
std::vector<example> commented_settings(std::string const& text)
{
    static std::regex const commented{R"(#\s?([A-Za-z][A-Za-z0-9_.\[\]-]*) = (.+))"};
    std::vector<example> out;
    std::istringstream in(text);
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        std::smatch m;
        if (std::regex_match(line, m, commented))
            out.push_back({m[1], m[2], n});
    }
    return out;
}

std::map<std::string, std::string> active_settings(std::string const& text)
{
    std::map<std::string, std::string> out;
    db::for_each_setting(text, [&](db::setting const& s) { out[std::string(s.key)] = std::string(s.value); });
    return out;
}

/// The value a key has in the parsed defaults, printed as in a record.
std::string default_of(db::config const& c, std::string const& key)
{
    if (auto const ref = db::find_node_field(key))
        return db::get_node_value(c.node_defaults, ref);
    if (auto const* f = db::find_discovery_field(db::discovery_kind::sendtargets, key))
        return f->print(c.sendtargets_defaults);
    if (auto const* f = db::find_discovery_field(db::discovery_kind::isns, key))
        return f->print(c.isns_defaults);
    ADD_FAILURE() << "no table knows " << key;
    return {};
}

std::vector<std::string_view> record_keys(bool modifiable)
{
    std::vector<std::string_view> keys;
    auto add = [&](auto rows) {
        for (auto const& f : rows)
            if (f.modifiable == modifiable)
                keys.push_back(f.key);
    };
    add(db::node_head_fields());
    add(db::node_tail_fields());
    add(db::discovery_fields(db::discovery_kind::sendtargets));
    add(db::discovery_fields(db::discovery_kind::isns));
    return keys;
}

TEST(ShippedConfig, ParsesWithoutWarnings)
{
    auto const text = shipped_config();
    ASSERT_FALSE(text.empty()) << "cannot read " << shipped_config_path();
    db::parse_report report;
    (void)db::parse_config(text, &report);
    EXPECT_TRUE(report.warnings.empty()) << report.warnings.front();
}

TEST(ShippedConfig, ActiveLinesAreDebiansExceptStartup)
{
    EXPECT_EQ(active_settings(shipped_config()), debian_settings);
}

TEST(ShippedConfig, NewRecordsGetDebiansValues)
{
    auto const c = db::parse_config(shipped_config());
    for (auto const& [key, value] : debian_settings)
        EXPECT_EQ(default_of(c, key), value) << key;
    // Socket activation starts iscsid; iscsiadm runs no startup command.
    EXPECT_EQ(c.daemon, db::default_config().daemon);
    EXPECT_TRUE(c.daemon.startup.empty());
}

TEST(ShippedConfig, EveryChangeableRecordKeyIsShownAsASetting)
{
    auto const text = shipped_config();
    std::map<std::string, std::string> shown = active_settings(text);
    for (auto const& e : commented_settings(text))
        shown.emplace(e.key, e.value);
    for (auto const key : record_keys(true))
        EXPECT_TRUE(shown.contains(std::string(key))) << key << " is missing from conf/iscsid.conf";
    for (auto const* key : {"iscsid.startup", "iscsid.safe_logout", "iscsid.ipc_auth_uid", "iscsid.data_path"})
        EXPECT_TRUE(shown.contains(key)) << key << " is missing from conf/iscsid.conf";
}

TEST(ShippedConfig, EveryIdentityKeyIsNamed)
{
    // node.name, node.conn[0].address ...: listed, not settable.
    auto const text = shipped_config();
    for (auto const key : record_keys(false)) {
        std::regex const word{"(^|\\s)" + std::regex_replace(std::string(key), std::regex{R"([.\[\]])"}, R"(\$&)") +
                              "(\\s|$)"};
        EXPECT_TRUE(std::regex_search(text, word)) << key << " is not named in conf/iscsid.conf";
    }
}

TEST(ShippedConfig, ManPageDescribesEveryKey)
{
    auto const page = read_file(repo_root() / "docs" / "man" / "iscsid.conf.5");
    ASSERT_FALSE(page.empty());
    std::vector<std::string_view> keys = record_keys(true);
    auto const fixed = record_keys(false);
    keys.insert(keys.end(), fixed.begin(), fixed.end());
    keys.insert(keys.end(), {"iscsid.startup", "iscsid.safe_logout", "iscsid.ipc_auth_uid", "iscsid.data_path"});
    for (auto const key : keys)
        EXPECT_NE(page.find(key), std::string::npos) << key << " is not in docs/man/iscsid.conf.5";
}

TEST(ShippedConfig, EveryCommentedExampleParsesWhenUncommented)
{
    auto const examples = commented_settings(shipped_config());
    ASSERT_GT(examples.size(), 30U);
    for (auto const& e : examples) {
        db::parse_report report;
        (void)db::parse_config(e.key + " = " + e.value + "\n", &report);
        // The placeholder secrets (PASSWORD) are short, and that is warned
        // about: an admin who uncomments one and keeps it hears why not.
        if (!db::short_secret_warning(e.key, e.value).empty()) {
            ASSERT_EQ(report.warnings.size(), 1U) << "line " << e.line;
            EXPECT_EQ(report.warnings.front(), "line 1: " + db::short_secret_warning(e.key, e.value));
            continue;
        }
        EXPECT_TRUE(report.warnings.empty())
            << "line " << e.line << ": " << e.key << " = " << e.value << ": " << report.warnings.front();
    }
}

// open-iscsi reads iscsid.ipc_auth_uid as Yes/No (check the peer's uid
// only, not its user name).
TEST(ShippedConfig, IpcAuthUidIsYesOrNo)
{
    for (auto const* value : {"No", "Yes"}) {
        db::parse_report report;
        auto const c = db::parse_config(std::string("iscsid.ipc_auth_uid = ") + value + "\n", &report);
        EXPECT_TRUE(report.warnings.empty()) << value << ": " << report.warnings.front();
        EXPECT_EQ(c.daemon.ipc_auth_uid, std::string_view(value) == "Yes");
    }
    db::parse_report report;
    (void)db::parse_config("iscsid.ipc_auth_uid = 0\n", &report);
    EXPECT_EQ(report.warnings.size(), 1U);
}

TEST(ShippedConfig, CommentedValuesAreTheBuiltInDefaults)
{
    // Except where the comment shows an example (CHAP, algorithms, startup).
    auto const defaults = db::default_config();
    for (auto const& e : commented_settings(shipped_config())) {
        if (e.key.starts_with("iscsid.") || e.key.find(".auth.") != std::string::npos)
            continue;
        EXPECT_EQ(default_of(defaults, e.key), e.value) << "line " << e.line << ": " << e.key;
    }
}

// --- conf/bash-completion/iscsiadm ------------------------------------------

std::string completion_script() { return read_file(repo_root() / "conf" / "bash-completion" / "iscsiadm"); }

/// The lines of the script's `name='...'` block.
std::vector<std::string> embedded_list(std::string const& script, std::string const& name)
{
    std::vector<std::string> out;
    auto const open = script.find("\n" + name + "='\n");
    if (open == std::string::npos)
        return out;
    std::istringstream in(script.substr(open + name.size() + 4));
    for (std::string line; std::getline(in, line) && line != "'";)
        out.push_back(line);
    return out;
}

/// "key", or "key=a|b|c" for a choice key: the script's line format.
template <class Row>
std::string line_of(Row const& f)
{
    std::string line(f.key);
    for (std::size_t i = 0; i < f.choices.size(); ++i)
        line += (i ? "|" : "=") + std::string(f.choices[i]);
    return line;
}

template <class Rows>
void append_modifiable(std::vector<std::string>& out, Rows rows)
{
    for (auto const& f : rows)
        if (f.modifiable)
            out.push_back(line_of(f));
}

std::string as_block(std::vector<std::string> const& lines)
{
    std::string out;
    for (auto const& l : lines)
        out += l + "\n";
    return out;
}

TEST(ShippedCompletion, NodeKeysMatchTheKeyTables)
{
    std::vector<std::string> expected;
    append_modifiable(expected, db::node_head_fields());
    append_modifiable(expected, db::node_tail_fields());
    EXPECT_EQ(as_block(embedded_list(completion_script(), "_iscsiadm_node_keys")), as_block(expected));
}

TEST(ShippedCompletion, IfaceKeysMatchTheKeyTable)
{
    std::vector<std::string> expected;
    append_modifiable(expected, db::iface_fields());
    EXPECT_EQ(as_block(embedded_list(completion_script(), "_iscsiadm_iface_keys")), as_block(expected));
    // In a node record the iface's name is the one iface key that changes
    // meaning: the script offers it in node mode only.
    auto const* name = db::find_iface_field("iface.iscsi_ifacename");
    ASSERT_NE(name, nullptr);
    EXPECT_FALSE(name->modifiable);
    EXPECT_TRUE(db::find_node_field("iface.iscsi_ifacename").modifiable());
}

TEST(ShippedCompletion, DiscoveryKeysMatchTheKeyTables)
{
    std::vector<std::string> sendtargets, isns;
    append_modifiable(sendtargets, db::discovery_fields(db::discovery_kind::sendtargets));
    append_modifiable(isns, db::discovery_fields(db::discovery_kind::isns));
    auto const script = completion_script();
    EXPECT_EQ(as_block(embedded_list(script, "_iscsiadm_sendtargets_keys")), as_block(sendtargets));
    EXPECT_EQ(as_block(embedded_list(script, "_iscsiadm_isns_keys")), as_block(isns));
}

} // namespace

namespace {

TEST(ShippedConfig, DataPathIsAutoKernelOrUser)
{
    EXPECT_EQ(db::parse_config("").daemon.path, db::data_path::automatic);
    EXPECT_EQ(db::parse_config("iscsid.data_path = user\n").daemon.path, db::data_path::user);
    EXPECT_EQ(db::parse_config("iscsid.data_path = kernel\n").daemon.path, db::data_path::kernel);
    db::parse_report report;
    auto const c = db::parse_config("iscsid.data_path = fast\n", &report);
    EXPECT_EQ(c.daemon.path, db::data_path::automatic);
    ASSERT_EQ(report.warnings.size(), 1U);
    EXPECT_NE(report.warnings[0].find("expected auto, kernel or user"), std::string::npos);
}

} // namespace
