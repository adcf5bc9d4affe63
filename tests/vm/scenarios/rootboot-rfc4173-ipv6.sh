# vm: rootboot config=manual cmdline=rootiscsi portal=ipv6 firmware=bios chap=none
# rootboot-rfc4173 over IPv6 without CHAP: root=iscsi:[fec0::2]:6::default::1:IQN
# (tests/vm/rootboot): the server in brackets, protocol 6, an empty port
# (3260) and dracut's iface field (default) with an empty netdev before
# the LUN. The guest's IPv6 address comes from router advertisements; our
# local-top script waits for a route to the portal, logs in and hands
# LUN 1's by-path link to initramfs-tools as ROOT. The real root's iscsid
# adopts the session. This runs on the booted root, from its /sbin/init.
. /vm/lib.sh
on_cmdline "root=iscsi:[fec0::2]:6::default::1:$SANBOOT_IQN"
root_on_iscsi manual iqn.2024-01.org.vmtest:from-cmdline fec0::2
_user=$(cat "/sys/class/iscsi_session/session$sid/username")
[ "$_user" = "(null)" ] || [ -z "$_user" ] || fail "session $sid logged in with CHAP as '$_user'"
root_session_adopted
