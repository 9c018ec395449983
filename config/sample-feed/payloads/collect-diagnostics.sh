#!/bin/sh
# Patchgate sample payload: "Patchgate Sample Diagnostics Collector 1.0 for Linux".
# Copies basic system facts into a new temporary directory. Changes nothing else.
set -eu
out="${TMPDIR:-/tmp}/patchgate-diagnostics-$(date +%Y%m%d%H%M%S)"
mkdir -p "$out"
uname -a > "$out/uname.txt"
[ -r /etc/os-release ] && cp /etc/os-release "$out/os-release.txt"
df -h > "$out/disk.txt" 2>/dev/null || true
uptime > "$out/uptime.txt" 2>/dev/null || true
echo "patchgate sample diagnostics written to $out"
