#include "iscsi/kernel/session_params.hpp"

namespace iscsi::kernel {
namespace {

std::string flag(bool b) { return b ? "1" : "0"; }

} // namespace

std::vector<param_setting> connection_params(session_settings const& s, text::negotiated_params const& n,
                                             std::uint32_t exp_stat_sn)
{
    std::vector<param_setting> out;
    auto add = [&](param p, std::string v) {
        if (!v.empty())
            out.push_back({p, std::move(v)});
    };
    auto num = [](auto v) { return std::to_string(v); };

    // Identity and timeouts (libiscsi keeps them per session).
    add(param::target_name, s.target_name);
    add(param::persistent_address, s.persistent_address);
    add(param::persistent_port, num(s.persistent_port));
    add(param::sess_recovery_tmo, num(s.recovery_tmo));
    add(param::username, s.username);
    add(param::username_in, s.username_in);
    add(param::fast_abort, flag(s.fast_abort));
    add(param::abort_tmo, num(s.abort_tmo));
    add(param::lu_reset_tmo, num(s.lu_reset_tmo));
    add(param::tgt_reset_tmo, num(s.tgt_reset_tmo));
    add(param::ping_tmo, num(s.noop_out_timeout));
    add(param::recv_tmo, num(s.noop_out_interval));
    add(param::iface_name, s.iface_name);
    add(param::initiator_name, s.initiator_name);

    // What the login negotiated (§13). MaxRecvDataSegmentLength is ours,
    // MaxXmitDataSegmentLength the target's declaration (§13.12).
    add(param::max_recv_dlength, num(n.max_recv_data_segment_length));
    add(param::max_xmit_dlength, num(n.max_xmit_data_segment_length));
    add(param::hdrdgst_en, flag(n.header_digest == text::digest::crc32c));
    add(param::datadgst_en, flag(n.data_digest == text::digest::crc32c));
    add(param::initial_r2t_en, flag(n.initial_r2t));
    add(param::max_r2t, num(n.max_outstanding_r2t));
    add(param::imm_data_en, flag(n.immediate_data));
    add(param::first_burst, num(n.first_burst_length));
    add(param::max_burst, num(n.max_burst_length));
    add(param::pdu_inorder_en, flag(n.data_pdu_in_order));
    add(param::dataseq_inorder_en, flag(n.data_sequence_in_order));
    add(param::erl, num(n.error_recovery_level));
    // The kernel learns ExpStatSN only from us: it never saw the login.
    add(param::exp_statsn, num(exp_stat_sn));
    add(param::tpgt, num(n.target_portal_group_tag.value_or(s.tpgt)));
    return out;
}

} // namespace iscsi::kernel
