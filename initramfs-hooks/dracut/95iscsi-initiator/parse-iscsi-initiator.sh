#!/bin/sh
# dracut cmdline hook (sourced by dracut's shell) of the iscsi-initiator
# module: decides from the kernel command line whether the root is on
# iSCSI and queues the logins /sbin/iscsiroot makes.
#   rd.iscsi.firmware[=1] (iscsi_firmware), netroot=iscsi:, netroot=iscsi:ibft
#       log in to every target of the firmware's table (iBFT)
#   rd.iscsi.ibft[=1], ip=ibft
#       configure the network from that table (NIC, VLAN, address, routes)
#   root=iscsi:ARGS        log in to ARGS' target, mount its LUN as the root
#   netroot=iscsi:ARGS     log in to ARGS' target (several: each); root= is
#                          some other device (a partition, UUID=, LVM)
# ARGS: [USER:SECRET[:IN_USER:IN_SECRET]@]SERVER:[6]:[PORT][:[IFACE]:[NETDEV]]:[LUN]:TARGETNAME
# (initramfs-hooks/README.md). A malformed ARGS ends the boot here with
# the reason, its secrets masked. The network module calls this again with
# netroot set when DHCP's root path names the target (root=dhcp).

# shellcheck disable=SC2154 # netroot, hookdir, NEWROOT: dracut's
# shellcheck disable=SC1091 # the initramfs's (module-setup.sh)
type parse_root_iscsi > /dev/null 2>&1 || . /lib/iscsi-initiator-lib.sh

[ -z "$root" ] && root=$(getarg root=)

# Every iscsi: word: the root's first, then netroot='s (or the one DHCP
# gave), one per line; "firmware" for an empty one and netroot=iscsi:ibft.
# shellcheck disable=SC2046 # getargs' words, split as dracut's are
ii_roots=$(iscsi_words "$root" "$netroot" $(getargs netroot=))

ii_firmware=
getargbool 0 rd.iscsi.firmware -d -y iscsi_firmware && ii_firmware=1
ii_args=
for ii_r in $ii_roots; do
    case "$ii_r" in
        ibft | firmware) ii_firmware=1 ;;
        *)
            parse_root_iscsi "$ii_r" ||
                die "iSCSI: root=iscsi:$(mask_root_iscsi "$ii_r"): $RI_ERROR"
            ii_args=1
            ;;
    esac
done

if [ -n "$ii_firmware" ] || [ -n "$ii_args" ]; then
    modprobe -q iscsi_tcp || die "iSCSI: the kernel has no iscsi_tcp module"
    # iscsi_ibft makes /sys/firmware/ibft: one of iscsistart's sources,
    # and the initiator name a login by hand takes when the command line
    # gives none.
    modprobe -q iscsi_ibft || :
    [ -n "$ii_firmware" ] && echo firmware > /tmp/iscsi-initiator.firmware
    # Each settled round of the initqueue runs /sbin/iscsiroot until every
    # login is made; it reads the command line itself (no secret in the
    # queue's files). The network modules call it too, as netroot's handler.
    initqueue --settled --unique --name iscsi-initiator /sbin/iscsiroot settled "" "$NEWROOT"
    initqueue --timeout --onetime --unique --name iscsi-initiator-timeout /sbin/iscsiroot timeout "" "$NEWROOT"
    # Done: every login made and, for root=iscsi:, its LUN linked as
    # /dev/root (with systemd, sysroot.mount waits for that link; it comes
    # from iscsi-initiator-generator.sh).
    case "$root" in
        iscsi:*) echo '[ -e /tmp/iscsi-initiator.done ] && [ -e /dev/root ]' ;;
        *) echo '[ -e /tmp/iscsi-initiator.done ]' ;;
    esac > "$hookdir/initqueue/finished/iscsi-initiator.sh"
    # DHCP is wanted for a login by hand unless ip= says otherwise
    # (network-legacy, network-manager); the firmware's NIC needs no help.
    [ -n "$ii_args" ] && echo "rd.neednet=1" > /etc/cmdline.d/95iscsi-initiator.conf
fi

case "$root" in
    iscsi:*)
        # The root is the LUN root=iscsi: names, exactly: udev links it as
        # /dev/root once its by-path link (ip-ADDRESS:PORT-iscsi-TARGET-lun-N)
        # exists. (Written before udevd starts: this hook runs first.)
        # dracut mounts root=/dev/root like any block device; with systemd,
        # iscsi-initiator-generator.sh made sysroot.mount for it.
        # root=iscsi: and root=iscsi:ibft: the firmware's target, whose
        # LUN is not known yet: the first iSCSI disk.
        ii_link='disk/by-path/ip-*-iscsi-*-lun-*'
        case "${root#iscsi:}" in
            "" | ibft | firmware) ;;
            *)
                parse_root_iscsi "${root#iscsi:}"
                ii_link="disk/by-path/ip-*:$RI_PORT-iscsi-$RI_TARGET-lun-$RI_LUN"
                ;;
        esac
        printf 'SUBSYSTEM=="block", ENV{DEVTYPE}=="disk", SYMLINK=="%s", SYMLINK+="root"\n' \
            "$ii_link" > /etc/udev/rules.d/99-iscsi-initiator-root.rules
        root=/dev/root
        # shellcheck disable=SC2034 # dracut's: it knows how to mount root
        rootok=1
        ;;
esac
unset -f ii_add
unset ii_roots ii_r ii_n ii_args ii_firmware ii_link
