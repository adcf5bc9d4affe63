# vm: sanboot chap=mutual firmware=uefi
# fw-ours.sh after a UEFI SAN boot (OVMF + iPXE): the iBFT is a real ACPI
# table there, which our tools read before the kernel's sysfs view.
. /vm/scenarios/fw-ours.sh
