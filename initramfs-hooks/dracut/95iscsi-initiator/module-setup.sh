#!/bin/bash
# shellcheck disable=SC2154 # moddir, hostonly, systemdutildir...: dracut's
# dracut module iscsi-initiator: a root file system on iSCSI, logged in
# with this project's iscsistart. It takes the kernel command line of
# dracut's own iscsi module (95iscsi, from open-iscsi's tools), which it
# replaces: install one of the two (dracut.conf.d/iscsi-initiator.conf
# omits dracut's). What each script does: initramfs-hooks/README.md.
#   parse-iscsi-initiator.sh  cmdline hook: reads netroot=/root=iscsi:,
#                             rd.iscsi.*; queues the logins
#   iscsi-initiator-root.sh   /sbin/iscsiroot: the logins (the network
#                             modules call it as the netroot handler too)
#   iscsi-initiator-generator.sh  systemd generator: sysroot.mount for
#                             root=iscsi:
# Build settings, from dracut's environment or a dracut.conf.d file:
#   iscsi_initiator_iscsistart  the iscsistart to copy (default: the first
#                               of /usr/local/sbin, /usr/sbin and /sbin)
#   iscsi_initiator_iname       the iscsi-iname to copy (default: the one
#                               on PATH), which names the initiator when
#                               nothing else does

# called by dracut
check() {
    [ -x "$(iscsistart_binary)" ] || return 1
    # A host-only image needs it when this machine's root is on iSCSI: it
    # has a session now, or the firmware booted it from a target.
    if [[ $hostonly ]]; then
        [[ -d /sys/firmware/ibft ]] && return 0
        compgen -G '/sys/class/iscsi_session/session*' > /dev/null && return 0
        return 255
    fi
    return 0
}

# called by dracut
depends() {
    # network: DHCP and ip= for logins by hand; rootfs-block: the root
    # from the LUN root=iscsi: names (/dev/root).
    echo network rootfs-block
    return 0
}

iscsistart_binary() {
    local b
    if [[ -n ${iscsi_initiator_iscsistart-} ]]; then
        echo "$iscsi_initiator_iscsistart"
        return
    fi
    for b in /usr/local/sbin/iscsistart /usr/sbin/iscsistart /sbin/iscsistart; do
        [[ -x $b ]] && break
    done
    echo "$b"
}

# called by dracut
installkernel() {
    # The data path (iscsi_tcp brings libiscsi, libiscsi_tcp and
    # scsi_transport_iscsi), the firmware table, VLANs it may name, the
    # disk driver and both crc32c implementations (digests).
    instmods iscsi_tcp iscsi_ibft iscsi_boot_sysfs 8021q sd_mod crc32c_generic crc32c-intel
}

# called by dracut
install() {
    # /sbin, where scripts look for open-iscsi's iscsistart.
    inst_binary "$(iscsistart_binary)" /sbin/iscsistart
    if [[ -n ${iscsi_initiator_iname-} ]]; then
        inst_binary "$iscsi_initiator_iname" /sbin/iscsi-iname
    else
        inst_multiple -o iscsi-iname
    fi
    inst_multiple ip sed awk
    inst_simple "$moddir/iscsi-initiator-lib.sh" /lib/iscsi-initiator-lib.sh
    inst_script "$moddir/iscsi-initiator-root.sh" /sbin/iscsiroot
    # 90: dracut's network module sources cmdline/90*.sh again when a
    # DHCP root path arrives (root=dhcp), with netroot set to it.
    inst_hook cmdline 90 "$moddir/parse-iscsi-initiator.sh"
    if dracut_module_included systemd; then
        inst_script "$moddir/iscsi-initiator-generator.sh" \
            "$systemdutildir/system-generators/dracut-iscsi-initiator-generator"
    fi
    # The initiator name for logins by hand, after the command line's and
    # the firmware's. It and iscsid.conf may hold secrets: dracut's images
    # are 0600.
    local f
    for f in /etc/iscsi/initiatorname.iscsi /etc/iscsi/iscsid.conf; do
        [[ -r $dracutsysrootdir$f ]] && inst_simple "$f"
    done
    dracut_need_initqueue
}
