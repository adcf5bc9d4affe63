# vm: rootboot config=dracut cmdline=rootiscsi firmware=bios chap=chap
# dracut's own form with our module: root=iscsi:vminit:initsecret12@10.0.2.2::3260:1:IQN
# with ip=dhcp and rd.iscsi.initiator= (tests/vm/rootboot). Our cmdline
# hook links exactly LUN 1 of that target as /dev/root and tells systemd
# to mount it; /sbin/iscsiroot logs in by hand (CHAP one way) once
# systemd-networkd's DHCP gave a route. The host checks that no secret
# reached the console but in the kernel's own echo of its command line.
# This runs on the booted root, from its /sbin/init.
. /vm/lib.sh
on_cmdline "root=iscsi:vminit:initsecret12@10.0.2.2::3260:1:$SANBOOT_IQN"
root_on_iscsi manual iqn.2024-01.org.vmtest:from-cmdline
session_chap "$sid" vminit
root_session_adopted
