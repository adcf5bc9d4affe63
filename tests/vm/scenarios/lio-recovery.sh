# ERL 0 recovery in the kernel data path: the LIO target portal group is
# disabled in the middle of a write to /dev/sdX (LIO drops the session) and
# enabled again; iscsid reinstates the session through the kernel, the
# write completes and the disk holds exactly what was written.
. /vm/lib.sh
IQN=iqn.2026-12.org.example.vm:recovery
TPG=/sys/kernel/config/target/iscsi/$IQN/tpgt_1
lio_target "$IQN" /tmp/lio0.img 128
echo "InitiatorName=iqn.2026-12.org.example.vm:initiator" > /etc/iscsi/initiatorname.iscsi
iscsid_start
run iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260
# --wait-devices: when iscsiadm returns, /dev/sdX is there.
run iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --login --wait-devices=30
disk=$(session_disk 1) || fail "session 1 has no disk"
[ -b "/dev/$disk" ] || fail "/dev/$disk is missing right after the login returned"

dd if=/dev/urandom of=/tmp/pattern bs=1M count=96 2>/dev/null
(dd if=/tmp/pattern of="/dev/$disk" bs=1M oflag=direct 2>&1; echo "dd rc=$?") > /tmp/dd.log &
dd_pid=$!
sleep 1
[ -d "/proc/$dd_pid" ] || fail "the write ended before the target went away: nothing was tested"
echo 0 > "$TPG/enable"
log "target portal group disabled at $(ms) ms"
sleep 3
echo 1 > "$TPG/enable"
log "target portal group enabled at $(ms) ms"
WAIT_S=120 wait_for ! -d "/proc/$dd_pid" || fail "the write did not finish within 120 s"
cat /tmp/dd.log
grep -q "dd rc=0" /tmp/dd.log || { cat /tmp/iscsid.log; fail "the write failed"; }
grep "recovered" /tmp/iscsid.log || { cat /tmp/iscsid.log; dmesg | tail -30; fail "iscsid did not recover the session"; }

echo 1 > /proc/sys/vm/drop_caches
a=$(dd if="/dev/$disk" bs=1M count=96 iflag=direct 2>/dev/null | md5sum)
b=$(md5sum < /tmp/pattern)
[ "$a" = "$b" ] || fail "the disk differs from what was written ($a vs $b)"
log "96 MiB written across a target restart and read back identical"
# The backing file agrees too (LIO's own view).
c=$(dd if=/tmp/lio0.img bs=1M count=96 2>/dev/null | md5sum)
[ "$c" = "$b" ] || fail "LIO's backing file differs"

# Logout by session id (-m session -r SID -u).
run iscsiadm -m session -r 1 -u
[ ! -e /sys/class/iscsi_session/session1 ] || fail "session1 still exists after -m session -u"
iscsid_stop
cat /tmp/iscsid.log
