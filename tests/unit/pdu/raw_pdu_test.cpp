#include "iscsi/pdu/raw_pdu.hpp"

#include <gtest/gtest.h>

namespace iscsi::pdu {
namespace {

TEST(RawPdu, OpcodeMasksTheImmediateBit)
{
    raw_pdu r;
    r.bhs[0] = std::byte{0x43};  // I | Login Request
    EXPECT_EQ(r.op(), opcode::login_request);
    EXPECT_TRUE(r.immediate());
    r.bhs[0] = std::byte{0x01};
    EXPECT_EQ(r.op(), opcode::scsi_command);
    EXPECT_FALSE(r.immediate());
    r.bhs[0] = std::byte{0xbf};  // reserved bit 7 and I set around Reject's opcode
    EXPECT_EQ(r.op(), opcode::reject);
}

TEST(RawPdu, GenericFieldsFollowSection11_2_1)
{
    raw_pdu r;
    r.bhs[1] = std::byte{0x80};
    r.bhs[4] = std::byte{3};
    r.bhs[5] = std::byte{0x01};
    r.bhs[6] = std::byte{0x02};
    r.bhs[7] = std::byte{0x03};
    r.bhs[16] = std::byte{0xde};
    r.bhs[17] = std::byte{0xad};
    r.bhs[18] = std::byte{0xbe};
    r.bhs[19] = std::byte{0xef};
    EXPECT_TRUE(r.final_bit());
    EXPECT_EQ(r.total_ahs_length(), 3);
    EXPECT_EQ(r.data_segment_length(), 0x010203U);
    EXPECT_EQ(r.task_tag(), itt{0xdeadbeef});
}

TEST(Opcode, KnownOpcodesAndDirections)
{
    EXPECT_TRUE(is_known(opcode::snack_request));
    EXPECT_FALSE(is_known(static_cast<opcode>(0x07)));
    EXPECT_FALSE(is_known(static_cast<opcode>(0x3e)));
    EXPECT_TRUE(is_initiator_opcode(opcode::snack_request));
    EXPECT_FALSE(is_initiator_opcode(opcode::nop_in));
    EXPECT_EQ(name_of(opcode::r2t), "R2T");
    EXPECT_EQ(name_of(static_cast<opcode>(0x1c)), "unknown opcode");
}

} // namespace
} // namespace iscsi::pdu
