# vm: rootboot config=manual cmdline=rootiscsi expect=panic firmware=bios chap=mutual
# A malformed root=iscsi: must not hang the boot nor show its secrets:
# the command line has
# root=iscsi:vminit:initsecret12:vmtarget:tgtsecret123@10.0.2.2:17:3260:1:IQN
# (protocol 17, not TCP; tests/vm/rootboot), and our local-top script
# ends in initramfs-tools' panic with the reason and the secrets masked:
# "iSCSI: root=iscsi:vminit:***:vmtarget:***@10.0.2.2:17:3260:1:IQN:
# protocol '17': only 6 (TCP) or empty". The machine reboots (panic=-1),
# QEMU ends by itself, no secret is on the console but in the kernel's
# echo of its command line, and the root file system is untouched
# (tests/vm/rootboot checks it all on the host). This file never runs:
# the root is never mounted.
. /vm/lib.sh
fail "the root was mounted although root=iscsi: was malformed"
