#include "iscsi/core/ids.hpp"

#include "iscsi/core/iscsi_name.hpp"

#include <gtest/gtest.h>

namespace iscsi {
namespace {

TEST(Lun, PeripheralAddressingBelow256)
{
    auto l = lun::from_index(1);
    EXPECT_EQ(l.bytes()[0], std::byte{0});
    EXPECT_EQ(l.bytes()[1], std::byte{1});
    EXPECT_EQ(l.index(), 1);
}

TEST(Lun, FlatSpaceAddressingFrom256)
{
    auto l = lun::from_index(0x123);
    EXPECT_EQ(l.bytes()[0], std::byte{0x41});
    EXPECT_EQ(l.bytes()[1], std::byte{0x23});
    EXPECT_EQ(l.index(), 0x123);
}

TEST(Isid, RandomFormatSetsTypeTwo)
{
    auto i = isid::random_format(0x123456, 7);
    EXPECT_EQ(i.type(), 2U);
    EXPECT_EQ(i.to_u48(), 0x801234560007ULL);
    EXPECT_EQ(isid::from_u48(i.to_u48()), i);
}

TEST(IscsiName, AcceptsTheThreeFormats)
{
    EXPECT_EQ(check_iscsi_name("iqn.2001-04.com.example:storage.disk2.sys1.xyz"), name_problem::none);
    EXPECT_EQ(check_iscsi_name("eui.02004567A425678D"), name_problem::none);
    EXPECT_EQ(check_iscsi_name("naa.52004567BA64678D"), name_problem::none);
}

TEST(IscsiName, RejectsMalformedNames)
{
    EXPECT_EQ(check_iscsi_name(""), name_problem::empty);
    EXPECT_EQ(check_iscsi_name("foo.bar"), name_problem::unknown_format);
    EXPECT_EQ(check_iscsi_name("iqn.20x1-04.com"), name_problem::bad_iqn_date);
    EXPECT_EQ(check_iscsi_name("eui.1234"), name_problem::bad_eui_or_naa_hex);
    EXPECT_EQ(check_iscsi_name("iqn.2001-04.com.example:a b"), name_problem::bad_character);
    EXPECT_EQ(check_iscsi_name("iqn.2001-04.com." + std::string(300, 'a')), name_problem::too_long);
}

} // namespace
} // namespace iscsi
