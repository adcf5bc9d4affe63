#!/bin/sh
# /sbin/iscsiroot of the dracut module iscsi-initiator: the logins a root
# on iSCSI needs, with our iscsistart. Usage (dracut's netroot handler's):
#   iscsiroot NETIF|settled|timeout NETROOT NEWROOT
# The initqueue runs it each settled round ("settled", queued by
# parse-iscsi-initiator.sh) until every login is made, and once at its
# timeout; the network modules run it when a NIC comes up, with NETROOT
# the iscsi: word DHCP gave (root=dhcp). Each login is made once: the
# firmware's (iscsistart -N, then -b) and one per root=iscsi:/netroot=
# word (iscsistart -i -t -g -a -p ...). A try that fails is tried again
# next round (at most every 3 s): the NIC's driver, a DHCP lease or the
# target may come late. At the timeout (dracut's, or two thirds of
# rd.retry after the first try, whichever comes first) what is still
# missing ends the boot through dracut's die, naming the target and
# iscsistart's error.
# Done: /tmp/iscsi-initiator.done, and /run/initramfs/iscsi.sessions for
# the real root.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
# shellcheck disable=SC1091 # the initramfs's (module-setup.sh)
type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh
# shellcheck disable=SC1091
type parse_root_iscsi > /dev/null 2>&1 || . /lib/iscsi-initiator-lib.sh

mode=$1 given=$2
if [ -e /tmp/iscsi-initiator.done ]; then
    # Logged in; at the timeout, say so if root=iscsi:'s LUN never came.
    _root=$(getarg root=)
    if [ "$mode" = timeout ] && [ ! -e /dev/root ] && [ "${_root#iscsi:}" != "$_root" ]; then
        case "${_root#iscsi:}" in
            "" | ibft | firmware) die "iSCSI: logged in to the firmware's targets, but no iSCSI disk appeared" ;;
        esac
        parse_root_iscsi "${_root#iscsi:}"
        die "iSCSI: logged in to $RI_TARGET, but its LUN $RI_LUN did not appear"
    fi
    exit 0
fi

say() { echo "iscsi-initiator: $*" >&2; }

# At most one round of tries every 3 s (the initqueue loops faster).
if [ "$mode" != timeout ] && [ -e /tmp/iscsi-initiator.last-try ]; then
    read -r last < /tmp/iscsi-initiator.last-try
    [ "$(now)" -ge $((last + 3)) ] || exit 1
fi
now > /tmp/iscsi-initiator.last-try
# The last round: two thirds of rd.retry (default 180 s) after the first,
# in seconds. dracut counts its own timeout in rounds of its loop, which
# failing logins slow down (a refused boot took 140 s for rd.retry=30).
[ -e /tmp/iscsi-initiator.first-try ] || now > /tmp/iscsi-initiator.first-try
read -r first < /tmp/iscsi-initiator.first-try
retry=$(getarg rd.retry -d rd_retry=)
case "$retry" in "" | *[!0-9]*) retry=180 ;; esac
[ "$(now)" -ge $((first + retry * 2 / 3)) ] && mode=timeout

# The table's NIC (rd.iscsi.ibft, ip=ibft), then its targets.
firmware_login() {
    [ -e /tmp/iscsi-initiator.firmware-done ] && return 0
    if getargbool 0 rd.iscsi.ibft -d -y iscsi_ibft || [ "$(getarg ip=)" = ibft ]; then
        if ! _out=$(iscsistart -N 2>&1); then
            # 21: no table at all; nothing will change that.
            [ "$?" = 21 ] && die "iSCSI: rd.iscsi.firmware is set but the firmware left no iSCSI boot table (iBFT): $_out"
            echo "the firmware's NIC: $_out" > /tmp/iscsi-initiator.error
            return 1
        fi
        echo "$_out" >&2
        firmware_nics | while read -r _dev _ _ _ _gw _; do
            firmware_default_route "$_dev" "$_gw"
        done
    fi
    if ! _out=$(iscsistart -b 2>&1); then
        echo "$_out" >&2
        # -b logs in to every target of the table; the root may be on one
        # that worked.
        if [ -z "$(iscsi_sessions)" ]; then
            echo "$_out" | sed -n '$p' > /tmp/iscsi-initiator.error
            return 1
        fi
        say "a login from the firmware's table failed; going on with the sessions there are"
    fi
    : > /tmp/iscsi-initiator.firmware-done
}

# The initiator name for a login by hand: the command line's, the
# firmware's, initiatorname.iscsi's, else one made up for this boot (kept
# in /run/initiatorname.iscsi, so every login uses the same).
initiator_name() {
    _n=$(getarg rd.iscsi.initiator -d iscsi_initiator=)
    if [ -z "$_n" ] && [ -r /sys/firmware/ibft/initiator/initiator-name ]; then
        read -r _n < /sys/firmware/ibft/initiator/initiator-name
    fi
    for _f in /etc/iscsi/initiatorname.iscsi /run/initiatorname.iscsi; do
        [ -z "$_n" ] && _n=$(file_initiator_name "$_f")
    done
    if [ -z "$_n" ] && command -v iscsi-iname > /dev/null; then
        _n=$(iscsi-iname)
        echo "InitiatorName=$_n" > /run/initiatorname.iscsi
    fi
    echo "$_n"
}

