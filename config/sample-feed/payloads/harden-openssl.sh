#!/bin/sh
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
