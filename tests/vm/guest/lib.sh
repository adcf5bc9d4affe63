# Helpers for the guest's scenarios (sourced: . /vm/lib.sh). Busybox sh.

log() { echo "vm: $*"; }
fail() { echo "vm: FAIL: $*"; exit 1; }
# on_cmdline TEXT: the kernel's command line holds TEXT (as it is).
on_cmdline() {
    grep -qF -- "$1" /proc/cmdline || fail "no '$1' on the command line: $(cat /proc/cmdline)"
}

# Runs a command, echoing it first; a failure ends the scenario.
run() {
    echo "+ $*"
    "$@" || fail "exit $? from: $*"
}

# wait_for TEST-ARGS... : polls `test ARGS` every 0.1 s for up to WAIT_S
# seconds (default 30).
# (Helpers use _-prefixed variables: busybox sh has no locals, and the
# scenarios' own variables must not be overwritten.)
wait_for() {
    _left=$(( ${WAIT_S:-30} * 10 ))
    while ! test "$@"; do
        _left=$((_left - 1))
        [ "$_left" -gt 0 ] || return 1
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
    _iqn=$1 _file=$2 _mib=$3 _portal=${4:-127.0.0.1:3260}
    modprobe crc32c_generic
    modprobe target_core_file
    modprobe iscsi_target_mod
    grep -q configfs /proc/mounts || mount -t configfs none /sys/kernel/config
    _c=/sys/kernel/config/target
    _name=$(basename "$_file" | tr -c 'a-zA-Z0-9_\n' _)
    truncate -s "${_mib}M" "$_file"
    mkdir -p "$_c/core/fileio_0/$_name"
    echo "fd_dev_name=$_file,fd_dev_size=$((_mib * 1048576))" > "$_c/core/fileio_0/$_name/control"
    echo 1 > "$_c/core/fileio_0/$_name/enable"
    _t=$_c/iscsi/$_iqn/tpgt_1
    mkdir -p "$_t/lun/lun_0"
    ln -s "$_c/core/fileio_0/$_name" "$_t/lun/lun_0/$_name"
    mkdir "$_t/np/$_portal"
    echo 1 > "$_t/attrib/generate_node_acls"
    echo 0 > "$_t/attrib/authentication"
    echo 0 > "$_t/attrib/demo_mode_write_protect"
    echo 1 > "$_t/enable"
    log "LIO target $_iqn on $_portal, LUN 0 = $_file ($_mib MiB)"
}

