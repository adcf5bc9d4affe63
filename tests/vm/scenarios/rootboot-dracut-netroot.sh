# vm: rootboot config=dracut cmdline=netroot firmware=bios chap=mutual root=by-path
# netroot=iscsi:10.0.2.2::3260:1:IQN with mutual CHAP in dracut's
# rd.iscsi.username=/password=/in.username=/in.password= words and root=
# naming LUN 1's by-path link; no initiator name on the command line, so
# the login by hand takes the iBFT's (dracut's order: command line, iBFT,
# initiatorname.iscsi, generated). This runs on the booted root, from its
# /sbin/init.
. /vm/lib.sh
root_on_iscsi manual "$SANBOOT_INITIATOR"
session_chap "$sid" vminit vmtarget
root_session_adopted
