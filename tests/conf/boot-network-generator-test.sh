#!/bin/sh
# Usage: boot-network-generator-test.sh GENERATOR
# conf/systemd/iscsi-boot-network-generator outside systemd: with the NIC
# file the initramfs leaves, it writes networkd's and NetworkManager's
# files for that NIC (DHCP=ipv4 when the initramfs's net-NIC.conf says
# dhcp, no otherwise); without the file, or with a name that is no
# interface name, it writes nothing and succeeds.
set -u
gen=$1
[ -x "$gen" ] || { echo "no $gen"; exit 1; }
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export ISCSI_GENERATOR_RUN="$t/run" ISCSI_BOOT_NIC_FILE="$t/run/initramfs/open-iscsi.interface"
export ISCSI_GENERATOR_ETC="$t/etc"

# No file: nothing.
mkdir -p "$t/run/initramfs"
"$gen" "$t/n" "$t/e" "$t/l" || fail "exit $? without a NIC file"
[ ! -e "$t/run/systemd" ] || fail "files without a NIC file: $(find "$t/run" -type f)"

# A static NIC (iscsistart -N, no net-NIC.conf, no dynamic address).
echo ens3 > "$ISCSI_BOOT_NIC_FILE"
"$gen" "$t/n" "$t/e" "$t/l" || fail "exit $?"
n="$t/run/systemd/network/05-iscsi-boot-ens3.network"
grep -qx 'Name=ens3' "$n" || fail "$n: no Name=ens3"
grep -qx 'KeepConfiguration=yes' "$n" || fail "$n: no KeepConfiguration=yes"
grep -qx 'DHCP=no' "$n" || fail "$n: not DHCP=no: $(cat "$n")"
m="$t/run/NetworkManager/conf.d/90-iscsi-boot-ens3.conf"
grep -qx 'unmanaged-devices+=interface-name:ens3' "$m" || fail "$m: $(cat "$m")"
# ifupdown: networking.service reads our environment file, which excludes
# the NIC (no /etc/default/networking here).
d="$t/n/networking.service.d/50-iscsi-boot.conf"
grep -qx "EnvironmentFile=-$t/run/iscsi/networking.env" "$d" || fail "$d: $(cat "$d")"
grep -qx 'EXCLUDE_INTERFACES="ens3"' "$t/run/iscsi/networking.env" || fail "networking.env: $(cat "$t/run/iscsi/networking.env")"

# DHCP in the initramfs (ipconfig's file), on a VLAN interface.
echo ens3.42 > "$ISCSI_BOOT_NIC_FILE"
echo "PROTO='dhcp'" > "$t/run/net-ens3.42.conf"
"$gen" "$t/n" "$t/e" "$t/l" || fail "exit $?"
grep -qx 'DHCP=ipv4' "$t/run/systemd/network/05-iscsi-boot-ens3.42.network" || fail "ens3.42: not DHCP=ipv4"
# The admin's EXCLUDE_INTERFACES stays, ours is added.
mkdir -p "$t/etc/default"
printf '# comment\nEXCLUDE_INTERFACES="eth9 wlan*"\n' > "$t/etc/default/networking"
"$gen" "$t/n" "$t/e" "$t/l" || fail "exit $?"
grep -qx 'EXCLUDE_INTERFACES="eth9 wlan\* ens3.42"' "$t/run/iscsi/networking.env" ||
    fail "networking.env with the admin's list: $(cat "$t/run/iscsi/networking.env")"

# Not an interface name: nothing written for it.
rm -rf "$t/run/systemd" "$t/run/NetworkManager"
echo 'ens3/../../x' > "$ISCSI_BOOT_NIC_FILE"
"$gen" "$t/n" "$t/e" "$t/l" || fail "exit $? for a bad name"
[ ! -e "$t/run/systemd" ] || fail "files for a bad name: $(find "$t/run" -type f)"

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "iscsi-boot-network-generator: all cases pass"
