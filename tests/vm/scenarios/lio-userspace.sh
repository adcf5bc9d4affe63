# Our initiator in user space against LIO, the kernel's target: discovery
# into a node database, then login, write, read back, verify and logout.
. /vm/lib.sh
IQN=iqn.2026-12.org.example.vm:lio
lio_target "$IQN" /tmp/lio0.img 64

echo "InitiatorName=iqn.2026-12.org.example.vm:initiator" > /etc/iscsi/initiatorname.iscsi
run iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260
out=$(iscsiadm -m node)
echo "$out"
[ "$out" = "127.0.0.1:3260,1 $IQN" ] || fail "node list: $out"

run iscsi-demo --portal 127.0.0.1:3260 --target "$IQN" --lun 0 --blocks 2048
run iscsi-demo --portal 127.0.0.1:3260 --target "$IQN" --lun 0 --blocks 2048 --digests
