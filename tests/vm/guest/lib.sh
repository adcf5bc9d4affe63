# Helpers for the guest's scenarios (sourced: . /vm/lib.sh). Busybox sh.

log() { echo "vm: $*"; }
fail() { echo "vm: FAIL: $*"; exit 1; }

# Runs a command, echoing it first; a failure ends the scenario.
run() {
    echo "+ $*"
    "$@" || fail "exit $? from: $*"
}

# wait_for TEST-ARGS... : polls `test ARGS` every 0.1 s for up to WAIT_S
# seconds (default 30).
wait_for() {
    n=$(( ${WAIT_S:-30} * 10 ))
    while ! test "$@"; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.1
    done
}

# ms: milliseconds since boot (for timings printed by scenarios).
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# lio_target IQN FILE MIB [PORTAL]: a LIO target (the kernel's own) with one
# fileio LUN 0 of MIB MiB backed by FILE, open to every initiator without
# authentication, listening on PORTAL (default 127.0.0.1:3260). Set up
# through configfs by hand, as targetcli would.
lio_target() {
    iqn=$1 file=$2 mib=$3 portal=${4:-127.0.0.1:3260}
    modprobe crc32c_generic
    modprobe target_core_file
    modprobe iscsi_target_mod
    grep -q configfs /proc/mounts || mount -t configfs none /sys/kernel/config
    c=/sys/kernel/config/target
    name=$(basename "$file" | tr -c 'a-zA-Z0-9_\n' _)
    truncate -s "${mib}M" "$file"
    mkdir -p "$c/core/fileio_0/$name"
    echo "fd_dev_name=$file,fd_dev_size=$((mib * 1048576))" > "$c/core/fileio_0/$name/control"
    echo 1 > "$c/core/fileio_0/$name/enable"
    t=$c/iscsi/$iqn/tpgt_1
    mkdir -p "$t/lun/lun_0"
    ln -s "$c/core/fileio_0/$name" "$t/lun/lun_0/$name"
    mkdir "$t/np/$portal"
    echo 1 > "$t/attrib/generate_node_acls"
    echo 0 > "$t/attrib/authentication"
    echo 0 > "$t/attrib/demo_mode_write_protect"
    echo 1 > "$t/enable"
    log "LIO target $iqn on $portal, LUN 0 = $file ($mib MiB)"
}

# tgt_start: tgtd on 127.0.0.1:3260 in the background (control socket 1).
tgt_start() {
    mkdir -p /run/tgtd
    tgtd -f --iscsi portal=127.0.0.1:3260 > /tmp/tgtd.log 2>&1 &
    n=100
    until tgtadm --lld iscsi --op show --mode system > /dev/null 2>&1; do
        n=$((n - 1)); [ "$n" -gt 0 ] || { cat /tmp/tgtd.log; fail "tgtd did not start"; }
        sleep 0.1
    done
}

# tgt_target TID IQN FILE MIB: a tgt target with FILE as LUN 1.
tgt_target() {
    truncate -s "${4}M" "$3"
    tgtadm --lld iscsi --op new --mode target --tid "$1" -T "$2"
    tgtadm --lld iscsi --op new --mode logicalunit --tid "$1" --lun 1 -b "$3"
    tgtadm --lld iscsi --op bind --mode target --tid "$1" -I ALL
}

# iscsid_start: our daemon in the background, logging to /tmp/iscsid.log;
# waits until its control socket answers.
iscsid_start() {
    iscsid -f > /tmp/iscsid.log 2>&1 &
    ISCSID_PID=$!
    WAIT_S=10 wait_for -S /run/iscsid/control.sock || { cat /tmp/iscsid.log; fail "iscsid did not start"; }
}

# iscsid_stop: ends the daemon we started (sessions stay in the kernel).
iscsid_stop() {
    kill "$ISCSID_PID" 2>/dev/null || true
    wait "$ISCSID_PID" 2>/dev/null || true
}

# session_disk SID: the block device name (sdX) of LUN 0 of kernel session SID.
session_disk() {
    for b in /sys/class/iscsi_session/session"$1"/device/target*/*:0:0:0/block/*; do
        [ -e "$b" ] && basename "$b" && return 0
    done
    return 1
}
