# vm: rootboot config=keys chap=mutual ibft=no root=by-path
# Root on iSCSI the Debian way without firmware: iPXE boots the kernel
# without hooking the target (no iBFT at all), and the image's
# /etc/iscsi/iscsi.initramfs names the target with Debian's keys
# (ISCSI_TARGET_NAME, ISCSI_TARGET_IP, ISCSI_TARGET_PORT, ISCSI_USERNAME,
# ISCSI_PASSWORD, ISCSI_IN_USERNAME, ISCSI_IN_PASSWORD; no ISCSI_AUTO).
# The command line holds only root=, LUN 1's by-path link; the initiator
# is initiatorname.iscsi's. The real root's iscsid adopts the session.
# This runs on the booted root, from its /sbin/init.
. /vm/lib.sh
no_firmware_table
root_on_iscsi manual iqn.2024-01.org.vmtest:from-file
session_chap "$sid" vminit vmtarget
root_session_adopted
