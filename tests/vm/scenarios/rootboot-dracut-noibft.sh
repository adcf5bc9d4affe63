# vm: rootboot config=dracut cmdline=netroot chap=none ibft=no
# A dracut boot with no firmware table at all (iPXE boots the kernel
# without hooking the target), driven only by the command line:
# netroot=iscsi:10.0.2.2::3260:1:IQN, ip=dhcp, root=/dev/sda, no CHAP and
# no initiator name, so the login by hand takes initiatorname.iscsi's from
# the image (dracut's order: command line, iBFT, the file, generated).
# This runs on the booted root, from its /sbin/init.
. /vm/lib.sh
no_firmware_table
root_on_iscsi manual iqn.2024-01.org.vmtest:from-file
root_session_adopted