# tgt_start: tgtd on 127.0.0.1:3260 in the background (control socket 1).
tgt_start() {
    mkdir -p /run/tgtd
    tgtd -f --iscsi portal=127.0.0.1:3260 > /tmp/tgtd.log 2>&1 &
    _left=100
    until tgtadm --lld iscsi --op show --mode system > /dev/null 2>&1; do
        _left=$((_left - 1)); [ "$_left" -gt 0 ] || { cat /tmp/tgtd.log; fail "tgtd did not start"; }
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

# iscsid_start [ARGS]: our daemon in the background, logging to
# /tmp/iscsid.log; waits until its control socket answers. ISCSID_LAUNCHER
# (e.g. "setpriv --bounding-set=...") runs it, when set.
iscsid_start() {
    ${ISCSID_LAUNCHER:-} iscsid -f "$@" >> /tmp/iscsid.log 2>&1 &
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
    for _b in /sys/class/iscsi_session/session"$1"/device/target*/*:0:0:0/block/*; do
        [ -e "$_b" ] && basename "$_b" && return 0
    done
    return 1
}

# arg NAME DEFAULT: the value of NAME=... on the kernel command line.
arg() {
    for word in $(cat /proc/cmdline); do
        case "$word" in "$1"=*) echo "${word#"$1"=}"; return 0 ;; esac
    done
    echo "$2"
}

# lio_more_targets PREFIX FROM TO: LIO targets PREFIX:FROM..PREFIX:TO (each
# with a 1 MiB fileio LUN 0), all on 127.0.0.1:3260 through one portal
# group each, open to every initiator.
lio_more_targets() {
    modprobe crc32c_generic
    modprobe target_core_file
    modprobe iscsi_target_mod
    grep -q configfs /proc/mounts || mount -t configfs none /sys/kernel/config
    _c=/sys/kernel/config/target
    _i=$2
    while [ "$_i" -le "$3" ]; do
        _iqn=$1:$_i
        truncate -s 1M "/tmp/lun$_i.img"
        mkdir -p "$_c/core/fileio_$_i/d$_i"
        echo "fd_dev_name=/tmp/lun$_i.img,fd_dev_size=1048576" > "$_c/core/fileio_$_i/d$_i/control"
        echo 1 > "$_c/core/fileio_$_i/d$_i/enable"
        _t=$_c/iscsi/$_iqn/tpgt_1
        mkdir -p "$_t/lun/lun_0"
        ln -s "$_c/core/fileio_$_i/d$_i" "$_t/lun/lun_0/d$_i"
        mkdir "$_t/np/127.0.0.1:3260"
        echo 1 > "$_t/attrib/generate_node_acls"
        echo 0 > "$_t/attrib/authentication"
        echo 0 > "$_t/attrib/demo_mode_write_protect"
        echo 1 > "$_t/enable"
        _i=$((_i + 1))
    done
}

# disks: how many SCSI disks the kernel has now.
disks() { ls /sys/block | grep -c '^sd' || true; }

# rss_kib PID: the resident memory of a process.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# --- SAN boot (scenarios with a "# vm: sanboot" header; tests/vm/sanboot) ---
# The boot target iPXE hooked, on the host side of QEMU's user network
# (vm.iqn= on the command line when it is served under another name).
SANBOOT_IQN=iqn.2024-01.org.vmtest:boot
for _w in $(cat /proc/cmdline); do
    case "$_w" in vm.iqn=*) SANBOOT_IQN=${_w#vm.iqn=} ;; esac
done
SANBOOT_INITIATOR=iqn.2024-01.org.vmtest:guest
SANBOOT_HOST=10.0.2.2
# The first and last 512-byte blocks of its 64 MiB LUN 1 start with this line.
SANBOOT_MARK="vmtest sanboot LUN 1"
SANBOOT_BYTES=67108864

# ibft_up: loads the NIC's driver and iscsi_ibft (no udev here to do it) and
# waits for the kernel's view of the table iPXE left.
ibft_up() {
    modprobe e1000
    modprobe iscsi_ibft
    WAIT_S=10 wait_for -d /sys/firmware/ibft/target0 || fail "no iBFT in /sys/firmware/ibft"
}

# ibft_tree: every file under /sys/firmware/ibft as "path = contents",
# symbolic links as "path -> target" (the layout of tests/fixtures/ibft/*-sysfs.txt).
ibft_tree() {
    find /sys/firmware/ibft | sort | while read -r _p; do
        if [ -L "$_p" ]; then
            echo "$_p -> $(readlink "$_p")"
        elif [ -d "$_p" ]; then
            echo "$_p/"
        else
            echo "$_p = $(tr '\n' ' ' < "$_p" 2> /dev/null)"
        fi
    done
}

# capture NAME CMD...: runs CMD and prints its output and then "rc=N"
# between the lines
#   VM-CAPTURE-BEGIN NAME
#   VM-CAPTURE-END NAME
# which tests/vm/cut-captures cuts out of the console log. stdout and stderr
# go to one file, as `CMD > file 2>&1` would: stdout is block-buffered then,
# so a program's stderr lines can come before stdout lines it wrote first.
# The output stays in /tmp/capture/NAME, the name in CAPTURE_NAME and the
# exit status in CAPTURE_RC for the scenario's own checks; a failing CMD
# does not end the scenario. Kernel messages are kept off the console
# meanwhile (a login error would land in the middle); dmesg has them.
capture() {
    _name=$1 CAPTURE_NAME=$1
    shift
    mkdir -p /tmp/capture
    echo "+ $*"
    _level=$(cut -f1 /proc/sys/kernel/printk)
    dmesg -n 1
    "$@" > "/tmp/capture/$_name" 2>&1 && CAPTURE_RC=0 || CAPTURE_RC=$?
    echo "VM-CAPTURE-BEGIN $_name"
    cat "/tmp/capture/$_name"
    echo "rc=$CAPTURE_RC"
    echo "VM-CAPTURE-END $_name"
    dmesg -n "$_level"
}

# host_request NAME: asks tests/vm/sanboot, which watches the console, to
# change the target on the host side (NAME is one it knows: chap-wrong-in,
# chap-wrong-out, chap-restore), and waits for its answer, a file
# host-done-N (N counts the requests) it puts in its TFTP directory. Needs
# the guest's NIC up (iscsistart -N does it from the iBFT).
HOST_REQUESTS=0
host_request() {
    HOST_REQUESTS=$((HOST_REQUESTS + 1))
    echo "VM-HOST $HOST_REQUESTS $1"
    _left=100
    until tftp -g -r "host-done-$HOST_REQUESTS" -l /tmp/host-done "$SANBOOT_HOST" 2> /dev/null; do
        _left=$((_left - 1)); [ "$_left" -gt 0 ] || fail "the host did not do $1"
        sleep 0.2
    done
    rm -f /tmp/host-done
    log "host did $1"
}

# --- SAN-boot checks (scenarios headed "# vm: sanboot ...") ---
# the_session: sets sid to the number of the only iSCSI session there is.
the_session() {
    sid=$(ls /sys/class/iscsi_session)
    case "$sid" in session[0-9]*) ;; *) fail "sessions: '$sid', expected exactly one" ;; esac
    [ "$(echo "$sid" | wc -w)" = 1 ] || fail "sessions: $sid, expected one"
    sid=${sid#session}
}
# check_login SID: session SID is the iBFT's initiator logged in to the
# boot target, and its LUN 1 is a disk holding the marker sanboot wrote.
check_login() {
    _sys=/sys/class/iscsi_session/session$1
    [ "$(cat "$_sys/targetname")" = "$SANBOOT_IQN" ] || fail "session $1 is to $(cat "$_sys/targetname")"
    [ "$(cat "$_sys/initiatorname")" = "$SANBOOT_INITIATOR" ] ||
        fail "session $1 logged in as $(cat "$_sys/initiatorname")"
    _left=300
    until _disk=$(basename "$(ls -d "$_sys"/device/target*/*:0:0:1/block/* 2> /dev/null)") &&
        [ -b "/dev/$_disk" ]; do
        _left=$((_left - 1)); [ "$_left" -gt 0 ] || fail "no disk for LUN 1 of session $1"
        sleep 0.1
    done
    [ "$(blockdev --getsize64 "/dev/$_disk")" = "$SANBOOT_BYTES" ] || fail "/dev/$_disk has the wrong size"
    [ "$(head -c 20 "/dev/$_disk")" = "$SANBOOT_MARK" ] || fail "/dev/$_disk: no marker in block 0"
    [ "$(dd if="/dev/$_disk" bs=512 skip=$((SANBOOT_BYTES / 512 - 1)) count=1 2> /dev/null | head -c 20)" = \
        "$SANBOOT_MARK" ] || fail "/dev/$_disk: no marker in the last block"
    log "session $1: LUN 1 is /dev/$_disk, $SANBOOT_BYTES bytes, marker in its first and last block"
}
# no_session: none is left (after a logout or a failed login, whose
# teardown may still be under way for a moment).
no_session() {
    _left=100
    while [ -n "$(ls /sys/class/iscsi_session)" ]; do
        _left=$((_left - 1))
        [ "$_left" -gt 0 ] || fail "sessions left: $(ls /sys/class/iscsi_session)"
        sleep 0.1
    done
}
expect_rc() {  # N NAME: the last capture's exit status
    [ "$CAPTURE_RC" = "$1" ] || fail "$2 exited $CAPTURE_RC, expected $1"
}
# login_refused WHAT: the last capture reported a failed login, and no
# session is left.
login_refused() {
    grep -qi -e "could not login" -e "login.*fail" "/tmp/capture/$CAPTURE_NAME" ||
        fail "$1: no login failure reported"
    no_session
}

# --- root on iSCSI (scenarios headed "# vm: rootboot ..."; tests/vm/rootboot) ---
# They run on the booted root file system, from its /sbin/init.
# root_on_iscsi HOW INITIATOR [ADDRESS [NIC-ADDRESS]]: / is mounted from
# LUN 1 of the only iSCSI session, which INITIATOR made to the boot target
# at ADDRESS (default SANBOOT_HOST, port 3260); the initramfs listed it
# in /run/initramfs/iscsi.sessions as made by HOW (firmware or manual) and
# named its NIC in /run/initramfs/open-iscsi.interface, which is the one
# holding NIC-ADDRESS, as `ip addr` shows it (default "inet 10.0.2.15/24";
# udev names the NIC ens3). Sets nic to its name.
root_on_iscsi() {
    the_session
    _sys=/sys/class/iscsi_session/session$sid
    [ "$(cat "$_sys/targetname")" = "$SANBOOT_IQN" ] || fail "session $sid is to $(cat "$_sys/targetname")"
    [ "$(cat "$_sys/initiatorname")" = "$2" ] || fail "session $sid logged in as $(cat "$_sys/initiatorname"), not $2"
    _disk=$(basename "$(ls -d "$_sys"/device/target*/*:0:0:1/block/* 2> /dev/null)") || fail "no disk for LUN 1"
    # The root's device number is the disk's (root= may have named a link).
    _dev=$(stat -c %d /)
    _dev="$(((_dev >> 8) & 0xfff)):$(((_dev & 0xff) | ((_dev >> 12) & 0xfff00)))"
    [ "$_dev" = "$(cat "/sys/class/block/$_disk/dev")" ] ||
        fail "/ ($_dev) is not on /dev/$_disk: $(grep ' / ' /proc/mounts)"
    _line="$sid $SANBOOT_IQN ${3:-$SANBOOT_HOST} 3260 1 $1"
    [ "$(cat /run/initramfs/iscsi.sessions)" = "$_line" ] ||
        fail "/run/initramfs/iscsi.sessions: '$(cat /run/initramfs/iscsi.sessions)', expected '$_line'"
    nic=$(cat /run/initramfs/open-iscsi.interface)
    ip addr show "$nic" | grep -q "${4:-inet 10.0.2.15/24} " ||
        fail "open-iscsi.interface names '$nic', which has not ${4:-inet 10.0.2.15/24}: $(ip addr)"
    log "/ is /dev/$_disk, LUN 1 of session $sid ($2 to $SANBOOT_IQN) over $nic, recorded as $1"
}
# session_chap SID USER [USER_IN]: session SID logged in with CHAP as USER
# (and mutual CHAP, the target as USER_IN), as the kernel's session shows.
# (The kernel shows an unset one as "(null)".)
session_chap() {
    _sys=/sys/class/iscsi_session/session$1
    _in=$(cat "$_sys/username_in")
    [ "$_in" = "(null)" ] && _in=
    [ "$(cat "$_sys/username")" = "$2" ] || fail "session $1: CHAP user '$(cat "$_sys/username")', expected '$2'"
    [ "$_in" = "${3:-}" ] || fail "session $1: mutual CHAP user '$_in', expected '${3:-}'"
}
# root_session_adopted: the real root's iscsid (ours) adopts the session
# the initramfs made (sid, from root_on_iscsi) and iscsiadm shows it as
# open-iscsi would: the persistent portal, bracketed when it has no '.'
# (IPv6), whatever long form the kernel gives the connection's address.
root_session_adopted() {
    mkdir -p /etc/iscsi
    iscsid_start
    read -r _s _target _addr _port _tpgt _how < /run/initramfs/iscsi.sessions
    case "$_addr" in *.*) ;; *) _addr="[$_addr]" ;; esac
    _want="tcp: [$sid] $_addr:$_port,$_tpgt $_target (non-flash)"
    _got=$(iscsiadm -m session 2>&1) || { cat /tmp/iscsid.log; fail "iscsiadm -m session: $_got"; }
    [ "$_got" = "$_want" ] || { cat /tmp/iscsid.log; fail "iscsiadm -m session: '$_got', expected '$_want'"; }
    iscsid_stop
    [ -d "/sys/class/iscsi_session/session$sid" ] || fail "session $sid went away with iscsid"
    log "iscsid adopted session $sid: $_got"
}

# systemd_units_adopted: on the systemd root (init=systemd), this project's
# units did their part at boot: iscsid runs (started through iscsid.socket
# by iscsid-adopt.service) and shows the root's session (sid, from
# root_on_iscsi) as open-iscsi would; iscsi.service ran -L automatic over
# the node record make-rootboot wrote for the root's target, which found
# the session there.
systemd_units_adopted() {
    for _u in iscsid.socket iscsid.service iscsid-adopt.service iscsi.service; do
        _st=$(systemctl show -P ActiveState "$_u")
        [ "$_st" = active ] || fail "$_u is $_st: $(systemctl status --no-pager "$_u" 2>&1)
$(journalctl -b --no-pager -o cat -u iscsid.service -u iscsid-adopt.service -u iscsi.service 2>&1 | tail -n 30)"
    done
    # The unit's CapabilityBoundingSet: CAP_SYS_ADMIN (21), CAP_SYS_MODULE
    # (16) and CAP_NET_ADMIN (12).
    _pid=$(systemctl show -P MainPID iscsid.service)
    _bnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$_pid/status")
    [ "$_bnd" = 0000000000211000 ] || fail "iscsid (pid $_pid) has bounding set $_bnd"
    _got=$(iscsiadm -m session 2>&1) || fail "iscsiadm -m session: $_got"
    [ "$_got" = "tcp: [$sid] $SANBOOT_HOST:3260,1 $SANBOOT_IQN (non-flash)" ] ||
        fail "iscsiadm -m session: '$_got'"
    _st=$(iscsiadm -m node -T "$SANBOOT_IQN" -p "$SANBOOT_HOST:3260" | sed -n 's/^node.startup = //p')
    [ "$_st" = automatic ] || fail "the root target's node record says node.startup = '$_st'"
    [ "$(ls /sys/class/iscsi_session)" = "session$sid" ] ||
        fail "sessions after iscsi.service: $(ls /sys/class/iscsi_session)"
    # systemd-networkd runs with a catch-all DHCP .network; the boot NIC
    # has our generator's file (iscsi-boot-network-generator).
    [ "$(systemctl show -P ActiveState systemd-networkd.service)" = active ] || fail "systemd-networkd is not active"
    # (networkd's state file: networkctl needs D-Bus, which this root lacks.)
    _state=/run/systemd/netif/links/$(cat "/sys/class/net/$nic/ifindex")
    _file=$(sed -n 's/^NETWORK_FILE=//p' "$_state" 2> /dev/null)
    [ "$_file" = "/run/systemd/network/05-iscsi-boot-$nic.network" ] ||
        fail "networkd configures $nic from '$_file': $(cat "$_state" 2>&1)"
    # ifupdown's networking.service ran ifup -a, which left the NIC out.
    [ "$(systemctl show -P ActiveState networking.service)" = active ] || fail "networking.service is not active"
    ! grep -q "^$nic=" /run/network/ifstate 2> /dev/null || fail "ifup configured $nic: $(cat /run/network/ifstate)"
    log "systemd: iscsid.service active (adopted session $sid), iscsi.service active; $_got;" \
        "networkd configures $nic from $_file"
}

# no_firmware_table: the machine booted without an iBFT (rootboot
# ibft=no): the kernel shows none, and our iscsiadm, which also reads the
# ACPI table and scans low memory, finds none (21, open-iscsi's "no
# objects found").
no_firmware_table() {
    [ ! -e /sys/firmware/ibft ] || fail "/sys/firmware/ibft exists: $(ls /sys/firmware/ibft)"
    _rc=0
    _out=$(iscsiadm -m fw 2>&1) || _rc=$?
    [ "$_rc" = 21 ] || fail "iscsiadm -m fw exited $_rc, expected 21: $_out"
    log "no firmware table: iscsiadm -m fw says '$_out'"
}
