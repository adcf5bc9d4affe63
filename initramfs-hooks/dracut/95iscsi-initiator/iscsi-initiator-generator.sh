#!/bin/sh
# systemd generator of the dracut module iscsi-initiator (systemd runs it
# in the initramfs, before any service): for root=iscsi:..., /sysroot is
# /dev/root, the link parse-iscsi-initiator.sh's udev rule gives the LUN
# the word names. systemd's own generators know no root=iscsi:, and a
# generator is the way to tell systemd about the root without reloading it
# while it boots. Usage (systemd's): GENERATOR NORMAL-DIR EARLY-DIR LATE-DIR
# shellcheck disable=SC1091 # dracut's, in the initramfs
type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

case "$(getarg root=)" in iscsi:*) ;; *) exit 0 ;; esac
dir=$1
options=ro
getargbool 0 rw && options=rw
flags=$(getarg rootflags=)
type=$(getarg rootfstype=)

cat > "$dir/sysroot.mount" << EOF2
# root=iscsi: (dracut module iscsi-initiator)
[Unit]
Before=initrd-root-fs.target
Requires=dev-root.device
After=dev-root.device

[Mount]
What=/dev/root
Where=/sysroot
Type=${type:-auto}
Options=$options${flags:+,$flags}
EOF2
mkdir -p "$dir/initrd-root-fs.target.requires" "$dir/initrd-root-device.target.d" "$dir/dev-root.device.d"
ln -sf ../sysroot.mount "$dir/initrd-root-fs.target.requires/sysroot.mount"
printf '[Unit]\nRequires=dev-root.device\nAfter=dev-root.device\n' \
    > "$dir/initrd-root-device.target.d/50-iscsi-initiator.conf"
# The LUN comes after the network and the login: the initqueue's timeout
# (rd.retry) bounds the wait and names what is missing, not the device's
# own 90 s.
printf '[Unit]\nJobRunningTimeoutSec=0\n' > "$dir/dev-root.device.d/50-iscsi-initiator.conf"
exit 0
