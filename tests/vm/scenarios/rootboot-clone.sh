# vm: rootboot config=ibft firmware=bios chap=chap root=sda target=clone
# The classroom case: the same root image and the same initramfs, served
# under another target name (a clone, iqn.2024-01.org.vmtest:clone-7), with
# one-way CHAP. Nothing in the image names that target: the initramfs must
# follow the iBFT iPXE hands over, log in to the clone and boot from it.
. /vm/lib.sh
[ "$SANBOOT_IQN" = iqn.2024-01.org.vmtest:clone-7 ] || fail "booted for target $SANBOOT_IQN, not the clone"
grep -q clone /etc/iscsi/iscsi.initramfs 2> /dev/null && fail "the image names the clone"
root_on_iscsi firmware "$SANBOOT_INITIATOR"
session_chap "$sid" vminit
root_session_adopted
