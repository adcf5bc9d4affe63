# vm: rootboot config=manual expect=panic firmware=bios chap=none root=sda
# A root on iSCSI that cannot be logged in to must not hang the boot: the
# kernel command line names a target tgtd does not have, iscsistart's
# login is refused (5 - target not found), and our local-top script ends
# in initramfs-tools' panic naming the target, which reboots the machine
# (panic=-1, tests/vm/sanboot); QEMU ends by itself and the root file
# system is untouched (tests/vm/rootboot checks it all on the host). This
# file never runs: the root is never mounted.
. /vm/lib.sh
fail "the root was mounted although the login must have failed"
