# Network faults under a kernel (iscsi_tcp) session to LIO: a slow, lossy
# and reordering network, a target that stops answering mid-I/O, mid-logout
# and mid-login, link cuts shorter and longer than replacement_timeout and
# a storm of TCP resets (guest/faults.sh). No acknowledged write is lost,
# writes fail with an error (never hang) once replacement_timeout has
# passed, and iscsid's descriptors and memory are flat afterwards.
. /vm/lib.sh
. /vm/faults.sh
faults_suite kernel
