#!/usr/bin/env bash
# What the tests drive beyond Python: Debian's chromium (browser tests) and the official Wix
# npm client (API acceptance test), installed only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium (browser tests)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "chromium is missing: install it (apt-get install chromium) to run the browser tests." >&2
    exit 1
  fi
fi

if [ -f tests/sdk/package-lock.json ]; then
  if [ ! -d tests/sdk/node_modules ] || [ tests/sdk/package-lock.json -nt tests/sdk/node_modules ]; then
    echo "Installing the official Wix client (tests/sdk)..."
    (cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error)
    touch tests/sdk/node_modules
  fi
fi
