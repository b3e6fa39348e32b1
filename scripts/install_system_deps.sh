#!/usr/bin/env bash
# System packages the test suite needs, from Debian (never downloaded another way):
# - chromium for the real-browser tests (Playwright drives /usr/bin/chromium; `playwright install` is never used);
# - postgresql (15 on bookworm) for the store's tests against a real server (tests/db/pg.py starts a throwaway
#   one from /usr/lib/postgresql/*/bin; those tests skip, saying why, where the binaries are missing).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "${missing[*]} missing and this user cannot install it: run 'apt-get install -y ${missing[*]}' as root" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
[ -x /usr/bin/chromium ] && /usr/bin/chromium --version
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null && ls -d /usr/lib/postgresql/*/bin
