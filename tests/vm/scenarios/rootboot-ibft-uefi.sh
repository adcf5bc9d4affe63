# vm: rootboot config=ibft firmware=uefi chap=mutual root=by-path
# rootboot-ibft under UEFI (OVMF: the iBFT is an ACPI table) with mutual
# CHAP, which the initramfs takes from the iBFT too, and root= naming LUN
# 1's /dev/disk/by-path link, which our local-top script waits for exactly
# (tests/vm/rootboot). The real root's iscsid adopts the session. This runs
# on the booted root, from its /sbin/init.
. /vm/lib.sh
root_on_iscsi firmware "$SANBOOT_INITIATOR"
session_chap "$sid" vminit vmtarget
[ -e "/dev/disk/by-path/ip-$SANBOOT_HOST:3260-iscsi-$SANBOOT_IQN-lun-1" ] || fail "no by-path link for LUN 1"
ip route | grep -q "^default via 10.0.2.2 dev $nic" || fail "no default route via the iBFT's gateway: $(ip route)"
root_session_adopted
