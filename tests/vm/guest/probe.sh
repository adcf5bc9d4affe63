# Boots and ends at once: tests/vm/run uses it to find out whether KVM can
# run this kernel here (on some hosts /dev/kvm exists but stock kernels hang).
. /vm/lib.sh
log "probe: $(uname -r) is up"
