# vm: sanboot chap=mutual firmware=bios
# Our firmware mode in a guest QEMU's iPXE SAN-booted with mutual CHAP
# (tests/vm/sanboot), against open-iscsi 2.1.8's outputs of the same boot
# (tests/fixtures/open-iscsi/fw, captured by fw-open-iscsi.sh):
#   - iscsiadm -m fw -S and iscsistart -f -S print open-iscsi's record byte
#     for byte, also before iscsi_ibft is loaded (from ACPI under UEFI, from
#     a scan of low memory under BIOS); without -S the secrets are masked;
#   - iscsistart -N brings up eth0 as open-iscsi's does (same output, same
#     address and route); -b logs in with no daemon, and our iscsid adopts
#     that session and logs it out (the record comes from the iBFT);
#   - -m discovery -t fw writes open-iscsi's record, -m node -l and -m fw -l
#     log in with the iBFT's initiator name and CHAP to the marked disk;
#   - when the target refuses the firmware's secrets, iscsiadm -m fw -l
#     exits 24 or 19 (open-iscsi exits 0) and iscsistart -b exits 1;
#   - iscsistart -i/-t/-g/-a with CHAP and -P logs in by hand;
#   - iscsistart -N with a table naming VLAN 42 makes eth0.42.
. /vm/lib.sh
G=/vm/fixtures/fw

# same_as GOLDEN: the last capture, with its "rc=N" line, is open-iscsi's
# output GOLDEN byte for byte.
same_as() {
    { cat "/tmp/capture/$CAPTURE_NAME"; echo "rc=$CAPTURE_RC"; } > "/tmp/ours.$CAPTURE_NAME"
    cmp -s "$G/$1" "/tmp/ours.$CAPTURE_NAME" || {
        diff "$G/$1" "/tmp/ours.$CAPTURE_NAME" || true
        fail "$CAPTURE_NAME differs from open-iscsi's $1"
    }
    log "$CAPTURE_NAME: as open-iscsi's $1"
}

# Before iscsi_ibft is loaded the table is found where the firmware left
# it: in ACPI (UEFI) or, on a BIOS boot, by scanning low memory (/dev/mem).
modprobe e1000
wait_for -d /sys/class/net/eth0 || fail "no eth0"
[ -e /sys/firmware/ibft ] && fail "iscsi_ibft is loaded already"
capture fw-early iscsiadm -m fw -S
same_as iscsiadm-m-fw.txt
ibft_up
# Another name in initiatorname.iscsi: a login from the firmware must use
# the iBFT's.
echo "InitiatorName=iqn.2024-01.org.vmtest:not-the-ibft-one" > /etc/iscsi/initiatorname.iscsi
cp /vm/iscsid.conf /etc/iscsi/iscsid.conf

# Reading the firmware.
capture fw-S iscsiadm -m fw -S
same_as iscsiadm-m-fw.txt
capture fw iscsiadm -m fw
expect_rc 0 "iscsiadm -m fw"
grep -qx "node.session.auth.password = \*\*\*\*\*\*\*\*" /tmp/capture/fw || fail "iscsiadm -m fw: secret not masked"
grep -q -e initsecret12 -e tgtsecret123 /tmp/capture/fw && fail "iscsiadm -m fw printed a secret without -S"
capture fw-P1 iscsiadm -m fw -P 1
same_as iscsiadm-m-fw-P1.txt
capture start-f iscsistart -f -S
same_as iscsistart-f.txt

# The NIC, as the iBFT describes it.
capture start-N iscsistart -N
same_as iscsistart-N.txt
capture ip-addr ip addr show eth0
grep -q "inet 10.0.2.15/24 " /tmp/capture/ip-addr || fail "iscsistart -N did not set 10.0.2.15/24"
capture ip-route ip route
grep -q "^10.0.2.2 dev eth0" /tmp/capture/ip-route || fail "iscsistart -N: no route to the target"

# Login from the iBFT as an initramfs does it: no daemon.
capture start-b iscsistart -b
expect_rc 0 "iscsistart -b"
grep -qx "iscsistart: Logging into $SANBOOT_IQN $SANBOOT_HOST:3260,1" /tmp/capture/start-b ||
    fail "iscsistart -b: no 'Logging into' line"
the_session
check_login "$sid"
# iscsid starts as it would on the real root, adopts the session and logs
# it out (no record in the database: the iBFT's is used).
iscsid_start
capture session-b iscsiadm -m session
same_as session-after-b.txt
capture session-u-b iscsiadm -m session -r "$sid" -u
same_as session-u-after-b.txt
no_session

