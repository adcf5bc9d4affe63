# Login benchmark (bench/vm-login runs it): our iscsid against Debian's
# open-iscsi in the same guest, same kernel, same LIO targets. For each
# count N of targets: log in to all N (`iscsiadm -m node -L all`) and time
# until every /dev/sdX exists; then log out of all and time until they are
# gone; daemon RSS before and with N sessions. Interleaved, both
# initiators per repetition. Prints lines
#   BENCH impl N rep login_ms logout_ms rss_idle_kib rss_kib
. /vm/lib.sh
counts=$(arg bench.counts 1,64)
reps=$(arg bench.reps 1)
PREFIX=iqn.2026-12.org.example.vm:bench
echo "InitiatorName=iqn.2026-12.org.example.vm:initiator" > /etc/iscsi/initiatorname.iscsi
cp /vm/iscsid.conf /etc/iscsi/iscsid.conf
mkdir -p /run/lock/iscsi /var/lib/iscsi

start_daemon() {  # IMPL
    if [ "$1" = ours ]; then
        iscsid -f > /tmp/iscsid-ours.log 2>&1 &
        DPID=$!
        WAIT_S=10 wait_for -S /run/iscsid/control.sock || fail "our iscsid did not start"
        ADM=iscsiadm
    else
        # In a session of its own: at exit it signals its whole process group.
        setsid /opt/open-iscsi/sbin/iscsid -f > /tmp/iscsid-open.log 2>&1 &
        DPID=$!
        sleep 1
        ADM=/opt/open-iscsi/sbin/iscsiadm
    fi
}

stop_daemon() {
    kill "$DPID" 2>/dev/null || true
    wait "$DPID" 2>/dev/null || true
    rm -f /run/iscsid/control.sock
}

have=0
for n in $(echo "$counts" | tr ',' ' '); do
    if [ "$n" -gt "$have" ]; then
        lio_more_targets "$PREFIX" $((have + 1)) "$n"
        have=$n
    fi
    log "$n targets"
    rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets
    iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260 > /dev/null || fail "discovery"
    # Only the first n targets: the others' records go.
    i=$((n + 1))
    while [ "$i" -le "$have" ]; do rm -rf "/etc/iscsi/nodes/$PREFIX:$i"; i=$((i + 1)); done
    rep=1
    while [ "$rep" -le "$reps" ]; do
        for impl in ours open-iscsi; do
            start_daemon "$impl"
            log "$impl: logging in to $n targets"
            idle=$(rss_kib "$DPID")
            t0=$(ms)
            "$ADM" -m node -L all > /tmp/login.out 2>&1 || { cat /tmp/login.out; fail "$impl: login all"; }
            until [ "$(disks)" -ge "$n" ]; do
                [ $(($(ms) - t0)) -lt 900000 ] || fail "$impl: only $(disks) of $n disks after 900 s"
                sleep 0.1
            done
            t1=$(ms)
            rss=$(rss_kib "$DPID")
            "$ADM" -m node -U all > /tmp/logout.out 2>&1 || { cat /tmp/logout.out; fail "$impl: logout all"; }
            until [ "$(disks)" -eq 0 ]; do
                [ $(($(ms) - t1)) -lt 900000 ] || fail "$impl: $(disks) disks left 900 s after logout"
                sleep 0.1
            done
            t2=$(ms)
            echo "BENCH $impl $n $rep $((t1 - t0)) $((t2 - t1)) $idle $rss"
            stop_daemon
        done
        rep=$((rep + 1))
    done
done
