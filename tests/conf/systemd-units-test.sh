#!/bin/bash
# Usage: systemd-units-test.sh CONF_SYSTEMD_DIR TOOLS_BINARY_DIR
# Fills in the shipped unit templates with the freshly built programs and
# checks them with systemd-analyze verify: every directive known, every
# ExecStart executable. Any message at all is a failure. 77 (skipped) when
# systemd-analyze or a program is missing.
set -u
src=$1 bin=$2
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
units=()
for template in "$src"/*.service.in; do
    name=$(basename "$template" .service.in)   # e.g. iscsi-fuse@
    program=${name%@}
    [ -x "$bin/$program" ] || { echo "$bin/$program is not built"; exit 77; }
    unit="$work/${name}demo.service"
    sed -e "s|@CMAKE_INSTALL_FULL_SBINDIR@|$bin|g" -e "s|@ISCSI_SYSCONFDIR@|$work|g" \
        -e "s|@CMAKE_INSTALL_FULL_DOCDIR@|$work|g" "$template" >"$unit"
    if grep -n '@[A-Z_]*@' "$unit"; then echo "FAIL: $unit has an unfilled placeholder"; exit 1; fi
    units+=("$unit")
done
[ ${#units[@]} -gt 0 ] || { echo "FAIL: no unit templates in $src"; exit 1; }
out=$(systemd-analyze verify --man=no "${units[@]}" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
    echo "FAIL: systemd-analyze verify (rc $rc):"
    echo "$out"
    exit 1
fi
echo "ok: ${units[*]##*/}"
