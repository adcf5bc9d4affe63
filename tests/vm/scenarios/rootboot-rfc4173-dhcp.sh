# vm: rootboot config=manual cmdline=rootiscsi portal=dhcp firmware=bios chap=chap
# root=iscsi: without a server (vminit:initsecret12@::3260:1:IQN, as a DHCP
# root path often is): the portal is the DHCP server's. Our local-top
# script takes it from ipconfig's ROOTSERVER after configure_networking
# (QEMU's user network: 10.0.2.2). This runs on the booted root, from its
# /sbin/init.
. /vm/lib.sh
on_cmdline "root=iscsi:vminit:initsecret12@::3260:1:$SANBOOT_IQN"
root_on_iscsi manual iqn.2024-01.org.vmtest:from-cmdline
session_chap "$sid" vminit
root_session_adopted
