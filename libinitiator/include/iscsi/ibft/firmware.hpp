/**
 * @file
 * Where the firmware's boot targets come from, the one file of ibft/ that
 * does I/O. Sources, first found wins:
 *   1. a table file the caller names (tests, `--table`);
 *   2. the raw ACPI table, /sys/firmware/acpi/tables/{iBFT,IBFT,BIFT}
 *      (UEFI firmware, and BIOS firmware that publishes it in ACPI);
 *   3. the kernel's view, /sys/firmware/ibft and /sys/firmware/iscsi_boot*
 *      (iscsi_ibft, and offload drivers such as qla4xxx and be2iscsi);
 *   4. on a legacy BIOS boot (no /sys/firmware/efi), a scan of
 *      0x80000-0x100000 through /dev/mem on 16-byte boundaries, where iPXE
 *      and option ROMs leave a table outside ACPI.
 * Each entry's `netdev` is the Linux interface of its NIC: the NIC's PCI
 * function (or the kernel's device link), else the interface with its MAC.
 */
#pragma once

#include "iscsi/ibft/boot.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace iscsi::ibft {

struct firmware_options {
    std::filesystem::path sys = "/sys";      ///< sysfs root (tests point it elsewhere)
    std::filesystem::path mem = "/dev/mem";  ///< physical memory, for the BIOS scan
    std::filesystem::path table_file;        ///< set: read only this table dump
    bool reject_bad_checksum = false;
};

struct firmware {
    std::string source;                      ///< where the entries came from, for messages
    std::vector<boot_entry> entries;
    std::vector<std::string> warnings;       ///< never contain a secret
};

enum class firmware_errc {
    not_found = 1,   ///< no source has an iBFT
    unreadable,      ///< a source exists but could not be read
};
[[nodiscard]] std::error_code make_error_code(firmware_errc e) noexcept;

/// The boot targets of this machine's firmware.
result<firmware> read_firmware(firmware_options const& o = {});

/// The entries the kernel shows under `dir` (/sys/firmware/ibft or an
/// iscsi_boot* directory), read the way open-iscsi reads them.
std::vector<boot_entry> entries_from_sysfs(std::filesystem::path const& dir, std::filesystem::path const& sys,
                                           std::vector<std::string>& warnings);

} // namespace iscsi::ibft

template <>
struct std::is_error_code_enum<iscsi::ibft::firmware_errc> : std::true_type {};
