# shellcheck shell=sh
# shellcheck disable=SC2034 # RI_*: the callers'
# The pieces both initramfs frameworks' scripts share (sourced, never run):
# initramfs-tools' scripts/local-top/iscsi-initiator and dracut's
# 95iscsi-initiator. POSIX sh: dash, busybox sh and bash run it (the
# images' shells). Every name it defines starts with ri_, RI_ or one of
# iscsi_words, parse_root_iscsi, mask_root_iscsi, firmware_nics, firmware_default_route,
# dhcp_server, now, file_initiator_name, iscsi_sessions, record_sessions.
# Installed as the initramfs-tools image's /scripts/iscsi-initiator-lib
# and the dracut image's /lib/iscsi-initiator-lib.sh.

# --- the iscsi: words of a command line -------------------------------------
# iscsi_words WORD... prints what follows "iscsi:" in each WORD that starts
# with it, once each, in order; "firmware" for an empty one (dracut's
# root=iscsi: and netroot=iscsi: mean the firmware's target, as
# netroot=iscsi:ibft does). Other words are skipped.
iscsi_words() {
    for _w in "$@"; do
        case "$_w" in
            iscsi:) echo firmware ;;
            iscsi:*) echo "${_w#iscsi:}" ;;
        esac
    done | awk '!seen[$0]++'
}

