# Network faults under a logged-in session, for either data path (sourced
# after lib.sh: . /vm/faults.sh; faults_suite kernel|user).
#
# LIO and the initiator talk over the guest's lo. tc netem on lo delays,
# drops and reorders every packet, both ways; nft makes the target silent
# (its data segments dropped, its TCP ACKs let through) or answers every
# segment of port 3260 with a reset. A writer puts numbered blocks of a
# random pattern on the disk, one O_DIRECT write each, and logs every block
# the disk acknowledged. After each fault, every acknowledged block must
# read back as written, through the initiator and in LIO's backing file: a
# fault may fail a write, it may never lose one that was acknowledged.

F_IQN=iqn.2026-12.org.example.vm:faults
F_PORTAL=127.0.0.1:3260
F_IMG=/tmp/faults.img
F_BS=262144          # bytes per block
F_BLOCKS=128         # the LUN: 32 MiB
F_RT=20              # replacement_timeout
F_NOP=2              # noop_out_interval and noop_out_timeout
F_LOGIN_TMO=5
F_LOGOUT_TMO=5

# iproute2's: busybox sh runs its own applet for a bare `tc`, which has no netem.
TC=/usr/sbin/tc

net_clear() {
    $TC qdisc del dev lo root 2> /dev/null || true
    nft delete table inet faults 2> /dev/null || true
}
# net_netem ARGS...: netem on lo with ARGS (each packet passes it once).
net_netem() {
    net_clear
    $TC qdisc add dev lo root netem "$@" || ffail "tc netem $*"
    log "netem $* ($(ms) ms)"
}
# net_nft RULE: one rule in a chain of its own, hooked at output (the
# target's segments as it sends them) or input (every segment arriving).
net_nft() {  # HOOK RULE
    net_clear
    nft add table inet faults &&
        nft add chain inet faults c "{ type filter hook $1 priority 0; }" &&
        nft add rule inet faults c "$2" || ffail "nft $2"
    log "nft $1: $2 ($(ms) ms)"
}
# The target stops answering: whatever it sends with a payload is dropped
# (an IPv4 packet over 80 bytes; its bare ACKs are 52 to 64), so TCP stays
# up and the initiator's PDUs are acknowledged, but no answer arrives.
net_silent_target() { net_nft output "ip saddr 127.0.0.1 tcp sport 3260 ip length > 80 drop"; }
# Every segment to or from the target is answered with a reset (resets
# themselves pass, or no one would ever see one).
net_reset_storm() {
    net_clear
    nft add table inet faults &&
        nft add chain inet faults c "{ type filter hook input priority 0; }" &&
        nft add rule inet faults c tcp dport 3260 tcp flags \& rst == 0 reject with tcp reset &&
        nft add rule inet faults c tcp sport 3260 tcp flags \& rst == 0 reject with tcp reset ||
        ffail "nft reset storm"
    log "reset storm ($(ms) ms)"
}

