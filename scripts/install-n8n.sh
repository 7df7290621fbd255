#!/usr/bin/env bash
# Installs Node 24 and n8n (pinned) into a cache folder outside the repo, once.
# Prints nothing but progress on stderr; reuses a complete install.
# Cache: $OPTIMOVE_N8N_CACHE or ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-optimove
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
CACHE="${OPTIMOVE_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-optimove}"
NODE_DIR="$CACHE/node24"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
log() { printf '[install-n8n] %s\n' "$*" >&2; }
# Runs a command with a line on stderr every 15 s (elapsed time), so a long install is not silence.
with_heartbeat() {
  local label="$1" started=$SECONDS; shift
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
      sleep 1
      kill -0 "$pid" 2>/dev/null || break
    done
    kill -0 "$pid" 2>/dev/null && log "$label: still running, $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s elapsed"
  done
  wait "$pid"
}

# One install at a time per cache (npm test and npm start may both ask on a cold cache).
mkdir -p "$CACHE"
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.install.lock"
  if ! flock -n 9; then
    log "another install is running; waiting for it"
    with_heartbeat "waiting for the other install" flock 9
  fi
fi

# Node 24: the host's own when it is 24+, else the registry's build for this platform (scripts/lib/node24.mjs).
read -r KIND NODE24_PKG NODE24_REL <<<"$(node "$(dirname "$0")/lib/node24.mjs")"
if [ "$KIND" = host ]; then
  NODE24_BIN="$NODE24_PKG"
else
  if [ ! -x "$NODE_DIR/node_modules/$NODE24_PKG/$NODE24_REL" ]; then
    log "installing Node 24 ($NODE24_PKG) into $NODE_DIR"
    rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && with_heartbeat "installing Node 24" npm i --no-audit --no-fund --loglevel=error "$NODE24_PKG@24" >&2)
  fi
  NODE24_BIN="$(dirname "$NODE_DIR/node_modules/$NODE24_PKG/$NODE24_REL")"
  export npm_config_nodedir="$NODE_DIR/node_modules/$NODE24_PKG"
fi
export PATH="$NODE24_BIN:$PATH"

if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (cold: 5 to 10 minutes; a line every 15 s)"
  rm -rf "$N8N_DIR"; mkdir -p "$N8N_DIR"
  cd "$N8N_DIR"
  # linkedom 0.18.15 needs a package missing from the registry; the Kafka client's install
  # script downloads sources, hence --ignore-scripts and a rebuild of the one native addon used.
  echo '{"name":"n8n-runtime","private":true,"overrides":{"linkedom":"0.18.14"}}' > package.json
  with_heartbeat "npm install n8n@$N8N_VERSION" npm i --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" >&2
  with_heartbeat "npm rebuild sqlite3" npm rebuild sqlite3 >&2
  touch .complete
fi
echo "NODE24_BIN=$NODE24_BIN"
echo "N8N_DIR=$N8N_DIR"
