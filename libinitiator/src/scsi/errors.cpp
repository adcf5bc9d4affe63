#include "iscsi/scsi/errors.hpp"

#include <string>

namespace iscsi::scsi {
namespace {

class category final : public iscsi::error_category {
public:
    [[nodiscard]] char const* name() const noexcept override { return "iscsi.scsi"; }

    [[nodiscard]] std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::short_response:
            return "The SCSI response data is shorter than its format requires.";
        case errc::bad_sense:
            return "The sense data has an unknown response code.";
        case errc::wrong_vpd_page:
            return "The target returned a different VPD page from the one requested.";
        case errc::bad_capacity:
            return "The target reported a logical block length of zero.";
        case errc::transfer_too_large:
            return "The transfer is larger than the 4 GiB an iSCSI command can carry.";
        case errc::lba_out_of_range:
            return "The logical block range runs past the largest possible address.";
        case errc::empty_request:
            return "The request covers no logical blocks.";
        case errc::too_many_ranges:
            return "Too many ranges for one UNMAP command.";
        }
        return "Unknown SCSI layer error.";
    }

    [[nodiscard]] recovery recovery_of(int /*value*/) const noexcept override
    {
        // The iSCSI PDU that carried the data was well formed; the problem
        // is with one SCSI command, which the caller reports.
        return recovery::report_to_user;
    }
};

} // namespace

iscsi::error_category const& scsi_category() noexcept
{
    static category const instance;
    return instance;
}

} // namespace iscsi::scsi