# --- root=iscsi:... (RFC 4173, with dracut's additions) -------------------
# iscsi:[USER:SECRET[:IN_USER:IN_SECRET]@][SERVER]:[PROTOCOL]:[PORT]
#       [:[IFACE]:[NETDEV]]:[LUN]:TARGETNAME
# The fixed fields are taken from the left; the rest is the target name,
# which may hold ':' (IQNs do). SERVER is an IP address, an IPv6 one in
# brackets. PROTOCOL is empty or 6 (TCP). An empty PORT is 3260, an empty
# LUN 0. The LUN is read as decimal (RFC 4173 writes it in hex; the two
# agree below 10). After PORT, "LUN:TARGETNAME" is told from dracut's
# "IFACE:NETDEV:LUN:TARGETNAME" by the target name's iqn./eui./naa.
# prefix. IFACE must be empty or "default"; NETDEV names the NIC for
# configure_networking. Secrets may not hold ':'; the user part ends at
# the last '@' (target names have none).
# parse_root_iscsi STRING (what follows "iscsi:") sets RI_USER, RI_SECRET,
# RI_IN_USER, RI_IN_SECRET, RI_SERVER, RI_PORT, RI_IFACE, RI_NETDEV,
# RI_LUN and RI_TARGET; status 1 with the reason in RI_ERROR (never a
# secret) when STRING is malformed.
ri_fail() { RI_ERROR=$1; return 1; }
ri_decimal() {  # VALUE: 1 to 10 decimal digits
    case "$1" in "" | *[!0-9]*) return 1 ;; esac
    [ "${#1}" -le 10 ]
}
parse_root_iscsi() {
    RI_USER='' RI_SECRET='' RI_IN_USER='' RI_IN_SECRET='' RI_SERVER='' RI_PORT=3260
    RI_IFACE='' RI_NETDEV='' RI_LUN=0 RI_TARGET='' RI_ERROR=''
    _ri=$1
    case "$_ri" in
        *@*)
            _auth=${_ri%@*} _ri=${_ri##*@}
            case "$_auth" in
                *:*:*:*:*) ri_fail "the user part has more than 4 fields (secrets may not hold ':')"; return 1 ;;
                *:*:*:*)
                    RI_USER=${_auth%%:*} _auth=${_auth#*:}
                    RI_SECRET=${_auth%%:*} _auth=${_auth#*:}
                    RI_IN_USER=${_auth%%:*} RI_IN_SECRET=${_auth#*:}
                    { [ -n "$RI_IN_USER" ] && [ -n "$RI_IN_SECRET" ]; } ||
                        { ri_fail "an empty reverse user name or secret before '@'"; return 1; }
                    ;;
                *:*:*) ri_fail "the user part has 3 fields; it is USER:SECRET or USER:SECRET:IN_USER:IN_SECRET"; return 1 ;;
                *:*) RI_USER=${_auth%%:*} RI_SECRET=${_auth#*:} ;;
                *) ri_fail "the user part has no ':'; it is USER:SECRET or USER:SECRET:IN_USER:IN_SECRET"; return 1 ;;
            esac
            { [ -n "$RI_USER" ] && [ -n "$RI_SECRET" ]; } ||
                { ri_fail "an empty user name or secret before '@'"; return 1; }
            ;;
    esac
    case "$_ri" in
        \[*)
            _ri=${_ri#\[}
            case "$_ri" in *\]:*) ;; *) ri_fail "no ']:' after the '[' of an IPv6 server"; return 1 ;; esac
            RI_SERVER=${_ri%%\]:*} _ri=${_ri#*\]:}
            case "$RI_SERVER" in *:*) ;; *) ri_fail "'[$RI_SERVER]' is not an IPv6 address"; return 1 ;; esac
            case "$RI_SERVER" in *[!0-9A-Za-z:.%]*) ri_fail "'[$RI_SERVER]' is not an IPv6 address"; return 1 ;; esac
            ;;
        *:*) RI_SERVER=${_ri%%:*} _ri=${_ri#*:} ;;
        *) ri_fail "not SERVER:PROTOCOL:PORT:LUN:TARGETNAME"; return 1 ;;
    esac
    case "$RI_SERVER" in *[!0-9A-Za-z.:%-]*) ri_fail "'$RI_SERVER' is not a server address"; return 1 ;; esac
    case "$_ri" in *:*) ;; *) ri_fail "not SERVER:PROTOCOL:PORT:LUN:TARGETNAME"; return 1 ;; esac
    _proto=${_ri%%:*} _ri=${_ri#*:}
    case "$_proto" in "" | 6) ;; *) ri_fail "protocol '$_proto': only 6 (TCP) or empty"; return 1 ;; esac
    case "$_ri" in *:*) ;; *) ri_fail "not SERVER:PROTOCOL:PORT:LUN:TARGETNAME"; return 1 ;; esac
    _port=${_ri%%:*} _ri=${_ri#*:}
    if [ -n "$_port" ]; then
        { ri_decimal "$_port" && [ "$_port" -ge 1 ] && [ "$_port" -le 65535 ]; } ||
            { ri_fail "port '$_port' is not a number from 1 to 65535"; return 1; }
        RI_PORT=$((_port + 0))
    fi
    case "$_ri" in *:*) ;; *) ri_fail "no ':' between LUN and TARGETNAME"; return 1 ;; esac
    _f=${_ri%%:*} _rest=${_ri#*:}
    _lunform=no
    case "$_f" in "" | *[!0-9]*) _islun=no ;; *) _islun=yes ;; esac
    [ -z "$_f" ] && _islun=yes
    if [ "$_islun" = yes ]; then
        case "$_rest" in
            iqn.* | eui.* | naa.*) _lunform=yes ;;
            *:*:*) ;;
            *) _lunform=yes ;;
        esac
    fi
    if [ "$_lunform" = yes ]; then
        _lun=$_f RI_TARGET=$_rest
    else
        case "$_rest" in *:*:*) ;; *) ri_fail "LUN '$_f' is not a decimal number (nor is it IFACE:NETDEV:LUN:TARGETNAME)"; return 1 ;; esac
        RI_IFACE=$_f RI_NETDEV=${_rest%%:*} _rest=${_rest#*:}
        _lun=${_rest%%:*} RI_TARGET=${_rest#*:}
    fi
    if [ -n "$_lun" ]; then
        ri_decimal "$_lun" || { ri_fail "LUN '$_lun' is not a decimal number"; return 1; }
        while :; do
            case "$_lun" in 0?*) _lun=${_lun#0} ;; *) break ;; esac
        done
        RI_LUN=$_lun
    fi
    case "$RI_IFACE" in "" | default) ;; *) ri_fail "iSCSI interface '$RI_IFACE': only empty or default"; return 1 ;; esac
    case "$RI_NETDEV" in *[!0-9A-Za-z._-]*) ri_fail "'$RI_NETDEV' is not a network interface name"; return 1 ;; esac
    [ -n "$RI_TARGET" ] || { ri_fail "no target name"; return 1; }
    case "$RI_TARGET" in *[!0-9A-Za-z.:_-]*) ri_fail "target name '$RI_TARGET' has a character iSCSI names do not"; return 1 ;; esac
    return 0
}

# STRING (after "iscsi:") with its secrets masked: USER:***[:IN_USER:***]@...
mask_root_iscsi() {
    case "$1" in
        *@*)
            _m=${1%@*}
            case "$_m" in
                *:*:*:*) _u=${_m%%:*} _m=${_m#*:} _m=${_m#*:}
                    echo "$_u:***:${_m%%:*}:***@${1##*@}" ;;
                *:*) echo "${_m%%:*}:***@${1##*@}" ;;
                *) echo "***@${1##*@}" ;;
            esac
            ;;
        *) echo "$1" ;;
    esac
}

