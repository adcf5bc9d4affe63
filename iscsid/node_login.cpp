#include "node_login.hpp"

#include "iscsi/auth/chap.hpp"

#include <algorithm>
#include <chrono>

namespace iscsid {

namespace db = iscsi::db;
namespace text = iscsi::text;

namespace {

/// node.conn[0].iscsi.HeaderDigest = CRC32C,None ... as a preference list.
std::vector<text::digest> digests(db::digest_pref p)
{
    switch (p) {
    case db::digest_pref::crc32c: return {text::digest::crc32c};
    case db::digest_pref::crc32c_none: return {text::digest::crc32c, text::digest::none};
    case db::digest_pref::none_crc32c: return {text::digest::none, text::digest::crc32c};
    case db::digest_pref::none: break;
    }
    return {text::digest::none};
}

std::uint32_t positive(int v, std::uint32_t fallback) { return v > 0 ? static_cast<std::uint32_t>(v) : fallback; }

} // namespace

iscsi::login::login_params login_params_for(db::node_record const& n, std::string const& initiator_name)
{
    iscsi::login::login_params p;
    p.initiator_name = initiator_name;
    p.target_name = n.name;
    p.session_type = text::session_type::normal;
    p.isid_ = iscsi::isid::from_u48(default_isid);
    p.login_timeout = std::chrono::seconds(std::max(1, n.conn.login_timeout));

    auto const& ss = n.session;
    auto& o = p.offer;
    o.header_digest = digests(n.conn.header_digest);
    o.data_digest = digests(n.conn.data_digest);
    o.initial_r2t = ss.initial_r2t;
    o.immediate_data = ss.immediate_data;
    o.max_recv_data_segment_length = positive(n.conn.max_recv_data_segment_length, 262144);
    o.max_burst_length = positive(ss.max_burst_length, 16776192);
    o.first_burst_length = positive(ss.first_burst_length, 262144);
    o.default_time2wait = static_cast<std::uint32_t>(std::max(0, ss.default_time2wait));
    o.default_time2retain = static_cast<std::uint32_t>(std::max(0, ss.default_time2retain));
    o.max_outstanding_r2t = positive(ss.max_outstanding_r2t, 1);
    // The kernel's iscsi_tcp does ERL 0 only (caps 0x39, RFC 7143 §7.1.5).
    o.error_recovery_level = 0;

    if (uses_chap(ss.auth)) {
        iscsi::auth::chap_config chap;
        chap.initiator = {ss.auth.username, iscsi::auth::secret(ss.auth.password)};
        if (!ss.auth.username_in.empty())
            chap.target = iscsi::auth::chap_credentials{ss.auth.username_in, iscsi::auth::secret(ss.auth.password_in)};
        if (auto algs = iscsi::auth::parse_chap_algs(ss.chap_algs))
            chap.algorithms = *algs;
        p.chap = std::move(chap);
    }
    return p;
}

bool uses_chap(db::chap_settings const& a)
{
    return a.authmethod == db::auth_method::chap || !a.username.empty() || !a.password.empty();
}

iscsi::kernel::session_settings kernel_settings_for(db::node_record const& n, std::string const& initiator_name)
{
    iscsi::kernel::session_settings s;
    s.target_name = n.name;
    s.persistent_address = n.conn.address;
    s.persistent_port = static_cast<std::uint16_t>(n.conn.port);
    if (n.tpgt >= 0)
        s.tpgt = static_cast<std::uint16_t>(n.tpgt);
    s.recovery_tmo = n.session.replacement_timeout;
    s.abort_tmo = n.session.abort_timeout;
    s.lu_reset_tmo = n.session.lu_reset_timeout;
    s.tgt_reset_tmo = n.session.tgt_reset_timeout;
    s.noop_out_interval = n.conn.noop_out_interval;
    s.noop_out_timeout = n.conn.noop_out_timeout;
    s.fast_abort = n.session.fast_abort;
    if (uses_chap(n.session.auth)) {
        s.username = n.session.auth.username;
        s.username_in = n.session.auth.username_in;
    }
    s.iface_name = n.iface.name;
    s.initiator_name = initiator_name;
    return s;
}

} // namespace iscsid
