#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster for the test suites.
#
# Usage: scripts/start-postgres.sh DIR
# Creates DIR, initializes a cluster in it owned by the postgres user, starts
# it on 127.0.0.1 at a free port, and prints the connection URL on stdout.
# Stop it with scripts/stop-postgres.sh DIR. Must run as root (as CI does) or
# as a user who can run initdb directly.
set -euo pipefail

dir=${1:?usage: start-postgres.sh DIR}
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "start-postgres: $bin/initdb is missing; run scripts/install-deps.sh" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
  install -d -o postgres -g postgres -m 700 "$dir"
  as_postgres=(runuser -u postgres --)
else
  install -d -m 700 "$dir"
fi

"${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }

# fsync off and a small shared_buffers: test data is thrown away, speed matters.
"${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null

echo "postgresql://postgres@127.0.0.1:$port/postgres"
