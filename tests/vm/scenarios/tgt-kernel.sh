# The kernel data path against tgt's tgtd (a user-space target), and ERL 0
# recovery across a real target crash: tgtd is killed (SIGKILL) in the
# middle of a write and started again with the same backing file. tgt puts
# a controller at LUN 0 and the disk at LUN 1.
. /vm/lib.sh
IQN=iqn.2026-12.org.example.vm:tgt
echo "InitiatorName=iqn.2026-12.org.example.vm:initiator" > /etc/iscsi/initiatorname.iscsi
tgt_start
tgt_target 1 "$IQN" /tmp/tgt1.img 128
iscsid_start
run iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260
run iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --login --wait-devices=30
disk=
for b in /sys/class/iscsi_session/session1/device/target*/*:0:0:1/block/*; do disk=$(basename "$b"); done
[ -n "$disk" ] && [ -b "/dev/$disk" ] || fail "no disk for LUN 1 after the login returned"
log "LUN 1 is /dev/$disk"

dd if=/dev/urandom of=/tmp/pattern bs=1M count=64 2>/dev/null
(dd if=/tmp/pattern of="/dev/$disk" bs=1M oflag=direct 2>&1; echo "dd rc=$?") > /tmp/dd.log &
dd_pid=$!
sleep 1
[ -d "/proc/$dd_pid" ] || fail "the write ended before the target went away: nothing was tested"
tgtd_pid=$(pidof tgtd)
kill -9 $tgtd_pid
log "tgtd killed at $(ms) ms"
sleep 2
tgt_start
tgt_target 1 "$IQN" /tmp/tgt1.img 128
log "tgtd started again at $(ms) ms"
WAIT_S=120 wait_for ! -d "/proc/$dd_pid" || fail "the write did not finish within 120 s"
cat /tmp/dd.log
grep -q "dd rc=0" /tmp/dd.log || { cat /tmp/iscsid.log; fail "the write failed"; }
grep "recovered" /tmp/iscsid.log || { cat /tmp/iscsid.log; fail "iscsid did not recover the session"; }

echo 1 > /proc/sys/vm/drop_caches
a=$(dd if="/dev/$disk" bs=1M count=64 iflag=direct 2>/dev/null | md5sum)
b=$(md5sum < /tmp/pattern)
[ "$a" = "$b" ] || fail "the disk differs from what was written"
c=$(dd if=/tmp/tgt1.img bs=1M count=64 2>/dev/null | md5sum)
[ "$c" = "$b" ] || fail "tgtd's backing file differs"
log "64 MiB written across a tgtd crash and restart, read back identical"

run iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --logout
[ ! -e "/dev/$disk" ] || fail "/dev/$disk still exists after logout"

# What iscsi.service does at boot and shutdown: log in to the automatic
# nodes (15 "already logged in" and 21 "nothing to do" count as success).
run iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 -o update -n node.startup -v automatic
run iscsiadm -m node --loginall=automatic
[ -d /sys/class/iscsi_session/session2 ] || fail "no session after --loginall=automatic"
rc=0; iscsiadm -m node --loginall=automatic || rc=$?
[ "$rc" = 15 ] || fail "a second --loginall=automatic: exit $rc, expected 15"
run iscsiadm -m node --logoutall=all
rc=0; iscsiadm -m node --logoutall=all || rc=$?
[ "$rc" = 21 ] || fail "--logoutall=all with no session: exit $rc, expected 21"
iscsid_stop
cat /tmp/iscsid.log
