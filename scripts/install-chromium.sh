#!/usr/bin/env bash
# Makes sure a headless-capable Chromium is on this machine for scripts/screenshots.mjs.
# Uses the distribution's package (Debian/Ubuntu: apt-get install chromium); never downloads a
# browser build. Prints the browser's path on stdout; progress on stderr.
# Override the browser with CHROMIUM=/path/to/chromium.
set -euo pipefail
log() { printf '[install-chromium] %s\n' "$*" >&2; }

find_browser() {
  if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then echo "$CHROMIUM"; return 0; fi
  for name in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  done
  return 1
}

if browser="$(find_browser)"; then
  echo "$browser"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "no Chromium found and no apt-get here: install your distribution's chromium package, or set CHROMIUM=/path/to/chromium"
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    log "no Chromium found; run as root: apt-get install -y chromium"
    exit 1
  fi
fi

log "installing the chromium package with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Another apt run (e.g. unattended upgrades) may hold the lock: wait for it rather than fail.
$SUDO apt-get -o DPkg::Lock::Timeout=600 update >&2
# Debian names the package chromium; Ubuntu's chromium-browser is a snap shim, tried second.
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium >&2 \
  || $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium-browser >&2

if browser="$(find_browser)"; then
  echo "$browser"
else
  log "apt-get finished but no chromium binary is on PATH"
  exit 1
fi
