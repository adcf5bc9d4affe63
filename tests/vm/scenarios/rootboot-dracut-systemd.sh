# vm: rootboot config=dracut cmdline=firmware firmware=uefi chap=mutual init=systemd
# rootboot-systemd with dracut's image (our module, systemd in the
# initramfs too) under UEFI with mutual CHAP from the iBFT: systemd on the
# real root starts our units, iscsid adopts the session, and the shutdown
# leaves the root's session and NIC alone until / is read-only (checked by
# vm-shutdown-check.service and the host). This runs from
# vm-rootboot.service.
. /vm/lib.sh
root_on_iscsi firmware "$SANBOOT_INITIATOR"
session_chap "$sid" vminit vmtarget
systemd_units_adopted
