#!/usr/bin/env bash
# Make sure Debian's chromium is at /usr/bin/chromium (the catalog's end-to-end test drives it
# with playwright-core). Installs it with apt-get when missing: needs root (or sudo) and the
# Debian archive. Idempotent and quick when chromium is already there.
set -euo pipefail
BIN=${CHROMIUM_BIN:-/usr/bin/chromium}
if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "ensure-chromium: $BIN is missing and this is not root: install Debian's chromium (apt-get install -y chromium)" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt/dpkg run (up to 10 min) rather than failing on its lock.
APT=($SUDO apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 -y -q)
if ! "${APT[@]}" install --no-install-recommends chromium >/dev/null 2>&1; then
  "${APT[@]}" update >/dev/null
  "${APT[@]}" install --no-install-recommends chromium >/dev/null
fi
"$BIN" --version >/dev/null
echo "ensure-chromium: $("$BIN" --version)"