# write_blocks FROM TO: blocks FROM..TO of the pattern to $F_DEV, one
# O_DIRECT write each; an acknowledged block goes to /tmp/acked, a refused
# one to /tmp/refused with the time it was refused.
write_blocks() {
    _b=$1
    while [ "$_b" -le "$2" ]; do
        if dd if=/tmp/pattern of="$F_DEV" bs=$F_BS skip="$_b" seek="$_b" count=1 \
            oflag=direct conv=notrunc 2> /dev/null; then
            echo "$_b" >> /tmp/acked
        else
            echo "$_b $(ms)" >> /tmp/refused
        fi
        _b=$((_b + 1))
    done
}
# ffail MESSAGE: fail, after what the initiator said.
ffail() {
    echo "---- iscsid's log ----"
    cat /tmp/iscsid.log
    for _l in /run/iscsid/user/*/log; do
        [ -f "$_l" ] && echo "---- $_l ----" && cat "$_l"
    done
    dmesg | tail -40
    fail "$@"
}
refused() { [ -f /tmp/refused ] && wc -l < /tmp/refused || echo 0; }

# verify_acked SOURCE WHAT [DD-FLAG]: every acknowledged block of SOURCE
# holds the pattern's block.
verify_acked() {
    _n=0
    for _b in $(cat /tmp/acked); do
        _want=$(dd if=/tmp/pattern bs=$F_BS skip="$_b" count=1 2> /dev/null | md5sum)
        # shellcheck disable=SC2086 # no flag: no argument
        _got=$(dd if="$1" bs=$F_BS skip="$_b" count=1 ${3:-} 2> /dev/null | md5sum)
        [ "$_want" = "$_got" ] || ffail "$2: acknowledged block $_b does not hold what was written"
        _n=$((_n + 1))
    done
    log "$2: all $_n acknowledged blocks hold what was written"
}

# with_fault SECONDS FROM TO FAULT...: FAULT, then writes FROM..TO, which
# must still be waiting when FAULT is cleared SECONDS later; then every
# write must be acknowledged (the session rides it out) within 120 s.
with_fault() {
    _secs=$1 _from=$2 _to=$3
    shift 3
    _before=$(refused)
    "$@"
    write_blocks "$_from" "$_to" &
    _writer=$!
    sleep "$_secs"
    [ -d "/proc/$_writer" ] || ffail "the writes were all done during '$*': it held nothing up"
    net_clear
    log "fault cleared ($(ms) ms)"
    WAIT_S=120 wait_for ! -d "/proc/$_writer" || ffail "writer still blocked 120 s after the fault cleared"
    wait "$_writer" || true
    [ "$(refused)" = "$_before" ] || { cat /tmp/refused; ffail "writes failed under $*"; }
}

# session_state: the session's state as iscsiadm shows it.
session_state() {
    iscsiadm -m session -r "$F_SID" -P 1 2> /dev/null | sed -n 's/.*iSCSI Session State: *//p'
}

fd_count() { ls "/proc/$1/fd" | wc -l; }
logged_in() { [ "$(session_state)" = LOGGED_IN ]; }
fds_as_before() { [ "$(fd_count "$ISCSID_PID")" = "$fds0" ]; }

# until_true SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds;
# fails after SECONDS.
until_true() {
    _left=$(($1 * 10))
    shift
    until "$@"; do
        _left=$((_left - 1))
        [ "$_left" -gt 0 ] || return 1
        sleep 0.1
    done
}

