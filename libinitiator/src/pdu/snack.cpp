#include "iscsi/pdu/snack.hpp"

#include "bhs_codec.hpp"

namespace iscsi::pdu {
namespace {

using namespace detail;

// §11.16: byte 1 is 1 | . | . | . | Type (4 bits).
constexpr std::uint8_t type_mask = 0x0f;
constexpr std::size_t off_beg_run = 40;
constexpr std::size_t off_run_length = 44;

} // namespace

raw_pdu encode(snack_request const& p)
{
    auto const byte1 = static_cast<std::uint8_t>(final_flag | (static_cast<std::uint8_t>(p.type) & type_mask));
    raw_pdu r = start(opcode::snack_request, false, byte1);
    bhs_out out{r};
    out.lun_itt_ttt(p);
    out.u32(off_exp_stat_sn, p.exp_stat_sn.value());
    out.u32(off_beg_run, p.beg_run);
    out.u32(off_run_length, p.run_length);
    finish(r);
    return r;
}

result<snack_request> decode_snack_request(raw_pdu const& raw, diagnostics* diag)
{
    if (auto ec = check_header_only(raw, opcode::snack_request, diag)) return ec;
    bhs_in in{raw};
    unsigned const type = in.u8(off_flags) & type_mask;
    if (type > static_cast<unsigned>(snack_type::r_data))
        return malformed(diag, "The SNACK Request has reserved type " + std::to_string(type) + ".");
    snack_request p;
    p.type = static_cast<snack_type>(type);
    in.lun_itt_ttt(p);
    p.exp_stat_sn = in.get32<statsn>(off_exp_stat_sn);
    p.beg_run = in.u32(off_beg_run);
    p.run_length = in.u32(off_run_length);
    return p;
}

} // namespace iscsi::pdu
