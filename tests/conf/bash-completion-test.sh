#!/bin/bash
# Usage: bash-completion-test.sh PATH/TO/conf/bash-completion/iscsiadm
# Drives _iscsiadm as readline would: COMP_LINE/COMP_POINT, and $2 = the
# text after the last word-break character.
set -u
source "$1"
export ISCSI_ROOT=$(mktemp -d)
trap 'rm -rf "$ISCSI_ROOT"' EXIT
mkdir -p "$ISCSI_ROOT/nodes/iqn.2001-04.com.example:disk1/192.0.2.10,3260,1" \
         "$ISCSI_ROOT/nodes/iqn.2001-04.com.example:disk1/2001:db8::1,3260,1" \
         "$ISCSI_ROOT/nodes/iqn.2001-04.com.example:disk2/192.0.2.11,3260,1" \
         "$ISCSI_ROOT/send_targets/192.0.2.10,3260" "$ISCSI_ROOT/ifaces"
touch "$ISCSI_ROOT/nodes/iqn.2001-04.com.example:disk1/192.0.2.10,3260,1/default" \
      "$ISCSI_ROOT/ifaces/eth1" "$ISCSI_ROOT/ifaces/.tmp-abc"
# A file a careless glob would expand node.conn[0].startup to.
cd "$ISCSI_ROOT" && touch node.conn0.startup
fail=0
complete_line() {
    COMP_LINE=$1 COMP_POINT=${#1}
    local rl=${1##*[ :=]}
    COMP_WORDS=() COMP_CWORD=0
    COMPREPLY=()
    _iscsiadm iscsiadm "$rl" ""
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {
    local got; got=$(complete_line "$1")
    if [[ $got == "$2" ]]; then echo "ok   [$1] -> $got"; else echo "FAIL [$1]: got '$got', want '$2'"; fail=1; fi
}
expect_has() {
    local got; got=" $(complete_line "$1") "
    local w
    for w in $2; do
        [[ $got == *" $w "* ]] || { echo "FAIL [$1]: missing $w in$got"; fail=1; return; }
    done
    echo "ok   [$1] has $2"
}
expect "iscsiadm " "--help --mode --version -V -h -m"
expect "iscsiadm -m " "discovery discoverydb fw host iface node session"
expect "iscsiadm -m no" "node"
expect "iscsiadm --mode=disc" "discovery discoverydb"
expect "iscsiadm --mode=" "discovery discoverydb fw host iface node session"
expect "iscsiadm -m node -o " "delete new show update"
expect "iscsiadm -m discovery -o " "delete new nonpersistent update"
expect "iscsiadm -m discovery -t " "fw isns sendtargets st"
expect "iscsiadm -m fw -" "--debug --format --help --login --name --no_wait --value -W -d -h -l -n -v"
expect "iscsiadm -m session --s" "--show --sid --stats"
expect "iscsiadm -m node -T " "iqn.2001-04.com.example:disk1 iqn.2001-04.com.example:disk2"
expect "iscsiadm -m node -T iqn.2001-04.com.example:d" "disk1 disk2"
expect "iscsiadm -m node -T iqn.2001-04.com.example:disk2" "disk2"
expect "iscsiadm -m node --targetname=iqn.2001-04.com.example:disk1" "disk1"
expect "iscsiadm -m node -T iqn.2001-04.com.example:disk1 -p " "192.0.2.10:3260,1 [2001:db8::1]:3260,1"
expect "iscsiadm -m node -p 192.0.2.1" "192.0.2.10:3260,1 192.0.2.11:3260,1"
expect "iscsiadm -m node -p 192.0.2.10:" "3260,1"
expect "iscsiadm -m discoverydb -t st -p " "192.0.2.10:3260"
expect "iscsiadm -m iface -I " "default eth1 iser"
expect "iscsiadm -m node -o update -n node.sta" "node.startup"
expect "iscsiadm -m node -o update -n node.startup -v " "automatic manual onboot"
expect "iscsiadm -m node -o update -n node.conn[0].iscsi.HeaderDigest -v " "CRC32C CRC32C,None None None,CRC32C"
expect "iscsiadm -m node -o update -n node.conn[0].st" "node.conn[0].startup"
expect "iscsiadm -m node -o update -n node.conn" "$(printf '%s\n' node.conn{'[0]'.startup,'[0]'.tcp.window_size,'[0]'.tcp.type_of_service,'[0]'.timeo.{logout_timeout,login_timeout,auth_timeout,noop_out_interval,noop_out_timeout},'[0]'.iscsi.{MaxXmitDataSegmentLength,MaxRecvDataSegmentLength,HeaderDigest,DataDigest,IFMarker,OFMarker}} | sort | tr '\n' ' ' | sed 's/ $//')"
expect "iscsiadm -m node -o update -n node.name" ""
expect "iscsiadm -m node -o update --name=node.session.sc" "node.session.scan"
expect "iscsiadm -m node -o update --name node.session.scan --value=" "auto manual"
expect "iscsiadm -m iface -I eth1 -o update -n iface.net_if" "iface.net_ifacename"
expect "iscsiadm -m iface -I eth1 -o update -n iface.iscsi" ""
expect "iscsiadm -m node -o update -n iface.iscsi" "iface.iscsi_ifacename"
expect "iscsiadm -m discoverydb -t isns -p x -o update -n " "discovery.isns.discoveryd_poll_inval discovery.isns.use_discoveryd discovery.startup"
expect_has "iscsiadm -m discoverydb -t st -p x -o update -n discovery.sendtargets.auth." "discovery.sendtargets.auth.authmethod discovery.sendtargets.auth.password_in"
expect "iscsiadm -m discoverydb -t st -p x -o update -n discovery.sendtargets.auth.authmethod -v " "CHAP None"
expect "iscsiadm -m node -L " "all automatic manual onboot"
expect "iscsiadm -m session -P " "0 1 2 3"
expect "iscsiadm -m node -P " "0 1"
expect "iscsiadm -m host -C " "chap flashnode stats"
expect "iscsiadm --format " "json text"
expect "iscsiadm -m node --format=j" "json"
expect_has "iscsiadm -m node -" "-T --targetname -p -I -o -n -v -P -L -U -l -u -R -s -S -W -d --format"
exit $fail
