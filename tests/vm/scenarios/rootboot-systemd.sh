# vm: rootboot config=ibft firmware=bios chap=none init=systemd
# Root on iSCSI with a real init: Debian 12 booting with systemd from the
# iSCSI root (initramfs-tools' image with our hook, ISCSI_AUTO from the
# iBFT), and this project installed by cmake --install with its units
# enabled (tests/vm/make-rootboot). iscsid-adopt.service started iscsid
# through its socket and iscsid adopted the session; iscsi.service logged
# in to the node records marked automatic, among them one for the root's
# target, whose session was already there. At shutdown iscsi.service's
# -U all must leave that session alone (the initramfs listed it in
# /run/initramfs/iscsi.sessions) and nothing may take its NIC down:
# vm-shutdown-check.service, stopped after iscsi.service and iscsid, writes
# what it saw to /shutdown.txt and the host reads it (tests/vm/rootboot).
# This runs from vm-rootboot.service.
. /vm/lib.sh
root_on_iscsi firmware "$SANBOOT_INITIATOR"
systemd_units_adopted
