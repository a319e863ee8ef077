#!/usr/bin/env bash
# Lighthouse scores of the home and search pages (mobile profile, simulated throttling), measured against a real
# `linli serve` with Debian's chromium. Slow (~1 min) and machine-dependent, so not part of `make test`:
#
#   scripts/lighthouse.sh          prints the four scores per page; full reports in build/lighthouse/*.json
#
# Installs the pinned lighthouse of tests/lighthouse/ on first use (npm ci); builds linli if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/linli ] || make all
if [ ! -d tests/lighthouse/node_modules/lighthouse ]; then
  (cd tests/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
fi
LINLI_BIN="$PWD/build/linli" node tests/lighthouse/run.mjs
