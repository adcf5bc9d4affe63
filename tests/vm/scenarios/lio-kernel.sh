# The kernel data path: our iscsid logs in to LIO and hands the connection
# to iscsi_tcp; the LUN becomes /dev/sdX, carries an ext4 file system, and
# goes away at logout.
. /vm/lib.sh
IQN=iqn.2026-12.org.example.vm:lio
lio_target "$IQN" /tmp/lio0.img 64
echo "InitiatorName=iqn.2026-12.org.example.vm:initiator" > /etc/iscsi/initiatorname.iscsi
# -d 4: every kernel request and event in the log.
iscsid_start -d 4

run iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260
# Two logins of the same node at once end in exactly one session: one
# iscsiadm succeeds, the other is told the session exists (15).
t0=$(ms)
(rc=0; iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --login --wait-devices > /tmp/login1.out 2>&1 || rc=$?; echo "rc=$rc" >> /tmp/login1.out) &
p1=$!
(rc=0; iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --login --wait-devices > /tmp/login2.out 2>&1 || rc=$?; echo "rc=$rc" >> /tmp/login2.out) &
p2=$!
wait $p1 $p2
t1=$(ms)
cat /tmp/login1.out /tmp/login2.out
log "two concurrent logins with disk scan: $((t1 - t0)) ms"
rcs=$(cat /tmp/login1.out /tmp/login2.out | grep '^rc=' | sort | tr '\n' ' ')
[ "$rcs" = "rc=0 rc=15 " ] || fail "concurrent logins ended with: $rcs"
[ "$(ls /sys/class/iscsi_session | wc -l)" = 1 ] || fail "not exactly one kernel session"
[ -d /sys/class/iscsi_session/session1 ] || fail "no kernel session1"
# The one that logged in waited for the disk (--wait-devices).
disk=$(session_disk 1) || { find /sys/class/iscsi_session/session1/device/ | head -20; cat /tmp/iscsid.log; fail "session 1 has no disk"; }
log "session 1 disk: /dev/$disk"
[ -b "/dev/$disk" ] || fail "/dev/$disk is not a block device"
grep -q . /sys/class/iscsi_session/session1/targetname
[ "$(cat /sys/class/iscsi_session/session1/targetname)" = "$IQN" ] || fail "sysfs targetname"
[ "$(cat /sys/class/iscsi_connection/connection1:0/persistent_address)" = "127.0.0.1" ] || fail "persistent_address"

# iscsiadm -m session reads the kernel's sysfs, in open-iscsi's format.
out=$(iscsiadm -m session)
echo "$out"
[ "$out" = "tcp: [1] 127.0.0.1:3260,1 $IQN (non-flash)" ] || fail "session listing: $out"

# -m session -R rescans the session's host for new LUNs.
out=$(iscsiadm -m session -R)
[ "$out" = "Rescanning session [sid: 1, target: $IQN, portal: 127.0.0.1,3260]" ] || fail "rescan: $out"
[ "$(session_disk 1)" = "$disk" ] || fail "the disk changed name after a rescan"

# A second login of the same node is refused with "session exists" (15).
rc=0
iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --login || rc=$?
[ "$rc" = 15 ] || fail "second login: exit $rc, expected 15"

run mkfs.ext4 -q -F "/dev/$disk"
mkdir -p /mnt/lun
run mount -t ext4 "/dev/$disk" /mnt/lun
dd if=/dev/urandom of=/tmp/payload bs=1M count=8 2>/dev/null
cp /tmp/payload /mnt/lun/payload
sync
run umount /mnt/lun
echo 3 > /proc/sys/vm/drop_caches
run mount -t ext4 -o ro "/dev/$disk" /mnt/lun
[ "$(md5sum < /mnt/lun/payload)" = "$(md5sum < /tmp/payload)" ] || fail "payload differs after remount"
run umount /mnt/lun
log "8 MiB written through ext4 and read back identical"

t0=$(ms)
grep -q "netlink request 11: iferror 0" /tmp/iscsid.log || fail "-d 4 did not log CREATE_SESSION"

# iscsid restarts: the session stays in the kernel and is adopted.
iscsid_stop
dd if=/dev/urandom of=/tmp/while-down bs=64k count=16 2>/dev/null
dd if=/tmp/while-down of="/dev/$disk" bs=64k oflag=direct 2>/dev/null || fail "the disk stopped working with iscsid down"
iscsid_start
grep -q "session 1: adopted" /tmp/iscsid.log || { cat /tmp/iscsid.log; fail "iscsid did not adopt session 1"; }
[ "$(iscsiadm -m session)" = "tcp: [1] 127.0.0.1:3260,1 $IQN (non-flash)" ] || fail "listing after restart"

# iscsid killed (SIGKILL: a crash, its socket left behind): the disk keeps
# working, and the next iscsid adopts the session again.
kill -9 "$ISCSID_PID"
wait "$ISCSID_PID" 2>/dev/null || true
dd if=/tmp/while-down of="/dev/$disk" bs=64k seek=16 oflag=direct 2>/dev/null || fail "the disk stopped working after iscsid was killed"
ready=$(grep -c "ready on" /tmp/iscsid.log)
iscsid_start
# (iscsid_start returns as soon as a socket exists; the old one does.)
left=100
until [ "$(grep -c "ready on" /tmp/iscsid.log)" -gt "$ready" ] &&
    [ "$(grep -c "session 1: adopted" /tmp/iscsid.log)" = 2 ]; do
    left=$((left - 1))
    [ "$left" -gt 0 ] || { cat /tmp/iscsid.log; fail "no new iscsid adopted session 1 within 10 s of the SIGKILL"; }
    sleep 0.1
done
[ "$(iscsiadm -m session)" = "tcp: [1] 127.0.0.1:3260,1 $IQN (non-flash)" ] || fail "listing after the kill"

t0=$(ms)
run iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --logout
t1=$(ms)
log "logout: $((t1 - t0)) ms"
[ ! -e /sys/class/iscsi_session/session1 ] || fail "session1 still exists after logout"
[ ! -e "/dev/$disk" ] || fail "/dev/$disk still exists after logout"
rc=0
iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --logout || rc=$?
[ "$rc" = 21 ] || fail "logout without session: exit $rc, expected 21"
iscsid_stop
cat /tmp/iscsid.log
