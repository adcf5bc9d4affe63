# Side by side with Debian's open-iscsi 2.1.8 in the same guest: open-iscsi
# logs in to LIO; then its iscsiadm and ours print the same session and
# host listings (-m session -P 0..3, -m host -P 0, 1, 4) from the same
# kernel state. Then our iscsid adopts open-iscsi's session and logs it out.
. /vm/lib.sh
IQN=iqn.2026-12.org.example.vm:compat
lio_target "$IQN" /tmp/lio0.img 32
echo "InitiatorName=iqn.2026-12.org.example.vm:initiator" > /etc/iscsi/initiatorname.iscsi
cp /vm/iscsid.conf /etc/iscsi/iscsid.conf
mkdir -p /run/lock/iscsi /var/lib/iscsi
OI=/opt/open-iscsi/sbin
setsid $OI/iscsid -f > /tmp/oi.log 2>&1 &
oi_pid=$!
sleep 1
run $OI/iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260
run $OI/iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --login
WAIT_S=30 wait_for -e /sys/class/iscsi_session/session1/device/target0:0:0/0:0:0:0/block || fail "no disk"

same() {  # ARGS...: both iscsiadm print the same, and exit alike
    theirs=$($OI/iscsiadm "$@" 2>&1; echo "rc=$?")
    ours=$(iscsiadm "$@" 2>&1; echo "rc=$?")
    if [ "$theirs" != "$ours" ]; then
        echo "--- open-iscsi: iscsiadm $*"; echo "$theirs"
        echo "+++ ours: iscsiadm $*"; echo "$ours"
        fail "iscsiadm $* differs from open-iscsi"
    fi
    log "same output: iscsiadm $*"
}
same -m session
same -m session -P 1
same -m session -P 2
same -m session -P 3
same -m session -r 1 -P 3
same -m host
same -m host -P 1
same -m host -P 2
same -m host -P 3
same -m host -P 4

# Statistics come from each one's daemon: open-iscsi's now, ours after it
# adopted the session. The counters move on; their layout must not differ.
theirs_stats=$($OI/iscsiadm -m session -r 1 -s | sed 's/[0-9][0-9]*/N/g')

# open-iscsi's daemon goes; ours takes the session over and logs it out.
kill "$oi_pid"; wait "$oi_pid" 2>/dev/null || true
iscsid_start
grep -q "session 1: adopted" /tmp/iscsid.log || { cat /tmp/iscsid.log; fail "iscsid did not adopt open-iscsi's session"; }
ours_stats=$(iscsiadm -m session -r 1 -s | sed 's/[0-9][0-9]*/N/g')
if [ "$theirs_stats" != "$ours_stats" ]; then
    echo "--- open-iscsi -s"; echo "$theirs_stats"; echo "+++ ours -s"; echo "$ours_stats"
    fail "session statistics are laid out differently"
fi
log "same layout: iscsiadm -m session -r 1 -s"
iscsiadm -m session -r 1 -s
run iscsiadm -m node -T "$IQN" -p 127.0.0.1:3260 --logout
[ ! -e /sys/class/iscsi_session/session1 ] || fail "session1 still exists"
iscsid_stop
cat /tmp/iscsid.log
