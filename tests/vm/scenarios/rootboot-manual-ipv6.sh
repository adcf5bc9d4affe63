# vm: rootboot config=manual portal=ipv6 firmware=bios chap=chap root=sda
# rootboot-manual over IPv6: iscsi_target_ip=[fec0::2] (in brackets, as
# a portal is usually written) on the kernel command line, QEMU's user
# network's address of the host side, where tgtd listens on [::1]:3260
# (tests/vm/rootboot). The guest's address comes from the kernel's IPv6
# autoconfiguration (router advertisements); our local-top script waits
# for a route to the portal and gives iscsistart the address without
# brackets. CHAP one way. The real root's iscsid adopts the session. This
# runs on the booted root, from its /sbin/init.
. /vm/lib.sh
root_on_iscsi manual iqn.2024-01.org.vmtest:from-cmdline fec0::2
session_chap "$sid" vminit
root_session_adopted
