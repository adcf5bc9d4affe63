# vm: rootboot config=dracut cmdline=rootiscsi portal=dhcp firmware=bios chap=none
# dracut with root=iscsi:::3260:1:IQN (no server, no CHAP) and ip=dhcp:
# our /sbin/iscsiroot waits for systemd-networkd's lease and takes its
# server (QEMU's user network: 10.0.2.2) as the portal. This runs on the
# booted root, from its /sbin/init.
. /vm/lib.sh
on_cmdline "root=iscsi:::3260:1:$SANBOOT_IQN"
root_on_iscsi manual iqn.2024-01.org.vmtest:from-cmdline
root_session_adopted
