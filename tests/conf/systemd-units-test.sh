#!/bin/bash
# Usage: systemd-units-test.sh CONF_SYSTEMD_DIR BUILD_DIR
# Fills in every shipped unit template (*.service.in, *.socket.in) with the
# freshly built programs and checks them with systemd-analyze verify: every
# directive known, every ExecStart executable, every unit they name present.
# Any message at all is a failure. 77 (skipped) when systemd-analyze or a
# program is missing.
set -u
src=$1
build=$(cd "$2" && pwd) || exit 1
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sbin" "$work/units"
for program in iscsid/iscsid iscsiadm/iscsiadm tools/iscsi-iname tools/iscsi-fuse tools/iscsi-nbd; do
    [ -x "$build/$program" ] || { echo "$build/$program is not built"; exit 77; }
    ln -s "$build/$program" "$work/sbin/$(basename "$program")"
done
units=()
for template in "$src"/*.service.in "$src"/*.socket.in; do
    name=$(basename "$template" .in)          # e.g. iscsi-fuse@.service
    case "$name" in *@.service) name=${name%@.service}@demo.service ;; esac
    unit="$work/units/$name"
    sed -e "s|@CMAKE_INSTALL_FULL_SBINDIR@|$work/sbin|g" -e "s|@ISCSI_SYSCONFDIR@|$work|g" \
        -e "s|@CMAKE_INSTALL_FULL_DOCDIR@|$work|g" "$template" >"$unit"
    if grep -n '@[A-Z_]*@' "$unit"; then echo "FAIL: $unit has an unfilled placeholder"; exit 1; fi
    units+=("$unit")
done
[ ${#units[@]} -gt 0 ] || { echo "FAIL: no unit templates in $src"; exit 1; }
# Units refer to each other (iscsid.service requires iscsid.socket): let
# systemd find them beside the ones being verified.
out=$(SYSTEMD_UNIT_PATH="$work/units:" systemd-analyze verify --man=no "${units[@]}" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
    echo "FAIL: systemd-analyze verify (rc $rc):"
    echo "$out"
    exit 1
fi
echo "ok: ${units[*]##*/}"