faults_login() {
    # --wait-devices: the kernel's disk is there when iscsiadm returns.
    run iscsiadm -m node -T "$F_IQN" -p "$F_PORTAL" --login --wait-devices=30
    F_SID=$(iscsiadm -m session | sed -n 's/^[a-z]*: \[\([0-9]*\)\].*/\1/p')
    [ -n "$F_SID" ] || ffail "no session after the login"
    if [ "$F_PATH" = kernel ]; then
        F_DEV=/dev/$(session_disk "$F_SID") || ffail "session $F_SID has no disk"
    else
        F_DEV=
        for _l in /sys/block/loop*; do
            grep -qs "/run/iscsid/user/$F_SID/luns/lun-0" "$_l/loop/backing_file" && F_DEV=/dev/${_l##*/}
        done
        [ -n "$F_DEV" ] || ffail "no loop device for session $F_SID's LUN 0"
        # iscsi-fuse asks for direct I/O (whole requests to FUSE, not pages).
        [ "$(cat "/sys/block/${F_DEV#/dev/}/loop/dio")" = 1 ] || ffail "$F_DEV does not do direct I/O"
    fi
    WAIT_S=30 wait_for -b "$F_DEV" || ffail "$F_DEV is missing"
    log "logged in: session $F_SID, LUN 0 is $F_DEV"
}

# iscsiadm ARGS... within SECONDS, or the scenario fails; sets F_RC and
# F_TOOK (ms).
bounded() {  # SECONDS ARGS...
    _limit=$1
    shift
    _t0=$(ms)
    echo "+ $*"
    "$@" > /tmp/bounded.out 2>&1 && F_RC=0 || F_RC=$?
    F_TOOK=$(($(ms) - _t0))
    cat /tmp/bounded.out
    [ "$F_TOOK" -le $((_limit * 1000)) ] || ffail "'$*' took $F_TOOK ms, over its bound of $_limit s"
}

# faults_suite kernel|user: the whole sequence on one data path.
faults_suite() {
    F_PATH=$1
    modprobe sch_netem
    modprobe nft_reject_inet
    lio_target "$F_IQN" "$F_IMG" $((F_BLOCKS * F_BS / 1048576))
    dd if=/dev/urandom of=/tmp/pattern bs=$F_BS count=$F_BLOCKS 2> /dev/null
    : > /tmp/acked
    echo "InitiatorName=iqn.2026-12.org.example.vm:initiator" > /etc/iscsi/initiatorname.iscsi
    if [ "$F_PATH" = user ]; then
        modprobe fuse
        modprobe loop
        echo "iscsid.data_path = user" > /etc/iscsi/iscsid.conf
    fi
    if [ "$F_PATH" = kernel ]; then
        # With iscsi_tcp loaded beforehand, the kernel path needs no
        # capabilities but CAP_SYS_ADMIN and CAP_NET_ADMIN (docs/security.md):
        # the whole sequence runs with only those. (make-image puts
        # util-linux's setpriv in /usr/sbin; busybox has an applet too.)
        modprobe iscsi_tcp
        ISCSID_LAUNCHER="/usr/sbin/setpriv --bounding-set=-all,+sys_admin,+net_admin" iscsid_start
        caps=$(awk '/^CapEff:/ { print $2 }' "/proc/$ISCSID_PID/status")
        [ "$caps" = 0000000000201000 ] ||
            ffail "iscsid's effective capabilities are $caps, not CAP_SYS_ADMIN and CAP_NET_ADMIN alone"
        log "iscsid runs with CAP_SYS_ADMIN and CAP_NET_ADMIN alone (CapEff $caps)"
    else
        iscsid_start
    fi
    fds0=$(fd_count "$ISCSID_PID")
    run iscsiadm -m discovery -t sendtargets -p "$F_PORTAL"
    for kv in node.session.timeo.replacement_timeout=$F_RT \
        "node.conn[0].timeo.noop_out_interval=$F_NOP" "node.conn[0].timeo.noop_out_timeout=$F_NOP" \
        "node.conn[0].timeo.login_timeout=$F_LOGIN_TMO" "node.conn[0].timeo.logout_timeout=$F_LOGOUT_TMO" \
        node.session.initial_login_retry_max=1; do
        run iscsiadm -m node -T "$F_IQN" -p "$F_PORTAL" -o update -n "${kv%%=*}" -v "${kv#*=}"
    done
    faults_login
    write_blocks 0 3

    # A slow, lossy, reordering network: every write gets through.
    net_netem delay 200ms
    write_blocks 4 4
    net_netem loss 5%
    write_blocks 8 15
    net_netem delay 10ms reorder 25% 50%
    write_blocks 24 31
    net_clear
    [ "$(refused)" = 0 ] || { cat /tmp/refused; ffail "writes failed on a slow, lossy or reordering network"; }
    verify_acked "$F_DEV" "after loss, delay and reordering" iflag=direct
    # What the faults below start from, after that warm-up: iscsid and the
    # user-space session's own process (iscsid's child).
    rss1=$(rss_kib "$ISCSID_PID") fds1=$(fd_count "$ISCSID_PID")
    fuse=$(pidof iscsi-fuse || true)
    [ "$F_PATH" = kernel ] || [ -n "$fuse" ] || ffail "no iscsi-fuse runs the user-space session"
    [ -z "$fuse" ] || { fuse_rss1=$(rss_kib "$fuse") fuse_fds1=$(fd_count "$fuse") fuse_thr1=$(ls "/proc/$fuse/task" | wc -l); }

    # The target stops answering mid-I/O; the link is cut for less than
    # replacement_timeout; a storm of resets. The session rides each out.
    with_fault 8 40 51 net_silent_target
    with_fault 6 52 63 net_netem loss 100%
    with_fault 5 64 75 net_reset_storm
    verify_acked "$F_DEV" "after a silent target, a short cut and a reset storm" iflag=direct

    # A cut longer than replacement_timeout: writes fail with an error once
    # it has passed (never sooner, never a hang), and after the link is back
    # the session returns and takes writes again.
    net_netem loss 100%
    cut=$(ms)
    write_blocks 76 78 &
    writer=$!
    WAIT_S=$((F_RT + 4 * F_NOP + 60)) wait_for ! -d "/proc/$writer" ||
        ffail "writes still blocked $((F_RT + 4 * F_NOP + 60)) s into a cut"
    wait "$writer" || true
    [ "$(refused)" = 3 ] || ffail "$(refused) of 3 writes failed during a cut longer than replacement_timeout"
    first=$(awk 'NR == 1 { print $2 }' /tmp/refused)
    log "during the long cut, the first write failed after $((first - cut)) ms (replacement_timeout ${F_RT} s)"
    [ $((first - cut)) -ge $((F_RT * 1000)) ] || ffail "a write failed before replacement_timeout"
    net_clear
    until_true 90 logged_in || ffail "session not back 90 s after the cut ended: $(session_state)"
    log "session back $(($(ms) - cut)) ms after the cut began"
    until_true 30 dd if=/tmp/pattern of="$F_DEV" bs=$F_BS skip=79 seek=79 count=1 oflag=direct conv=notrunc \
        2> /dev/null || ffail "no write succeeds 30 s after the session returned"
    echo 79 >> /tmp/acked
    write_blocks 80 83
    [ "$(refused)" = 3 ] || { cat /tmp/refused; ffail "writes failed after the session returned"; }
    echo 1 > /proc/sys/vm/drop_caches
    verify_acked "$F_DEV" "read back through the initiator" iflag=direct
    verify_acked "$F_IMG" "in LIO's backing file"

    rss2=$(rss_kib "$ISCSID_PID") fds2=$(fd_count "$ISCSID_PID")
    log "iscsid: $fds1 -> $fds2 descriptors, $rss1 -> $rss2 KiB resident across the faults"
    [ "$fds2" = "$fds1" ] || { ls -l "/proc/$ISCSID_PID/fd"; ffail "iscsid's descriptors went from $fds1 to $fds2"; }
    [ "$rss2" -le $((rss1 + 2048)) ] || ffail "iscsid grew from $rss1 to $rss2 KiB"
    if [ -n "$fuse" ]; then
        fuse_rss2=$(rss_kib "$fuse") fuse_fds2=$(fd_count "$fuse") fuse_thr2=$(ls "/proc/$fuse/task" | wc -l)
        log "iscsi-fuse: $fuse_fds1 -> $fuse_fds2 descriptors, $fuse_rss1 -> $fuse_rss2 KiB resident," \
            "$fuse_thr1 -> $fuse_thr2 threads"
        [ "$fuse_fds2" = "$fuse_fds1" ] || { ls -l "/proc/$fuse/fd"; ffail "iscsi-fuse's descriptors went from $fuse_fds1 to $fuse_fds2"; }
        # Its FUSE worker threads start on demand (up to 16), each with a
        # stack and a malloc arena: up to 4 MiB more is that, not a leak.
        [ "$fuse_rss2" -le $((fuse_rss1 + 4096)) ] || ffail "iscsi-fuse grew from $fuse_rss1 to $fuse_rss2 KiB"
    fi

    # The target stops answering mid-logout: the logout ends within
    # logout_timeout and the session is gone all the same.
    net_silent_target
    bounded $((F_LOGOUT_TMO + 15)) iscsiadm -m node -T "$F_IQN" -p "$F_PORTAL" --logout
    net_clear
    log "logout from a silent target: rc=$F_RC in $F_TOOK ms"
    [ -z "$(iscsiadm -m session 2> /dev/null | grep "$F_IQN")" ] || ffail "the session outlived its logout"

    # ... and mid-login: the login fails within its bound
    # (login_timeout x (1 + initial_login_retry_max)) and leaves nothing.
    net_silent_target
    bounded $((2 * F_LOGIN_TMO + 5)) iscsiadm -m node -T "$F_IQN" -p "$F_PORTAL" --login
    net_clear
    log "login to a silent target: rc=$F_RC in $F_TOOK ms"
    [ "$F_RC" != 0 ] || ffail "a login to a target that never answers succeeded"
    [ -z "$(iscsiadm -m session 2> /dev/null | grep "$F_IQN")" ] || ffail "a failed login left a session"

    # Afterwards all is as before: a login works, and after its logout
    # iscsid holds the descriptors it held before the first.
    faults_login
    run iscsiadm -m node -T "$F_IQN" -p "$F_PORTAL" --logout
    until_true 10 fds_as_before ||
        { ls -l "/proc/$ISCSID_PID/fd"; ffail "iscsid holds $(fd_count "$ISCSID_PID") descriptors, $fds0 before the first login"; }
    iscsid_stop
    log "$F_PATH data path: $(wc -l < /tmp/acked) blocks acknowledged and verified, $(refused) refused during the long cut"
}
