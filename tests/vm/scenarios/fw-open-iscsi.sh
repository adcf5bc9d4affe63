# vm: sanboot chap=mutual firmware=bios
# Debian's open-iscsi 2.1.8 in firmware mode, in a guest QEMU's iPXE
# SAN-booted (tests/vm/sanboot): iPXE logged in to tgtd on the host side
# with mutual CHAP and left an iBFT. Every open-iscsi command's output and
# exit status is printed between capture markers; the golden files in
# tests/fixtures/open-iscsi/fw/ are cut from them (tests/vm/cut-captures).
# Checked on the way: the kernel's iBFT names the boot target, iscsistart -N
# brings up the NIC it describes, iscsistart -b and iscsiadm -m fw -l each
# log in with the iBFT's initiator name and CHAP to a disk holding the LUN's
# marker, and once the target has other secrets (host_request) both fail.
. /vm/lib.sh
OI=/opt/open-iscsi/sbin

ibft_up
capture ibft-tree ibft_tree
t=/sys/firmware/ibft/target0
[ "$(cat $t/target-name)" = "$SANBOOT_IQN" ] || fail "iBFT target-name is $(cat $t/target-name)"
[ "$(cat $t/ip-addr)" = "$SANBOOT_HOST" ] || fail "iBFT target ip-addr is $(cat $t/ip-addr)"
[ "$(cat $t/port)" = 3260 ] || fail "iBFT target port is $(cat $t/port)"
[ "$(cat $t/chap-name)" = vminit ] || fail "iBFT chap-name is $(cat $t/chap-name)"
[ "$(cat $t/rev-chap-name)" = vmtarget ] || fail "iBFT rev-chap-name is $(cat $t/rev-chap-name)"
[ "$(cat /sys/firmware/ibft/initiator/initiator-name)" = "$SANBOOT_INITIATOR" ] ||
    fail "iBFT initiator-name is $(cat /sys/firmware/ibft/initiator/initiator-name)"

# Another name in initiatorname.iscsi: a login from the firmware must use
# the iBFT's.
echo "InitiatorName=iqn.2024-01.org.vmtest:not-the-ibft-one" > /etc/iscsi/initiatorname.iscsi
cp /vm/iscsid.conf /etc/iscsi/iscsid.conf
mkdir -p /run/lock/iscsi /var/lib/iscsi

iscsid_oi_start() {
    setsid $OI/iscsid -f >> /tmp/oi.log 2>&1 &
    oi_pid=$!
    sleep 1
}
wait_for_log() {  # TEXT: polls open-iscsi's iscsid log for TEXT
    _left=$(( ${WAIT_S:-30} * 10 ))
    until grep -q "$1" /tmp/oi.log; do
        _left=$((_left - 1)); [ "$_left" -gt 0 ] || return 1
        sleep 0.1
    done
}
iscsid_oi_stop() {
    kill "$oi_pid"
    wait "$oi_pid" 2> /dev/null || true
}

# Reading the firmware: no daemon, no network.
capture iscsiadm-m-fw $OI/iscsiadm -m fw
expect_rc 0 "iscsiadm -m fw"
grep -qx "node.name = $SANBOOT_IQN" /tmp/capture/iscsiadm-m-fw || fail "iscsiadm -m fw: no node.name"
capture iscsiadm-m-fw-P1 $OI/iscsiadm -m fw -P 1
capture iscsistart-f $OI/iscsistart -f
expect_rc 0 "iscsistart -f"

# The NIC, as the iBFT describes it.
capture iscsistart-N $OI/iscsistart -N
expect_rc 0 "iscsistart -N"
capture ip-addr-after-N ip addr
capture ip-route-after-N ip route
grep -q "inet 10.0.2.15/24 " /tmp/capture/ip-addr-after-N || fail "iscsistart -N did not set 10.0.2.15/24"

# Login from the iBFT the way an initramfs does it: iscsistart, no iscsid.
capture iscsistart-b $OI/iscsistart -b
expect_rc 0 "iscsistart -b"
the_session
check_login "$sid"
capture ls-dev-sd-after-b sh -c 'ls /dev/sd*'
# Then iscsid starts, as it would from the root file system, and the
# session is logged out through it.
iscsid_oi_start
capture session-after-b $OI/iscsiadm -m session
# iscsid takes the session over by reconnecting it; a logout before that
# is done gets 32 (not connected).
WAIT_S=60 wait_for_log "operational after recovery" || { cat /tmp/oi.log; fail "iscsid did not take the session over"; }
capture session-u-after-b $OI/iscsiadm -m session -r "$sid" -u
expect_rc 0 "iscsiadm -m session -r $sid -u"
no_session

# Discovery from the firmware: the node record it writes.
capture discovery-t-fw $OI/iscsiadm -m discovery -t fw
expect_rc 0 "iscsiadm -m discovery -t fw"
capture node $OI/iscsiadm -m node
capture node-record $OI/iscsiadm -m node -T "$SANBOOT_IQN"
expect_rc 0 "iscsiadm -m node -T $SANBOOT_IQN"
# That record has the iBFT's CHAP names and secrets but authmethod None:
# what a login from it does (no check: the capture shows it).
capture node-l $OI/iscsiadm -m node -T "$SANBOOT_IQN" -l
if [ -n "$(ls /sys/class/iscsi_session)" ]; then
    the_session
    check_login "$sid"
    capture session-u-after-node-l $OI/iscsiadm -m session -r "$sid" -u
    no_session
fi

# Login from the firmware through iscsid.
capture fw-l $OI/iscsiadm -m fw -l
expect_rc 0 "iscsiadm -m fw -l"
the_session
check_login "$sid"
capture session-after-fw-l $OI/iscsiadm -m session
capture fw-l-again $OI/iscsiadm -m fw -l
capture session-u-after-fw-l $OI/iscsiadm -m session -r "$sid" -u
expect_rc 0 "iscsiadm -m session -r $sid -u"
no_session

# The target stops accepting the iBFT's secrets (changed on the host side,
# after iPXE's login): every login from the firmware must fail. (iscsiadm
# -m fw -l says so, but exits 0 all the same: its goldens keep that.)
host_request chap-wrong-in
capture fw-l-chap-wrong-in $OI/iscsiadm -m fw -l
login_refused "iscsiadm -m fw -l, target refusing the initiator's secret"
host_request chap-restore
host_request chap-wrong-out
capture fw-l-chap-wrong-out $OI/iscsiadm -m fw -l
login_refused "iscsiadm -m fw -l, target failing mutual CHAP"
iscsid_oi_stop
capture iscsistart-b-chap-wrong-out $OI/iscsistart -b
login_refused "iscsistart -b, target failing mutual CHAP"
host_request chap-restore
host_request chap-wrong-in
capture iscsistart-b-chap-wrong-in $OI/iscsistart -b
login_refused "iscsistart -b, target refusing the initiator's secret"
host_request chap-restore

echo "--- open-iscsi's iscsid log"
cat /tmp/oi.log
echo "--- dmesg (iSCSI, iBFT)"
dmesg | grep -i -e iscsi -e ibft -e ' sd ' -e connection || true
