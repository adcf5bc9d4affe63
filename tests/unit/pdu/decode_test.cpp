#include "iscsi/pdu/decode.hpp"

#include "samples.hpp"

#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace iscsi::pdu {
namespace {

/// Every decode_*() as a type-erased "did it succeed, and with what error".
struct named_decoder {
    opcode op;
    std::function<std::error_code(raw_pdu const&)> run;
};

template <class T>
std::function<std::error_code(raw_pdu const&)> wrap(result<T> (*f)(raw_pdu const&, diagnostics*))
{
    return [f](raw_pdu const& r) -> std::error_code {
        auto const x = f(r, nullptr);
        return x ? std::error_code{} : x.error();
    };
}

std::vector<named_decoder> all_decoders()
{
    return {{opcode::nop_out, wrap(decode_nop_out)},
            {opcode::scsi_command, wrap(decode_scsi_command)},
            {opcode::task_mgmt_request, wrap(decode_task_mgmt_request)},
            {opcode::login_request, wrap(decode_login_request)},
            {opcode::text_request, wrap(decode_text_request)},
            {opcode::data_out, wrap(decode_data_out)},
            {opcode::logout_request, wrap(decode_logout_request)},
            {opcode::snack_request, wrap(decode_snack_request)},
            {opcode::nop_in, wrap(decode_nop_in)},
            {opcode::scsi_response, wrap(decode_scsi_response)},
            {opcode::task_mgmt_response, wrap(decode_task_mgmt_response)},
            {opcode::login_response, wrap(decode_login_response)},
            {opcode::text_response, wrap(decode_text_response)},
            {opcode::data_in, wrap(decode_data_in)},
            {opcode::logout_response, wrap(decode_logout_response)},
            {opcode::r2t, wrap(decode_r2t)},
            {opcode::async_message, wrap(decode_async_message)},
            {opcode::reject, wrap(decode_reject)}};
}

TEST(Decode, EachDecoderAcceptsOnlyItsOwnOpcode)
{
    auto const samples = test::all_samples_encoded();
    ASSERT_EQ(samples.size(), 18U);
    for (auto const& raw : samples) {
        for (auto const& d : all_decoders()) {
            std::error_code const ec = d.run(raw);
            if (d.op == raw.op())
                EXPECT_FALSE(ec) << name_of(raw.op()) << ": " << ec.message();
            else
                EXPECT_EQ(ec, errc::wrong_opcode) << name_of(d.op) << " given " << name_of(raw.op());
        }
    }
}

TEST(Decode, UnknownOpcodeFailsEveryDecoder)
{
    raw_pdu raw;
    raw.bhs[0] = std::byte{0x1c};
    for (auto const& d : all_decoders()) EXPECT_EQ(d.run(raw), errc::unknown_opcode) << name_of(d.op);
    EXPECT_EQ(decode_target_pdu(raw).error(), errc::unknown_opcode);
    EXPECT_EQ(decode_initiator_pdu(raw).error(), errc::unknown_opcode);
}

TEST(Decode, TargetDispatcherRoundTripsEveryTargetPdu)
{
    for (auto const& p : test::all_target_samples()) {
        auto const back = decode_target_pdu(encode(p));
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_EQ(*back, p) << "variant index " << p.index();
    }
}

TEST(Decode, InitiatorDispatcherRoundTripsEveryInitiatorPdu)
{
    for (auto const& p : test::all_initiator_samples()) {
        auto const back = decode_initiator_pdu(encode(p));
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_EQ(*back, p) << "variant index " << p.index();
    }
}

TEST(Decode, DispatchersRefuseTheOtherDirection)
{
    diagnostics d;
    EXPECT_EQ(decode_target_pdu(encode(test::sample_nop_out()), &d).error(), errc::wrong_opcode);
    EXPECT_NE(d.message.find("NOP-Out"), std::string::npos);
    EXPECT_EQ(decode_initiator_pdu(encode(test::sample_r2t())).error(), errc::wrong_opcode);
}

} // namespace
} // namespace iscsi::pdu
