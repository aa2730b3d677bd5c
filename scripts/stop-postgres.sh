#!/usr/bin/env bash
# Stop a cluster started by scripts/start-postgres.sh and delete its directory.
set -euo pipefail
dir=${1:?usage: stop-postgres.sh DIR}
bin=/usr/lib/postgresql/15/bin
if [ -d "$dir/data" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  else
    "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
fi
rm -rf "$dir"
