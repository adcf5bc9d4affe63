# vm: rootboot config=ibft firmware=bios chap=none root=sda
# Root on iSCSI the Debian way, driven by the firmware: the initramfs is
# Debian's (mkinitramfs) with our hook and local-top script, its
# iscsi.initramfs says ISCSI_AUTO=true, and iPXE's iBFT names the NIC,
# the initiator and the target (tests/vm/rootboot). This runs on the booted
# root, from its /sbin/init:
#   - / is LUN 1 of the one session, made as the iBFT's initiator (not the
#     image's initiatorname.iscsi), listed in /run/initramfs/iscsi.sessions;
#   - the NIC is set up as the iBFT says, with /run/net-NIC.conf and the
#     firmware's gateway as the default route, as Debian's script leaves it;
#   - the real root's iscsid (ours, from the root file system) adopts the
#     session, iscsiadm -m session shows it as open-iscsi would, and it
#     stays when iscsid stops.
# The host then finds this boot's line in the target's backing file.
. /vm/lib.sh
root_on_iscsi firmware "$SANBOOT_INITIATOR"
grep -qx "IPV4ADDR='10.0.2.15'" "/run/net-$nic.conf" || fail "/run/net-$nic.conf: $(cat "/run/net-$nic.conf")"
ip route | grep -q "^default via 10.0.2.2 dev $nic" || fail "no default route via the iBFT's gateway: $(ip route)"
root_session_adopted
