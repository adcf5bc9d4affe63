# vm: rootboot config=manual firmware=bios chap=mutual root=by-path
# Root on iSCSI given by hand, the Debian way: the image has no
# iscsi.initramfs, and the kernel command line's iscsi_target_name=,
# iscsi_target_ip=, iscsi_initiator= and mutual CHAP's iscsi_username=,
# iscsi_password=, iscsi_in_username=, iscsi_in_password= drive our
# local-top script (tests/vm/rootboot); the network comes from DHCP
# (initramfs-tools' configure_networking). root= names LUN 1's
# /dev/disk/by-path link. iPXE still hooks the target to boot the kernel,
# but the initramfs does not read its iBFT: the session's initiator is the
# command line's, not the iBFT's nor initiatorname.iscsi's. The real root's
# iscsid adopts the session. This runs on the booted root, from its
# /sbin/init.
. /vm/lib.sh
root_on_iscsi manual iqn.2024-01.org.vmtest:from-cmdline
session_chap "$sid" vminit vmtarget
link=/dev/disk/by-path/ip-$SANBOOT_HOST:3260-iscsi-$SANBOOT_IQN-lun-1
[ "$(readlink -f "$link")" = "/dev/$(basename "$(ls -d /sys/class/iscsi_session/session"$sid"/device/target*/*:0:0:1/block/*)")" ] ||
    fail "$link does not lead to LUN 1's disk"
grep -q "PROTO='dhcp'" "/run/net-$nic.conf" || fail "/run/net-$nic.conf is not ipconfig's DHCP: $(cat "/run/net-$nic.conf")"
root_session_adopted
