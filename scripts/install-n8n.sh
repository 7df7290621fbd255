#!/usr/bin/env bash
# Installs n8n (pinned; N8N_VERSION picks another) and the Node it runs on into a cache folder
# outside the repo, once. Prints nothing but progress on stderr, then NODE_BIN= and N8N_DIR=;
# reuses a complete install.
#   n8n 2.x: Node 24 (the host's when 24+, else the registry's build for this platform).
#   n8n 1.x: the host's Node (20.19+); its isolated-vm is never built (run it with
#            N8N_EXPRESSION_ENGINE=legacy), and xlsx is pinned as well as linkedom.
# Cache: $OPTIMOVE_N8N_CACHE or ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-optimove
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
N8N_MAJOR="${N8N_VERSION%%.*}"
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

# One install at a time per cache and thing installed (npm test and npm start may both ask on a
# cold cache); installing one n8n version does not hold up users of another.
mkdir -p "$CACHE"
lock() { # lock <fd> <file>
  command -v flock >/dev/null || return 0
  eval "exec $1>\"\$2\""
  if ! flock -n "$1"; then
    log "another install is running ($2); waiting for it"
    with_heartbeat "waiting for the other install" flock "$1"
  fi
}

if [ "$N8N_MAJOR" -ge 2 ]; then
  # Node 24: the host's own when it is 24+, else the registry's build for this platform (scripts/lib/node24.mjs).
  lock 8 "$CACHE/.install-node24.lock"
  read -r KIND NODE24_PKG NODE24_REL <<<"$(node "$(dirname "$0")/lib/node24.mjs")"
  if [ "$KIND" = host ]; then
    NODE_BIN="$NODE24_PKG"
  else
    if [ ! -x "$NODE_DIR/node_modules/$NODE24_PKG/$NODE24_REL" ]; then
      log "installing Node 24 ($NODE24_PKG) into $NODE_DIR"
      rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
      (cd "$NODE_DIR" && with_heartbeat "installing Node 24" npm i --no-audit --no-fund --loglevel=error "$NODE24_PKG@24" >&2)
    fi
    NODE_BIN="$(dirname "$NODE_DIR/node_modules/$NODE24_PKG/$NODE24_REL")"
    export npm_config_nodedir="$NODE_DIR/node_modules/$NODE24_PKG"
  fi
  exec 8>&-
  # linkedom 0.18.15 needs a package missing from the registry.
  OVERRIDES='{"linkedom":"0.18.14"}'
else
  NODE_BIN="$(dirname "$(command -v node)")"
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    log "n8n $N8N_VERSION needs Node 20.19 or newer; this host has $(node -v)"
    exit 1
  fi
  # xlsx: 1.x names a tarball on cdn.sheetjs.com, which only the npm registry may replace here.
  OVERRIDES='{"linkedom":"0.18.14","xlsx":"0.18.5"}'
fi
export PATH="$NODE_BIN:$PATH"

lock 9 "$CACHE/.install-n8n-$N8N_VERSION.lock"
if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR on Node $(node -v) (cold: 5 to 10 minutes; a line every 15 s)"
  rm -rf "$N8N_DIR"; mkdir -p "$N8N_DIR"
  cd "$N8N_DIR"
  # The Kafka client's install script downloads sources, hence --ignore-scripts and a rebuild of
  # the one native addon used.
  echo "{\"name\":\"n8n-runtime\",\"private\":true,\"overrides\":$OVERRIDES}" > package.json
  # A registry download can stall without end (seen here): stop npm after 30 minutes and try once more.
  if ! with_heartbeat "npm install n8n@$N8N_VERSION" timeout 1800 npm i --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" >&2; then
    log "npm install of n8n@$N8N_VERSION failed or stalled; trying once more"
    with_heartbeat "npm install n8n@$N8N_VERSION (second try)" timeout 1800 npm i --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" >&2
  fi
  with_heartbeat "npm rebuild sqlite3" npm rebuild sqlite3 >&2
  touch .complete
fi
echo "NODE_BIN=$NODE_BIN"
echo "N8N_DIR=$N8N_DIR"
