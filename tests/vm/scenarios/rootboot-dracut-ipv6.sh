# vm: rootboot config=dracut cmdline=firmware table=ipv6
# Root on iSCSI over static IPv6 from the firmware, with dracut: the iBFT
# (an ACPI table; iPXE's are IPv4 only) gives the NIC fd00::15/64 and the
# target fd00::2, and rd.iscsi.firmware=1 rd.iscsi.ibft=1 has our module
# run iscsistart -N (the address) and -b. This runs on the booted root,
# from its /sbin/init.
. /vm/lib.sh
root_on_iscsi firmware "$SANBOOT_INITIATOR" fd00::2 "inet6 fd00::15/64"
root_session_adopted