# One login by hand: ARGS (after "iscsi:"), its marker N.
manual_login() {  # ARGS N
    [ -e "/tmp/iscsi-initiator.login-$2" ] && return 0
    parse_root_iscsi "$1" || die "iSCSI: root=iscsi:$(mask_root_iscsi "$1"): $RI_ERROR"
    # CHAP from the word's user part, else from rd.iscsi.username... .
    if [ -z "$RI_USER" ]; then
        RI_USER=$(getarg rd.iscsi.username -d iscsi_username=)
        RI_SECRET=$(getarg rd.iscsi.password -d iscsi_password=)
        RI_IN_USER=$(getarg rd.iscsi.in.username -d iscsi_in_username=)
        RI_IN_SECRET=$(getarg rd.iscsi.in.password -d iscsi_in_password=)
    fi
    _transport=$(getarg rd.iscsi.transport=)
    case "$_transport" in
        "" | tcp) ;;
        *) die "iSCSI: rd.iscsi.transport=$_transport: this initiator's iscsistart logs in over tcp only" ;;
    esac
    _group=$(getarg rd.iscsi.target.group -d iscsi_target_group=)
    _initiator=$(initiator_name)
    [ -n "$_initiator" ] || die "iSCSI: no initiator name for $RI_TARGET (rd.iscsi.initiator=, the iBFT, /etc/iscsi/initiatorname.iscsi or iscsi-iname)"
    if [ -z "$RI_SERVER" ]; then
        # No server in the word: the DHCP server's (RFC 4173's root path
        # comes with the lease), once there is a lease.
        RI_SERVER=$(dhcp_server) || {
            echo "$RI_TARGET: the word names no server, and no DHCP lease gave one" > /tmp/iscsi-initiator.error
            return 1
        }
    fi
    _where="$RI_TARGET at $RI_SERVER port $RI_PORT"
    # Not before the network can reach the portal (through NETDEV when the
    # word names one), unless rd.iscsi.testroute=0; with rd.iscsi.waitnet=1
    # not before every NIC dracut brings up is up.
    if getargbool 1 rd.iscsi.testroute && [ "$mode" != timeout ] &&
        ! ip route get "$RI_SERVER" ${RI_NETDEV:+oif "$RI_NETDEV"} > /dev/null 2>&1; then
        echo "no route to $RI_SERVER${RI_NETDEV:+ through $RI_NETDEV} for $_where" > /tmp/iscsi-initiator.error
        return 1
    fi
    if getargbool 0 rd.iscsi.waitnet && type all_ifaces_setup > /dev/null 2>&1 && ! all_ifaces_setup; then
        echo "waiting for every NIC (rd.iscsi.waitnet) before $_where" > /tmp/iscsi-initiator.error
        return 1
    fi
    set --
    for _p in $(getargs rd.iscsi.param -d iscsi_param=); do
        set -- "$@" -P "$_p"
    done
    say "login to $_where as $_initiator${RI_USER:+ (CHAP as $RI_USER${RI_IN_USER:+, the target as $RI_IN_USER})}"
    if ! _out=$(iscsistart -i "$_initiator" -t "$RI_TARGET" -g "${_group:-1}" -a "$RI_SERVER" -p "$RI_PORT" \
        ${RI_USER:+-u "$RI_USER"} ${RI_SECRET:+-w "$RI_SECRET"} \
        ${RI_IN_USER:+-U "$RI_IN_USER"} ${RI_IN_SECRET:+-W "$RI_IN_SECRET"} "$@" 2>&1); then
        echo "$_out" >&2
        echo "login to $_where failed: $(echo "$_out" | sed -n '$p')" > /tmp/iscsi-initiator.error
        return 1
    fi
    echo "$_out" >&2
    : > "/tmp/iscsi-initiator.login-$2"
}

# The words to log in to: the one the network module passed, root=iscsi:,
# netroot=iscsi: (the firmware's are not logins by hand).
words() {
    # shellcheck disable=SC2046 # getargs' words, split as dracut's are
    iscsi_words "$given" "$(getarg root=)" $(getargs netroot=) |
        awk '$0 != "firmware" && $0 != "ibft"'
}

ok=1
how=manual
if [ -e /tmp/iscsi-initiator.firmware ]; then
    how=firmware
    firmware_login || ok=
fi
i=0
for word in $(words); do
    i=$((i + 1))
    manual_login "$word" "$i" || ok=
done

if [ -n "$ok" ]; then
    record_sessions "$how" >&2
    # The NIC that carries the first session, in the file Debian's
    # open-iscsi writes and real-root tools read to leave that NIC alone
    # (ifupdown's open-iscsi hook, cloud-init).
    read -r _ _ addr _ < /run/initramfs/iscsi.sessions
    nic=$(ip route get "$addr" 2> /dev/null | sed -n '/.* dev \([^ ]*\).*/{s//\1/p;q}')
    [ -n "$nic" ] && echo "$nic" > /run/initramfs/open-iscsi.interface
    : > /tmp/iscsi-initiator.done
    exit 0
fi
if [ "$mode" = timeout ]; then
    read -r error < /tmp/iscsi-initiator.error
    die "iSCSI: the root's target is not logged in: $error"
fi
exit 1
