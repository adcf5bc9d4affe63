#!/bin/sh
# Usage: root-iscsi-test.sh LIB
# The root=iscsi:... parser that our initramfs-tools script and dracut
# module share (initramfs-hooks/lib/iscsi-initiator-lib.sh), sourced
# outside the initramfs by every POSIX shell at hand (dash, busybox sh: the
# images' shells). Well-formed strings give their fields; malformed ones
# give status 1 and a reason that holds no secret.
set -u
lib=$1
[ -r "$lib" ] || { echo "no $lib"; exit 1; }
# shellcheck disable=SC2016 # the inner shell's variables
parse='. "$1"
if parse_root_iscsi "$2"; then
    echo "user=$RI_USER secret=$RI_SECRET in_user=$RI_IN_USER in_secret=$RI_IN_SECRET" \
        "server=$RI_SERVER port=$RI_PORT iface=$RI_IFACE netdev=$RI_NETDEV lun=$RI_LUN target=$RI_TARGET"
    exit 0
fi
echo "root=iscsi:$(mask_root_iscsi "$2"): $RI_ERROR" >&2
exit 1'
# shellcheck disable=SC2016
mask='. "$1"; mask_root_iscsi "$2"'

shells=
for sh in dash "busybox sh" bash; do
    command -v "${sh%% *}" > /dev/null || continue
    shells="$shells${shells:+,}$sh"
done
failures=0
fail() { echo "FAIL [$sh] $*"; failures=$((failures + 1)); }

# ok STRING FIELDS: parses into exactly FIELDS.
ok() {
    _got=$($sh -c "$parse" sh "$lib" "$1" 2>&1)
    _rc=$?
    [ "$_rc" = 0 ] || { fail "'$1': exit $_rc: $_got"; return; }
    [ "$_got" = "$2" ] || fail "'$1':
   got  $_got
   want $2"
}
# bad STRING REASON: exit 1 and stderr "root=iscsi:MASKED: REASON...".
bad() {
    _err=$($sh -c "$parse" sh "$lib" "$1" 2>&1 > /dev/null)
    _rc=$?
    [ "$_rc" = 1 ] || { fail "'$1': exit $_rc, expected 1 ($_err)"; return; }
    case "$_err" in
        *"$2"*) ;;
        *) fail "'$1': '$_err' does not say '$2'" ;;
    esac
    case "$_err" in
        *s3cret* | *t4rget*) fail "'$1': a secret in '$_err'" ;;
    esac
}
f() {  # USER SECRET IN_USER IN_SECRET SERVER PORT IFACE NETDEV LUN TARGET
    echo "user=$1 secret=$2 in_user=$3 in_secret=$4 server=$5 port=$6 iface=$7 netdev=$8 lun=$9 target=${10}"
}

