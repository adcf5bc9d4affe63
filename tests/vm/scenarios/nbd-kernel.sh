# Our user-space data path as a kernel block device through NBD: iscsi-nbd
# logs in to tgtd and serves LUN 1 on a Unix socket; Debian's nbd-client
# hands it to the kernel's nbd driver; /dev/nbd0 carries an ext4 file
# system whose data reaches tgtd's backing file.
. /vm/lib.sh
IQN=iqn.2026-12.org.example.vm:nbd
echo "InitiatorName=iqn.2026-12.org.example.vm:initiator" > /etc/iscsi/initiatorname.iscsi
tgt_start
tgt_target 1 "$IQN" /tmp/tgt-nbd.img 64
modprobe nbd
modprobe loop
iscsi-nbd --portal 127.0.0.1:3260 --target "$IQN" --socket /run/nbd.sock > /tmp/iscsi-nbd.log 2>&1 &
nbd_pid=$!
WAIT_S=20 wait_for -S /run/nbd.sock || { cat /tmp/iscsi-nbd.log; fail "iscsi-nbd did not listen"; }
run nbd-client -unix /run/nbd.sock -N lun-1 /dev/nbd0
WAIT_S=10 wait_for "$(cat /sys/block/nbd0/size)" -gt 0 || fail "/dev/nbd0 has no size"
[ "$(cat /sys/block/nbd0/size)" = $((64 * 2048)) ] || fail "/dev/nbd0 is $(cat /sys/block/nbd0/size) sectors, not 64 MiB"

run mkfs.ext4 -q -F /dev/nbd0
mkdir -p /mnt/nbd
run mount -t ext4 /dev/nbd0 /mnt/nbd
dd if=/dev/urandom of=/tmp/payload bs=1M count=8 2>/dev/null
cp /tmp/payload /mnt/nbd/payload
run umount /mnt/nbd
echo 3 > /proc/sys/vm/drop_caches
run mount -t ext4 -o ro /dev/nbd0 /mnt/nbd
[ "$(md5sum < /mnt/nbd/payload)" = "$(md5sum < /tmp/payload)" ] || fail "payload differs after remount"
run umount /mnt/nbd
# The file system is in tgtd's backing file: mount that directly (loop) and look.
run mount -t ext4 -o ro,loop /tmp/tgt-nbd.img /mnt/nbd
[ "$(md5sum < /mnt/nbd/payload)" = "$(md5sum < /tmp/payload)" ] || fail "tgtd's backing file lacks the payload"
run umount /mnt/nbd
log "ext4 on /dev/nbd0 through iscsi-nbd: 8 MiB identical, also in tgtd's backing file"

run nbd-client -d /dev/nbd0
kill "$nbd_pid"
wait "$nbd_pid" 2>/dev/null || true
cat /tmp/iscsi-nbd.log
