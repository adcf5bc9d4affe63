#include "discovery_login.hpp"

#include "iscsi/auth/chap.hpp"

#include <algorithm>
#include <random>

namespace iscsid {

iscsi::login::login_params discovery_login_params(iscsi::db::discovery_record const& disc,
                                                  std::string initiator_name)
{
    iscsi::login::login_params p;
    p.initiator_name = std::move(initiator_name);
    p.session_type = iscsi::text::session_type::discovery;
    std::random_device rd;
    p.isid_ = iscsi::isid::random_format(rd() & 0xffffffU, 0);
    p.login_timeout = std::chrono::seconds(std::max(1, disc.login_timeout));
    p.offer.max_recv_data_segment_length = static_cast<std::uint32_t>(std::max(512, disc.max_recv_data_segment_length));
    if (disc.auth.authmethod == iscsi::db::auth_method::chap) {
        iscsi::auth::chap_config chap;
        chap.initiator = {disc.auth.username, iscsi::auth::secret(disc.auth.password)};
        if (!disc.auth.username_in.empty())
            chap.target = iscsi::auth::chap_credentials{disc.auth.username_in, iscsi::auth::secret(disc.auth.password_in)};
        if (auto algs = iscsi::auth::parse_chap_algs(disc.chap_algs))
            chap.algorithms = *algs;
        p.chap = std::move(chap);
    }
    return p;
}

} // namespace iscsid