# Discovery from the firmware: open-iscsi's record, then a login from it.
capture disc iscsiadm -m discovery -t fw
same_as discovery-t-fw.txt
capture node iscsiadm -m node
same_as node.txt
capture node-record iscsiadm -m node -T "$SANBOOT_IQN"
same_as node-record.txt
capture node-l iscsiadm -m node -T "$SANBOOT_IQN" -l
same_as node-l.txt
the_session
check_login "$sid"
capture session-u-node iscsiadm -m session -r "$sid" -u
expect_rc 0 "iscsiadm -m session -r $sid -u"
no_session
iscsiadm -m node -T "$SANBOOT_IQN" -o delete

# Login from the firmware through iscsid; a second time is no failure.
capture fw-l iscsiadm -m fw -l
same_as fw-l.txt
the_session
check_login "$sid"
capture fw-l-again iscsiadm -m fw -l
same_as fw-l-again.txt
capture session-u-fw iscsiadm -m session -r "$sid" -u
expect_rc 0 "iscsiadm -m session -r $sid -u"
no_session

# The target stops accepting the firmware's secrets: unlike open-iscsi's,
# our iscsiadm -m fw -l says so in its exit status.
host_request chap-wrong-in
capture fw-l-wrong-in iscsiadm -m fw -l
expect_rc 24 "iscsiadm -m fw -l, target refusing the initiator's secret"
grep -q "initiator reported error (24 - iSCSI login failed due to authorization failure)" \
    /tmp/capture/fw-l-wrong-in || fail "iscsiadm -m fw -l: no error 24 reported"
login_refused "iscsiadm -m fw -l, target refusing the initiator's secret"
host_request chap-restore
host_request chap-wrong-out
capture fw-l-wrong-out iscsiadm -m fw -l
expect_rc 19 "iscsiadm -m fw -l, target failing mutual CHAP"
login_refused "iscsiadm -m fw -l, target failing mutual CHAP"
iscsid_stop
capture start-b-wrong-out iscsistart -b
expect_rc 1 "iscsistart -b, target failing mutual CHAP"
login_refused "iscsistart -b, target failing mutual CHAP"
host_request chap-restore
host_request chap-wrong-in
capture start-b-wrong-in iscsistart -b
expect_rc 1 "iscsistart -b, target refusing the initiator's secret"
login_refused "iscsistart -b, target refusing the initiator's secret"
host_request chap-restore

# iscsistart given everything by hand (no firmware), with a setting: a
# kernel session with that replacement timeout, adopted and logged out by
# iscsid.
capture start-manual iscsistart -i "$SANBOOT_INITIATOR" -t "$SANBOOT_IQN" -g 1 -a "$SANBOOT_HOST" \
    -u vminit -w initsecret12 -U vmtarget -W tgtsecret123 -P node.session.timeo.replacement_timeout=33
expect_rc 0 "iscsistart -i -t -g -a"
the_session
check_login "$sid"
[ "$(cat "/sys/class/iscsi_session/session$sid/recovery_tmo")" = 33 ] || fail "-P replacement_timeout not applied"
iscsid_start
capture session-u-manual iscsiadm -m session -r "$sid" -u
expect_rc 0 "iscsiadm -m session -r $sid -u (iscsistart's manual session)"
no_session
iscsid_stop
capture start-no-target iscsistart -i "$SANBOOT_INITIATOR" -g 1 -a "$SANBOOT_HOST"
expect_rc 7 "iscsistart without -t"
grep -qx "iscsistart: TargetName not set. Exiting iscsistart" /tmp/capture/start-no-target || fail "no TargetName message"

# A firmware VLAN (the same boot's table, VLAN 42 written into its NIC):
# an 802.1Q interface on eth0 with the firmware's address. Last, since the
# route to the target now goes through that VLAN, which slirp does not carry.
capture start-N-vlan iscsistart -N --table /vm/fixtures/ibft/ibft-bios-vlan42.bin
expect_rc 0 "iscsistart -N (VLAN 42)"
grep -qx "Setting up software interface eth0" /tmp/capture/start-N-vlan || fail "iscsistart -N: no eth0"
capture vlan-config cat /proc/net/vlan/config
grep -q "^eth0.42 *| 42 *| eth0" /tmp/capture/vlan-config || fail "eth0.42 is not VLAN 42 on eth0"
capture ip-vlan ip addr show eth0.42
grep -q "inet 10.0.2.15/24 " /tmp/capture/ip-vlan || fail "eth0.42 has not the firmware's address"

echo "--- our iscsid's log"
cat /tmp/iscsid.log
grep -q -e initsecret12 -e tgtsecret123 /tmp/iscsid.log && fail "a CHAP secret in iscsid's log"
log "no CHAP secret in iscsid's log"
