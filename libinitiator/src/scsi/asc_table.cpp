// A compact table of the additional sense codes an iSCSI initiator meets
// with disks and their targets (SPC-4 Annex D.2 / the T10 ASC list). It is
// deliberately not the whole list: everything else gets a generic text in
// describe(). The wording is ours, lower case, to read after "Key: ".
#include "iscsi/scsi/sense.hpp"

#include <array>

namespace iscsi::scsi {
namespace {

struct asc_row {
    std::uint8_t asc;
    std::uint8_t ascq;
    std::string_view text;
};

constexpr std::array asc_rows{
    asc_row{0x00, 0x00, "no additional sense information"},
    asc_row{0x00, 0x06, "I/O process terminated"},
    asc_row{0x00, 0x16, "operation in progress"},
    asc_row{0x00, 0x1d, "ATA pass-through information available"},
    asc_row{0x02, 0x00, "no seek complete"},
    asc_row{0x03, 0x00, "peripheral device write fault"},
    asc_row{0x04, 0x00, "logical unit not ready, cause not reportable"},
    asc_row{0x04, 0x01, "logical unit is in process of becoming ready"},
    asc_row{0x04, 0x02, "logical unit not ready, initializing command required"},
    asc_row{0x04, 0x03, "logical unit not ready, manual intervention required"},
    asc_row{0x04, 0x04, "logical unit not ready, format in progress"},
    asc_row{0x04, 0x07, "logical unit not ready, operation in progress"},
    asc_row{0x04, 0x09, "logical unit not ready, self-test in progress"},
    asc_row{0x04, 0x0a, "logical unit not accessible, asymmetric access state transition"},
    asc_row{0x04, 0x0b, "logical unit not accessible, target port in standby state"},
    asc_row{0x04, 0x0c, "logical unit not accessible, target port in unavailable state"},
    asc_row{0x04, 0x11, "logical unit not ready, notify (enable spinup) required"},
    asc_row{0x04, 0x1b, "logical unit not ready, sanitize in progress"},
    asc_row{0x05, 0x00, "logical unit does not respond to selection"},
    asc_row{0x08, 0x00, "logical unit communication failure"},
    asc_row{0x08, 0x01, "logical unit communication time-out"},
    asc_row{0x0c, 0x00, "write error"},
    asc_row{0x0c, 0x02, "write error, auto reallocation failed"},
    asc_row{0x0c, 0x03, "write error, recommend reassignment"},
    asc_row{0x10, 0x00, "ID CRC or ECC error"},
    asc_row{0x10, 0x01, "logical block guard check failed"},
    asc_row{0x10, 0x02, "logical block application tag check failed"},
    asc_row{0x10, 0x03, "logical block reference tag check failed"},
    asc_row{0x11, 0x00, "unrecovered read error"},
    asc_row{0x11, 0x04, "unrecovered read error, auto reallocate failed"},
    asc_row{0x14, 0x01, "record not found"},
    asc_row{0x1a, 0x00, "parameter list length error"},
    asc_row{0x1d, 0x00, "miscompare during verify operation"},
    asc_row{0x20, 0x00, "invalid command operation code"},
    asc_row{0x20, 0x02, "access denied, no access rights"},
    asc_row{0x21, 0x00, "logical block address out of range"},
    asc_row{0x24, 0x00, "invalid field in CDB"},
    asc_row{0x25, 0x00, "logical unit not supported"},
    asc_row{0x26, 0x00, "invalid field in parameter list"},
    asc_row{0x26, 0x01, "parameter not supported"},
    asc_row{0x26, 0x02, "parameter value invalid"},
    asc_row{0x27, 0x00, "write protected"},
    asc_row{0x27, 0x07, "space allocation failed write protect"},
    asc_row{0x28, 0x00, "not ready to ready change, medium may have changed"},
    asc_row{0x29, 0x00, "power on, reset, or bus device reset occurred"},
    asc_row{0x29, 0x01, "power on occurred"},
    asc_row{0x29, 0x02, "SCSI bus reset occurred"},
    asc_row{0x29, 0x03, "bus device reset function occurred"},
    asc_row{0x29, 0x04, "device internal reset"},
    asc_row{0x29, 0x07, "I_T nexus loss occurred"},
    asc_row{0x2a, 0x01, "mode parameters changed"},
    asc_row{0x2a, 0x02, "log parameters changed"},
    asc_row{0x2a, 0x03, "reservations preempted"},
    asc_row{0x2a, 0x04, "reservations released"},
    asc_row{0x2a, 0x05, "registrations preempted"},
    asc_row{0x2a, 0x06, "asymmetric access state changed"},
    asc_row{0x2a, 0x07, "implicit asymmetric access state transition failed"},
    asc_row{0x2a, 0x09, "capacity data has changed"},
    asc_row{0x2c, 0x00, "command sequence error"},
    asc_row{0x2f, 0x00, "commands cleared by another initiator"},
    asc_row{0x31, 0x00, "medium format corrupted"},
    asc_row{0x38, 0x07, "thin provisioning soft threshold reached"},
    asc_row{0x3a, 0x00, "medium not present"},
    asc_row{0x3f, 0x01, "microcode has been changed"},
    asc_row{0x3f, 0x03, "inquiry data has changed"},
    asc_row{0x3f, 0x0e, "reported LUNs data has changed"},
    asc_row{0x44, 0x00, "internal target failure"},
    asc_row{0x47, 0x00, "SCSI parity error"},
    asc_row{0x4b, 0x00, "data phase error"},
    asc_row{0x4e, 0x00, "overlapped commands attempted"},
    asc_row{0x55, 0x03, "insufficient resources"},
    asc_row{0x5d, 0x00, "failure prediction threshold exceeded"},
    asc_row{0x74, 0x71, "logical unit access not authorized"},
};

} // namespace

std::string_view asc_text(std::uint8_t asc, std::uint8_t ascq) noexcept
{
    for (auto const& row : asc_rows)
        if (row.asc == asc && row.ascq == ascq) return row.text;
    return {};
}

} // namespace iscsi::scsi
