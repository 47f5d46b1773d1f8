#!/usr/bin/env bash
# Debian's Chromium for the browser tests (playwright-core drives it; nothing is downloaded from
# npm). Does nothing when it is already there; set CHROMIUM_PATH to use another build.
set -euo pipefail
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && exit 0
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
$as_root apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium >/dev/null
