#include "iscsi/pdu/errors.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace iscsi::pdu {
namespace {

constexpr errc all[] = {errc::data_segment_too_long, errc::ahs_too_long,   errc::header_digest_error,
                        errc::data_digest_error,     errc::unknown_opcode, errc::wrong_opcode,
                        errc::malformed,             errc::reader_failed};

TEST(PduErrors, EveryCodeHasItsOwnReadableMessage)
{
    std::set<std::string> seen;
    for (errc e : all) {
        std::error_code const ec = e;  // is_error_code_enum
        EXPECT_EQ(&ec.category(), &pdu_category());
        EXPECT_TRUE(seen.insert(ec.message()).second) << ec.message();
        EXPECT_EQ(ec.message().back(), '.');
    }
    EXPECT_STREQ(pdu_category().name(), "iscsi.pdu");
}

TEST(PduErrors, FramingErrorsDropTheConnection)
{
    // §7.8: after a header digest error no length field can be trusted.
    EXPECT_EQ(recovery_for(errc::header_digest_error), recovery::drop_connection);
    EXPECT_EQ(recovery_for(errc::data_segment_too_long), recovery::drop_connection);
    EXPECT_EQ(recovery_for(errc::ahs_too_long), recovery::drop_connection);
    EXPECT_EQ(recovery_for(errc::reader_failed), recovery::drop_connection);
    EXPECT_EQ(recovery_for(errc::wrong_opcode), recovery::drop_connection);
}

TEST(PduErrors, ContentErrorsRejectThePdu)
{
    EXPECT_EQ(recovery_for(errc::data_digest_error), recovery::reject_pdu);
    EXPECT_EQ(recovery_for(errc::unknown_opcode), recovery::reject_pdu);
    EXPECT_EQ(recovery_for(errc::malformed), recovery::reject_pdu);
}

} // namespace
} // namespace iscsi::pdu
