#!/bin/sh
# Patchgate sample payload: "Patchgate Sample Configuration Profile Refresh for macOS".
# Prints the macOS version and the MDM enrollment status. Read-only.
set -eu
sw_vers 2>/dev/null || uname -sr
if command -v profiles >/dev/null 2>&1; then
  profiles status -type enrollment 2>/dev/null || echo "enrollment status unavailable"
else
  echo "profiles tool not found: not a macOS machine"
fi
