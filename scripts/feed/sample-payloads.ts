/**
 * The few real files the sample feed ships in config/sample-feed/payloads/, so that the
 * quick start can download content and verify its sha256 and size with no internet.
 * They only read and print; none changes the machine it runs on.
 */

export interface SamplePayload {
  /** File name under payloads/; the feed refers to it as `payloads/<name>`. */
  name: string;
  content: string;
  executable: boolean;
}

export const SAMPLE_PAYLOADS: readonly SamplePayload[] = [
  {
    name: 'collect-diagnostics.sh',
    executable: true,
    content: `#!/bin/sh
# Patchgate sample payload: "Patchgate Sample Diagnostics Collector 1.0 for Linux".
# Copies basic system facts into a new temporary directory. Changes nothing else.
set -eu
out="\${TMPDIR:-/tmp}/patchgate-diagnostics-$(date +%Y%m%d%H%M%S)"
mkdir -p "$out"
uname -a > "$out/uname.txt"
[ -r /etc/os-release ] && cp /etc/os-release "$out/os-release.txt"
df -h > "$out/disk.txt" 2>/dev/null || true
uptime > "$out/uptime.txt" 2>/dev/null || true
echo "patchgate sample diagnostics written to $out"
`,
  },
  {
    name: 'collect-diagnostics.README.txt',
    executable: false,
    content: `Patchgate Sample Diagnostics Collector 1.0 for Linux
====================================================

collect-diagnostics.sh copies uname, /etc/os-release, disk usage and uptime into
a new directory under $TMPDIR (or /tmp) and prints its path. It needs no root
rights and changes nothing else on the machine.

This file was added in revision 2 of the update.
`,
  },
  {
    name: 'harden-openssl.sh',
    executable: true,
    content: `#!/bin/sh
# Patchgate sample payload: "Patchgate Sample OpenSSL Configuration Check" (Ubuntu 22.04 and 24.04).
# Reports the OpenSSL version and the minimum TLS protocol in use. Read-only.
set -eu
conf=/etc/ssl/openssl.cnf
echo "openssl: $(openssl version 2>/dev/null || echo 'not installed')"
if [ -r "$conf" ] && grep -Eq '^[[:space:]]*MinProtocol[[:space:]]*=' "$conf"; then
  echo "MinProtocol: $(grep -E '^[[:space:]]*MinProtocol' "$conf" | head -n 1 | sed 's/.*=[[:space:]]*//')"
else
  echo "MinProtocol: not set (recommended: TLSv1.2 in the [system_default_sect] section of $conf)"
fi
`,
  },
  {
    name: 'refresh-profile.sh',
    executable: true,
    content: `#!/bin/sh
# Patchgate sample payload: "Patchgate Sample Configuration Profile Refresh for macOS".
# Prints the macOS version and the MDM enrollment status. Read-only.
set -eu
sw_vers 2>/dev/null || uname -sr
if command -v profiles >/dev/null 2>&1; then
  profiles status -type enrollment 2>/dev/null || echo "enrollment status unavailable"
else
  echo "profiles tool not found: not a macOS machine"
fi
`,
  },
  {
    name: 'Get-EventLogRetention.ps1',
    executable: false,
    content: `# Patchgate sample payload: "Patchgate Sample Event Log Retention Check for Windows".
# Lists the size and retention of the main event logs and flags small ones. Read-only.
$minimumBytes = 64MB
foreach ($name in 'Application', 'System', 'Security') {
    $log = Get-WinEvent -ListLog $name -ErrorAction SilentlyContinue
    if ($null -eq $log) { Write-Output ($name + ': not readable'); continue }
    $flag = if ($log.MaximumSizeInBytes -lt $minimumBytes) { ' (below the recommended 64 MB)' } else { '' }
    Write-Output ("{0}: {1:N0} bytes, mode {2}{3}" -f $name, $log.MaximumSizeInBytes, $log.LogMode, $flag)
}
`,
  },
];
