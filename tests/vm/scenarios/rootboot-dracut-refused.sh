# vm: rootboot config=dracut cmdline=netroot chap=chap expect=panic
# A dracut boot whose login cannot succeed does not hang: netroot= names a
# target tgtd does not have (with one-way CHAP in rd.iscsi.username= and
# rd.iscsi.password=). Our /sbin/iscsiroot tries again every settled round
# (at most every 3 s); at the initqueue's timeout (2/3 of rd.retry=30) it
# gives up through dracut's die with "iSCSI: the root's target is not
# logged in: login to IQN-unknown at 10.0.2.2 port 3260 failed: ...", and
# dracut halts the machine (rd.shell=0). No secret reaches the console but
# in the kernel's echo of its command line; the root is untouched
# (tests/vm/rootboot). Nothing here runs: the root is never mounted.
exit 1
