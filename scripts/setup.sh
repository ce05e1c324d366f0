#!/bin/sh
# Prepares a fresh machine for `pnpm demo` and `pnpm test`: Debian's Chromium for the browser tests and
# redis-server for the Redis token cache's tests (both from apt),
# pnpm through corepack (the version pinned in package.json), and the locked dependencies.
# Safe to run any number of times: every step checks first and does only what is missing.
set -eu
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "setup: '$*' needs root; run it yourself, then run this script again" >&2
    exit 1
  fi
}

missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
# The Redis token cache is tested against a real redis-server (the test starts its own on a free port).
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
if [ -n "$missing" ]; then
  echo "setup: installing$missing from apt"
  as_root apt-get update -qq
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: enabling pnpm through corepack"
  # The registry mirror strips package signatures, which corepack checks by default.
  export COREPACK_INTEGRITY_KEYS=0
  if ! corepack enable pnpm 2>/dev/null; then
    as_root env COREPACK_INTEGRITY_KEYS=0 corepack enable pnpm
  fi
fi
export COREPACK_INTEGRITY_KEYS=0
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0

pnpm install --frozen-lockfile --prefer-offline
echo "setup: ready (pnpm $(pnpm --version), $(/usr/bin/chromium --version 2>/dev/null | head -n 1))"
