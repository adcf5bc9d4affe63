# The faults of net-faults-kernel on the user-space data path: iscsid with
# iscsid.data_path = user runs the session in iscsi-fuse, whose LUN is a
# loop device (guest/faults.sh).
. /vm/lib.sh
. /vm/faults.sh
faults_suite user