# The firmware's NICs that boot targets, one line per target, from
# `iscsistart -f` (open-iscsi's record format):
#   DEVICE PROTO ADDRESS MASK GATEWAY DNS0 DNS1
# DEVICE is the interface iscsistart -N configures (NIC.VLAN for a VLAN),
# PROTO dhcp or static; an empty field is "-" (read keeps the columns).
firmware_nics() {
    iscsistart -f 2> /dev/null | awk '
        function f(x) { return (x == "") ? "-" : x }
        $1 == "#" && $2 == "BEGIN" { dev = ""; vlan = 0; proto = "none"; addr = ""; mask = ""; gw = ""; dns0 = ""; dns1 = "" }
        $2 != "=" { next }
        $1 == "iface.net_ifacename" { dev = $3 }
        $1 == "iface.vlan_id" { vlan = $3 }
        $1 == "iface.ipaddress" { addr = $3 }
        $1 == "iface.subnet_mask" { mask = $3 }
        $1 == "iface.gateway" { gw = $3 }
        $1 == "iface.primary_dns" { dns0 = $3 }
        $1 == "iface.secondary_dns" { dns1 = $3 }
        $1 == "iface.bootproto" { proto = ($3 == "DHCP") ? "dhcp" : ($3 == "STATIC") ? "static" : $3 }
        $1 == "node.name" && dev != "" {
            if (vlan + 0 != 0) dev = dev "." vlan
            print dev, f(proto), f(addr), f(mask), f(gw), f(dns0), f(dns1)
        }'
}

# The default route through the firmware's GATEWAY on DEVICE (a line of
# firmware_nics), unless there is one already. iscsistart -N adds host
# routes to the targets only, as open-iscsi's does; the boot scripts add
# this one, as Debian's (through ipconfig's file) and dracut's (ip=ibft)
# do, because a real root that keeps its hands off the boot NIC would not.
firmware_default_route() {  # DEVICE GATEWAY
    case "$2" in - | 0.0.0.0 | *:*) return 0 ;; esac
    # (busybox's ip has no "show default": grep.)
    ip route show | grep -q '^default ' || ip route add default via "$2" dev "$1" || true
}

# The DHCP server that configured the network, for a root=iscsi: word
# with an empty SERVER (the root path came with the lease): ipconfig's
# ROOTSERVER (initramfs-tools), systemd-networkd's lease, dhclient's
# options (dracut's network-legacy); the first found. Nothing without one.
dhcp_server() {
    for _f in /run/net-*.conf; do
        [ -r "$_f" ] || continue
        _s=$(sed -n "s/^ROOTSERVER='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" "$_f")
        case "$_s" in "" | 0.0.0.0) ;; *) echo "$_s"; return 0 ;; esac
    done
    for _f in /run/systemd/netif/leases/* /tmp/dhclient.*.dhcpopts; do
        [ -r "$_f" ] || continue
        _s=$(sed -n -e 's/^SERVER_ADDRESS=//p' -e "s/^new_dhcp_server_identifier='\{0,1\}\([^']*\)'\{0,1\}$/\1/p" "$_f")
        [ -n "$_s" ] && { echo "$_s"; return 0; }
    done
    return 1
}

# Whole seconds since boot, for deadlines.
now() {
    read -r _up _ < /proc/uptime
    echo "${_up%.*}"
}

# FILE's InitiatorName= (an initiatorname.iscsi), its first; read, never
# sourced as Debian's script does. Nothing when FILE has none.
file_initiator_name() {  # FILE
    sed -n '/^[[:space:]]*InitiatorName=/{s///p;q}' "$1" 2> /dev/null
}

# The kernel's iSCSI sessions: session1 session2 ...
iscsi_sessions() {
    for _s in /sys/class/iscsi_session/session*; do
        [ -e "$_s" ] && echo "${_s##*/}"
    done
}

# /run/initramfs/iscsi.sessions, which survives the switch to the real
# root (/run moves with it): one line per session made in the initramfs,
# "SID TARGET ADDRESS PORT TPGT HOW" (HOW: firmware or manual). The real
# root's iscsid adopts these sessions; the file tells the system that they
# carry the root, so that they are never logged out, nor their NIC taken
# down, while / is mounted (initramfs-hooks/README.md). Each is printed
# on the console too.
record_sessions() {  # HOW
    mkdir -p /run/initramfs
    for _s in $(iscsi_sessions); do
        _sid=${_s#session}
        _c=/sys/class/iscsi_connection/connection$_sid:0
        echo "$_sid $(cat "/sys/class/iscsi_session/$_s/targetname")" \
            "$(cat "$_c/persistent_address" 2> /dev/null)" "$(cat "$_c/persistent_port" 2> /dev/null)" \
            "$(cat "/sys/class/iscsi_session/$_s/tpgt" 2> /dev/null)" "$1"
    done > /run/initramfs/iscsi.sessions
    while read -r _sid _target _addr _port _tpgt _how; do
        case "$_addr" in *:*) _addr="[$_addr]" ;; esac
        echo "iscsi-initiator: session $_sid: $_target at $_addr:$_port,$_tpgt ($_how)"
    done < /run/initramfs/iscsi.sessions
}