IFS=,
for sh in $shells; do
    IFS=' '
    T=iqn.2024-01.org.vmtest:boot
    # RFC 4173's form; IPv4.
    ok "10.0.2.2::3260:1:$T" "$(f '' '' '' '' 10.0.2.2 3260 '' '' 1 "$T")"
    ok "10.0.2.2:6:3260:1:$T" "$(f '' '' '' '' 10.0.2.2 3260 '' '' 1 "$T")"
    # Empty port, protocol and LUN: 3260, TCP, LUN 0.
    ok "192.168.1.10::::$T" "$(f '' '' '' '' 192.168.1.10 3260 '' '' 0 "$T")"
    ok "192.168.1.10::3261::$T" "$(f '' '' '' '' 192.168.1.10 3261 '' '' 0 "$T")"
    # LUNs 0, 1, 10 (decimal; leading zeros dropped, as udev names it).
    ok "10.0.2.2:::0:$T" "$(f '' '' '' '' 10.0.2.2 3260 '' '' 0 "$T")"
    ok "10.0.2.2:::10:$T" "$(f '' '' '' '' 10.0.2.2 3260 '' '' 10 "$T")"
    ok "10.0.2.2:::010:$T" "$(f '' '' '' '' 10.0.2.2 3260 '' '' 10 "$T")"
    # No server: the DHCP server's (the caller's business).
    ok "::3260:1:$T" "$(f '' '' '' '' '' 3260 '' '' 1 "$T")"
    ok "vminit:s3cret@:::1:$T" "$(f vminit s3cret '' '' '' 3260 '' '' 1 "$T")"
    # IPv6 in brackets.
    ok "[fec0::2]::3260:1:$T" "$(f '' '' '' '' fec0::2 3260 '' '' 1 "$T")"
    ok "[2001:db8::10]::::$T" "$(f '' '' '' '' 2001:db8::10 3260 '' '' 0 "$T")"
    # Target names with several ':', and without any.
    ok "10.0.2.2:::1:iqn.2001-04.com.example:storage:disk2:sys1" \
        "$(f '' '' '' '' 10.0.2.2 3260 '' '' 1 iqn.2001-04.com.example:storage:disk2:sys1)"
    ok "10.0.2.2:::1:eui.02004567A425678D" "$(f '' '' '' '' 10.0.2.2 3260 '' '' 1 eui.02004567A425678D)"
    ok "10.0.2.2:::1:target" "$(f '' '' '' '' 10.0.2.2 3260 '' '' 1 target)"
    # dracut's iface and netdev fields.
    ok "[fec0::2]:6::default::1:$T" "$(f '' '' '' '' fec0::2 3260 default '' 1 "$T")"
    ok "10.0.2.2::3260::ens3:2:$T" "$(f '' '' '' '' 10.0.2.2 3260 '' ens3 2 "$T")"
    ok "10.0.2.2::3260::::$T" "$(f '' '' '' '' 10.0.2.2 3260 '' '' 0 "$T")"
    # CHAP, one way and mutual.
    ok "vminit:s3cret@10.0.2.2::3260:1:$T" "$(f vminit s3cret '' '' 10.0.2.2 3260 '' '' 1 "$T")"
    ok "vminit:s3cret:vmtarget:t4rget@[fec0::2]::3260:1:$T" \
        "$(f vminit s3cret vmtarget t4rget fec0::2 3260 '' '' 1 "$T")"
    # Malformed: a clear reason, no secret, no crash.
    bad "" "not SERVER:PROTOCOL:PORT:LUN:TARGETNAME"
    bad "10.0.2.2" "not SERVER:PROTOCOL:PORT:LUN:TARGETNAME"
    bad "10.0.2.2::3260" "not SERVER:PROTOCOL:PORT:LUN:TARGETNAME"
    bad "10.0.2.2::3260:1" "no ':' between LUN and TARGETNAME"
    bad "10.0.2.2::3260:1:" "no target name"
    bad "[fec0::2::3260:1:$T" "no ']:' after the '['"
    bad "[10.0.2.2]::3260:1:$T" "is not an IPv6 address"
    bad "10.0.2.2:17:3260:1:$T" "protocol '17'"
    bad "10.0.2.2::http:1:$T" "port 'http'"
    bad "10.0.2.2::0:1:$T" "port '0'"
    bad "10.0.2.2::65536:1:$T" "port '65536'"
    bad "10.0.2.2::3260:0x1f:$T" "LUN '0x1f'"
    bad "10.0.2.2::3260::eth0:one:$T" "LUN 'one'"
    bad "10.0.2.2::3260:bnx2i.00:eth0:1:$T" "iSCSI interface 'bnx2i.00'"
    bad "10.0.2.2::3260:1:iqn.x*y" "has a character"
    bad "1.2.3.4;reboot::3260:1:$T" "is not a server address"
    bad "vminit@10.0.2.2::3260:1:$T" "the user part has no ':'"
    bad "vminit:s3cret:vmtarget@10.0.2.2::3260:1:$T" "the user part has 3 fields"
    bad "vminit:s3cret:vmtarget:t4rget:x@10.0.2.2::3260:1:$T" "more than 4 fields"
    bad ":s3cret@10.0.2.2::3260:1:$T" "an empty user name or secret"
    bad "vminit:s3cret::t4rget@10.0.2.2::3260:1:$T" "an empty reverse user name or secret"
    bad "vminit:s3cret@10.0.2.2:17:3260:1:$T" "root=iscsi:vminit:***@10.0.2.2:17:3260:1:$T: protocol"
    # The mask for messages.
    for m in "vminit:s3cret@10.0.2.2::3260:1:$T=vminit:***@10.0.2.2::3260:1:$T" \
        "vminit:s3cret:vmtarget:t4rget@10.0.2.2::3260:1:$T=vminit:***:vmtarget:***@10.0.2.2::3260:1:$T" \
        "10.0.2.2::3260:1:$T=10.0.2.2::3260:1:$T"; do
        _got=$($sh -c "$mask" sh "$lib" "${m%%=*}")
        [ "$_got" = "${m#*=}" ] || fail "mask of '${m%%=*}': '$_got', expected '${m#*=}'"
    done
    # The words of a command line: iscsi: ones only, each once, in order;
    # an empty one is the firmware's.
    # shellcheck disable=SC2016
    _got=$($sh -c '. "$1"; shift; iscsi_words "$@"' sh "$lib" "iscsi:10.0.2.2::3260:1:$T" \
        "/dev/sda1" "iscsi:" "iscsi:ibft" "iscsi:10.0.2.2::3260:1:$T" "iscsi:[fd00::2]::::$T" | tr '\n' ' ')
    [ "$_got" = "10.0.2.2::3260:1:$T firmware ibft [fd00::2]::::$T " ] ||
        fail "iscsi_words: '$_got'"
    echo "[$sh] done"
    IFS=,
done
IFS=' '
[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "root=iscsi: parser: all cases pass"
