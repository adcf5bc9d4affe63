# vm: rootboot config=dracut cmdline=firmware firmware=bios chap=none
# The seed's boot with dracut: Debian's dracut built the initramfs with our
# module (initramfs-hooks/dracut, in place of dracut's iscsi module) and
# systemd inside; the kernel command line holds the seed's words,
# rd.iscsi.firmware=1 rd.iscsi.ibft=1 netroot=iscsi:ibft, and root=/dev/sda.
# iPXE's iBFT (found by the BIOS memory scan) names NIC and target: our
# /sbin/iscsiroot ran iscsistart -N, then -b. The real root's iscsid adopts
# the session. This runs on the booted root, from its /sbin/init.
. /vm/lib.sh
root_on_iscsi firmware "$SANBOOT_INITIATOR"
ip route | grep -q "^default via 10.0.2.2 dev $nic" || fail "no default route via the iBFT's gateway: $(ip route)"
root_session_adopted
