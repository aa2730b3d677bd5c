#!/usr/bin/env bash
# Run every test suite against a freshly started PostgreSQL and SQLite.
#
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 (stopped on exit), points
# the storage tests at it through TALLY_TEST_POSTGRES_URL, runs CTest (unit,
# storage and API suites), then the fuzzers for a bounded time, the npm client
# suites and the web UI's suites (Vitest, and Chromium end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}

pg_dir=$(mktemp -d -u /tmp/tally-test-pg.XXXXXX)
cleanup() { bash scripts/stop-postgres.sh "$pg_dir"; }
trap cleanup EXIT

TALLY_TEST_POSTGRES_URL=$(bash scripts/start-postgres.sh "$pg_dir")
export TALLY_TEST_POSTGRES_URL
echo "run-tests: PostgreSQL for tests at ${TALLY_TEST_POSTGRES_URL}"

if [ ! -d ../shared ]; then
  echo "run-tests: ../shared is missing; suites that read its reference data will skip"
fi

# The storage emulators (s3rver, Azurite) that the storage suites start.
(cd tests/peers && npm ci --no-audit --no-fund --loglevel=error)

# Fuzzers and the npm client suite first, so CTest's summary is the last
# thing printed.
bash scripts/run-fuzzers.sh
TALLY_BINARY="$PWD/$build_dir/tally" bash scripts/run-client-tests.sh
TALLY_BINARY="$PWD/$build_dir/tally" bash scripts/run-web-tests.sh

ctest --test-dir "$build_dir" --output-on-failure -j 2
