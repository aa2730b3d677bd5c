#!/usr/bin/env bash
# Runs the Langfuse npm SDK suites in tests/clients against a real
# `tally serve`: once on SQLite and, when TALLY_TEST_POSTGRES_URL is set,
# once more on a fresh PostgreSQL schema that is dropped afterwards.
#
# Usage: TALLY_BINARY=build/tally scripts/run-client-tests.sh [node --test args]
# Needs node >= 20, npm, and psql for the PostgreSQL run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
: "${TALLY_BINARY:=$root/build/tally}"
export TALLY_BINARY="$(cd "$(dirname "$TALLY_BINARY")" && pwd)/$(basename "$TALLY_BINARY")"
if [[ ! -x "$TALLY_BINARY" ]]; then
  echo "run-client-tests: TALLY_BINARY=$TALLY_BINARY is not an executable; build tally first" >&2
  exit 2
fi

cd "$root/tests/clients"
npm ci --no-audit --no-fund --loglevel=error

echo "run-client-tests: SQLite"
env -u TALLY_TEST_DATABASE_URL node --test "$@"

if [[ -n "${TALLY_TEST_POSTGRES_URL:-}" ]]; then
  schema="client_tests_$(date +%s)_$$"
  psql "$TALLY_TEST_POSTGRES_URL" -v ON_ERROR_STOP=1 -q -c "CREATE SCHEMA $schema"
  trap 'psql "$TALLY_TEST_POSTGRES_URL" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null' EXIT
  separator='?'
  [[ "$TALLY_TEST_POSTGRES_URL" == *\?* ]] && separator='&'
  echo "run-client-tests: PostgreSQL schema $schema"
  TALLY_TEST_DATABASE_URL="${TALLY_TEST_POSTGRES_URL}${separator}options=-csearch_path%3D${schema}" node --test "$@"
fi
