// Sample PDUs with every field set to a distinct non-default value, shared
// by the codec, reader and dispatcher tests.
#pragma once

#include "iscsi/core/byte_io.hpp"
#include "iscsi/pdu/decode.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace iscsi::pdu::test {

inline std::vector<std::byte> bytes_of(std::string_view s)
{
    auto const b = as_bytes(s);
    return {b.begin(), b.end()};
}

/// "43 87 00 ..." → bytes; whitespace is ignored.
inline std::vector<std::byte> from_hex(std::string_view hex)
{
    std::vector<std::byte> out;
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i < hex.size();) {
        if (hex[i] == ' ' || hex[i] == '\n') { ++i; continue; }
        out.push_back(static_cast<std::byte>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
        i += 2;
    }
    return out;
}

inline std::vector<std::byte> counting(std::size_t n, std::uint8_t first = 1)
{
    std::vector<std::byte> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((first + i) & 0xffU);
    return v;
}

inline login_request sample_login_request()
{
    login_request p;
    p.transit = true;
    p.csg = stage::login_operational_negotiation;
    p.nsg = stage::full_feature_phase;
    p.version_max = 0;
    p.version_min = 0;
    p.isid_ = isid::random_format(0x123456, 1);
    p.tsih_ = tsih{0x0102};
    p.itt_ = itt{1};
    p.cid_ = cid{1};
    p.cmd_sn = cmdsn{5};
    p.exp_stat_sn = statsn{7};
    p.data = bytes_of(std::string_view{"HeaderDigest=CRC32C\0", 20});
    return p;
}

inline login_response sample_login_response()
{
    login_response p;
    p.transit = false;
    p.cont = true;
    p.csg = stage::security_negotiation;
    p.nsg = stage::login_operational_negotiation;
    p.version_max = 0;
    p.version_active = 0;
    p.isid_ = isid::random_format(0x123456, 1);
    p.tsih_ = tsih{0x0102};
    p.itt_ = itt{1};
    p.stat_sn = statsn{0x0a};
    p.exp_cmd_sn = cmdsn{6};
    p.max_cmd_sn = cmdsn{0x10};
    p.status_class = 0;
    p.status_detail = 0;
    p.data = bytes_of(std::string_view{"CHAP_A=5\0", 9});
    return p;
}

inline text_request sample_text_request()
{
    text_request p;
    p.immediate = true;
    p.final = false;
    p.cont = true;
    p.itt_ = itt{0x11};
    p.ttt_ = ttt{0x22};
    p.cmd_sn = cmdsn{0x33};
    p.exp_stat_sn = statsn{0x44};
    p.lun_ = lun::from_index(3);
    p.data = bytes_of(std::string_view{"SendTargets=All\0", 16});
    return p;
}

inline text_response sample_text_response()
{
    text_response p;
    p.final = true;
    p.itt_ = itt{0x11};
    p.ttt_ = ttt{0x23};
    p.lun_ = lun::from_index(3);
    p.stat_sn = statsn{0x45};
    p.exp_cmd_sn = cmdsn{0x34};
    p.max_cmd_sn = cmdsn{0x50};
    p.data = bytes_of(std::string_view{"TargetName=iqn.2001-04.com.example:disk\0", 40});
    return p;
}

/// A 32-byte CDB (Extended CDB AHS) on a bidirectional command (bidi AHS).
inline scsi_command sample_scsi_command()
{
    scsi_command p;
    p.immediate = false;
    p.final = false;
    p.read = true;
    p.write = true;
    p.attr = task_attribute::ordered;
    p.lun_ = lun::from_index(300);
    p.itt_ = itt{0x1000};
    p.expected_data_transfer_length = 8192;
    p.cmd_sn = cmdsn{0xfffffffe};
    p.exp_stat_sn = statsn{0x77};
    p.cdb = counting(32, 0x7f);
    p.bidi_read_expected_length = 4096;
    p.data = counting(13);
    return p;
}

inline scsi_response sample_scsi_response()
{
    scsi_response p;
    p.response = service_response::command_completed;
    p.status = 0x02;
    p.bidi_read_overflow = true;
    p.residual_underflow = true;
    p.itt_ = itt{0x1000};
    p.snack_tag = 0x99;
    p.stat_sn = statsn{0x78};
    p.exp_cmd_sn = cmdsn{0xffffffff};
    p.max_cmd_sn = cmdsn{0x20};
    p.exp_data_sn = datasn{3};
    p.bidi_read_residual_count = 17;
    p.residual_count = 512;
    p.sense = from_hex("70 00 05 00 00 00 00 0a 00 00 00 00 24 00 00 00 00 00");
    p.response_data = counting(3);
    return p;
}

inline data_out sample_data_out()
{
    data_out p;
    p.final = true;
    p.lun_ = lun::from_index(1);
    p.itt_ = itt{0x1001};
    p.ttt_ = ttt{0xabc};
    p.exp_stat_sn = statsn{0x79};
    p.data_sn = datasn{2};
    p.buffer_offset = 16384;
    p.data = counting(1022);
    return p;
}

inline data_in sample_data_in()
{
    data_in p;
    p.final = true;
    p.acknowledge = true;
    p.residual_overflow = true;
    p.status_present = true;
    p.status = 0;
    p.lun_ = lun::from_index(1);
    p.itt_ = itt{0x1002};
    p.ttt_ = ttt{0xdef};
    p.stat_sn = statsn{0x7a};
    p.exp_cmd_sn = cmdsn{0x35};
    p.max_cmd_sn = cmdsn{0x55};
    p.data_sn = datasn{4};
    p.buffer_offset = 4096;
    p.residual_count = 9;
    p.data = counting(511);
    return p;
}

