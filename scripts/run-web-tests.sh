#!/usr/bin/env bash
# Runs the web UI's suites: Vitest unit and component tests, then the
# Playwright end-to-end suites in web/e2e, which drive Debian's Chromium
# against a real `tally serve` (TALLY_BINARY) on 127.0.0.1 with a fresh
# SQLite data directory. Expects web/node_modules and web/dist (make build).
#
# Usage: TALLY_BINARY=build/tally scripts/run-web-tests.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
: "${TALLY_BINARY:=$root/build/tally}"
export TALLY_BINARY="$(cd "$(dirname "$TALLY_BINARY")" && pwd)/$(basename "$TALLY_BINARY")"
if [[ ! -x "$TALLY_BINARY" ]]; then
  echo "run-web-tests: TALLY_BINARY=$TALLY_BINARY is not an executable; build tally first" >&2
  exit 2
fi
if [[ ! -x /usr/bin/chromium ]]; then
  echo "run-web-tests: /usr/bin/chromium is missing; run scripts/install-deps.sh" >&2
  exit 2
fi

cd "$root/web"
echo "run-web-tests: vitest"
npx vitest run
echo "run-web-tests: browser suites"
node --test e2e/
