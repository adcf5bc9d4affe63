# vm: rootboot config=manual cmdline=rootiscsi firmware=bios chap=mutual
# Root on iSCSI named the RFC 4173 way, as dracut takes it: the kernel
# command line has no root=/dev/... and no iscsi_target_* words but
# root=iscsi:vminit:initsecret12:vmtarget:tgtsecret123@10.0.2.2::3260:1:IQN
# (mutual CHAP in the user part; tests/vm/rootboot) and iscsi_initiator=.
# Our local-top script parses it, logs in by hand (DHCP through
# configure_networking), waits for exactly LUN 1's by-path link and hands
# it to initramfs-tools as ROOT (/conf/param.conf). The host checks that
# no secret reached the console but in the kernel's own echo of its
# command line. The real root's iscsid adopts the session. This runs on
# the booted root, from its /sbin/init.
. /vm/lib.sh
on_cmdline "root=iscsi:vminit:initsecret12:vmtarget:tgtsecret123@10.0.2.2::3260:1:$SANBOOT_IQN"
root_on_iscsi manual iqn.2024-01.org.vmtest:from-cmdline
session_chap "$sid" vminit vmtarget
grep -q "PROTO='dhcp'" "/run/net-$nic.conf" || fail "/run/net-$nic.conf is not ipconfig's DHCP: $(cat "/run/net-$nic.conf")"
root_session_adopted
