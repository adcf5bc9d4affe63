# vm: rootboot config=dracut cmdline=firmware firmware=uefi chap=mutual root=by-path
# rootboot-dracut-ibft under UEFI (OVMF: the iBFT is an ACPI table) with
# mutual CHAP from the iBFT, and root= naming LUN 1's /dev/disk/by-path
# link, which systemd in dracut's initramfs waits for. This runs on the
# booted root, from its /sbin/init.
. /vm/lib.sh
root_on_iscsi firmware "$SANBOOT_INITIATOR"
session_chap "$sid" vminit vmtarget
[ -e "/dev/disk/by-path/ip-$SANBOOT_HOST:3260-iscsi-$SANBOOT_IQN-lun-1" ] || fail "no by-path link for LUN 1"
root_session_adopted