inline r2t sample_r2t()
{
    r2t p;
    p.lun_ = lun::from_index(2);
    p.itt_ = itt{0x1003};
    p.ttt_ = ttt{0x5555};
    p.stat_sn = statsn{0x7b};
    p.exp_cmd_sn = cmdsn{0x36};
    p.max_cmd_sn = cmdsn{0x56};
    p.r2t_sn = r2tsn{1};
    p.buffer_offset = 65536;
    p.desired_data_transfer_length = 262144;
    return p;
}

inline nop_out sample_nop_out()
{
    nop_out p;
    p.immediate = true;
    p.lun_ = lun::from_index(0);
    p.itt_ = itt{0x2000};
    p.ttt_ = reserved_ttt;
    p.cmd_sn = cmdsn{0x37};
    p.exp_stat_sn = statsn{0x7c};
    p.data = bytes_of("ping");
    return p;
}

inline nop_in sample_nop_in()
{
    nop_in p;
    p.lun_ = lun::from_index(5);
    p.itt_ = reserved_itt;
    p.ttt_ = ttt{0x6666};
    p.stat_sn = statsn{0x7d};
    p.exp_cmd_sn = cmdsn{0x38};
    p.max_cmd_sn = cmdsn{0x58};
    p.data = bytes_of("pong!");
    return p;
}

inline task_mgmt_request sample_task_mgmt_request()
{
    task_mgmt_request p;
    p.immediate = true;
    p.function = tmf_function::abort_task;
    p.lun_ = lun::from_index(1);
    p.itt_ = itt{0x3000};
    p.referenced_task_tag = itt{0x1000};
    p.cmd_sn = cmdsn{0x39};
    p.exp_stat_sn = statsn{0x7e};
    p.ref_cmd_sn = cmdsn{0x30};
    p.exp_data_sn = datasn{6};
    return p;
}

inline task_mgmt_response sample_task_mgmt_response()
{
    task_mgmt_response p;
    p.response = tmf_response::task_does_not_exist;
    p.itt_ = itt{0x3000};
    p.stat_sn = statsn{0x7f};
    p.exp_cmd_sn = cmdsn{0x3a};
    p.max_cmd_sn = cmdsn{0x5a};
    return p;
}

inline logout_request sample_logout_request()
{
    logout_request p;
    p.immediate = true;
    p.reason = logout_reason::remove_connection_for_recovery;
    p.itt_ = itt{0x4000};
    p.cid_ = cid{7};
    p.cmd_sn = cmdsn{0x3b};
    p.exp_stat_sn = statsn{0x80};
    return p;
}

inline logout_response sample_logout_response()
{
    logout_response p;
    p.response = logout_response_code::cid_not_found;
    p.itt_ = itt{0x4000};
    p.stat_sn = statsn{0x81};
    p.exp_cmd_sn = cmdsn{0x3c};
    p.max_cmd_sn = cmdsn{0x5c};
    p.time2wait = 2;
    p.time2retain = 20;
    return p;
}

inline reject sample_reject()
{
    reject p;
    p.reason = reject_reason::invalid_pdu_field;
    p.stat_sn = statsn{0x82};
    p.exp_cmd_sn = cmdsn{0x3d};
    p.max_cmd_sn = cmdsn{0x5d};
    p.data_sn = datasn{0};
    auto const bad = encode(sample_nop_out());
    p.rejected_header.assign(bad.bhs.begin(), bad.bhs.end());
    return p;
}

inline async_message sample_async_message()
{
    async_message p;
    p.event = async_event::connection_drop;
    p.vendor_code = 0;
    p.lun_ = lun::from_index(0);
    p.stat_sn = statsn{0x83};
    p.exp_cmd_sn = cmdsn{0x3e};
    p.max_cmd_sn = cmdsn{0x5e};
    p.parameter1 = 3;
    p.parameter2 = 2;
    p.parameter3 = 20;
    p.sense = counting(6, 0x70);
    p.event_data = counting(2);
    return p;
}

inline snack_request sample_snack_request()
{
    snack_request p;
    p.type = snack_type::r_data;
    p.lun_ = lun::from_index(4);
    p.itt_ = itt{0x1004};
    p.ttt_ = ttt{0x77};  // SNACK Tag
    p.exp_stat_sn = statsn{0x84};
    p.beg_run = 0;
    p.run_length = 0;
    return p;
}

inline std::vector<initiator_pdu> all_initiator_samples()
{
    return {sample_nop_out(),     sample_scsi_command(), sample_task_mgmt_request(), sample_login_request(),
            sample_text_request(), sample_data_out(),    sample_logout_request(),    sample_snack_request()};
}

inline std::vector<target_pdu> all_target_samples()
{
    return {sample_nop_in(),          sample_scsi_response(),   sample_task_mgmt_response(),
            sample_login_response(),  sample_text_response(),   sample_data_in(),
            sample_logout_response(), sample_r2t(),             sample_async_message(),
            sample_reject()};
}

/// Every sample PDU, encoded.
inline std::vector<raw_pdu> all_samples_encoded()
{
    std::vector<raw_pdu> out;
    for (auto const& p : all_initiator_samples()) out.push_back(encode(p));
    for (auto const& p : all_target_samples()) out.push_back(encode(p));
    return out;
}

} // namespace iscsi::pdu::test
