# vm: rootboot config=ibft table=vlan
# Root on iSCSI over a VLAN, Debian's way (initramfs-tools, ISCSI_AUTO):
# the firmware's table (an iBFT handed over as an ACPI table, since the
# packaged iPXE has no VLAN commands) puts the NIC on VLAN 42 with
# 10.0.2.15/24; the host's end carries only that VLAN, tagged
# (tests/vm/sanboot). iscsistart -N loads 8021q and makes ens3.42; the
# session runs over it. This runs on the booted root, from its /sbin/init.
. /vm/lib.sh
root_on_iscsi firmware "$SANBOOT_INITIATOR"
[ "$nic" = ens3.42 ] || fail "the boot NIC is '$nic', not ens3.42"
grep -q 'VID: 42' "/proc/net/vlan/$nic" || fail "$nic is not VLAN 42: $(cat "/proc/net/vlan/$nic" 2>&1)"
root_session_adopted
