#!/usr/bin/env bash
# HTTP throughput of tally as ratios to nginx, measured in the same run with
# the same client (wrk) on loopback:
#   health         GET /api/health                     vs nginx serving a 50-byte file
#   current_user   GET /api/current-user (Token auth)  vs the same nginx figure
#
# Both servers get one IO thread (nginx: worker_processes 1; tally:
# --io-threads 1) and neither writes an access log, so the comparison is of
# request handling, not of logging. wrk runs with one thread and 64
# connections; each figure is the median of RUNS runs of DURATION seconds.
#
# Usage: bench/http_bench.sh [path/to/tally]   (env: DURATION=10 RUNS=3)
set -euo pipefail

tally=${1:-build/tally}
duration=${DURATION:-10}
runs=${RUNS:-3}
token=0123456789abcdef0123456789abcdef0bench001

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "http_bench: $tool is missing; run scripts/install-deps.sh" >&2; exit 1; }
done
[ -x "$tally" ] || { echo "http_bench: $tally is missing; run make build" >&2; exit 1; }

work=$(mktemp -d /tmp/tally-http-bench.XXXXXX)
# nginx workers run as www-data: they must be able to read the file.
chmod 755 "$work"
nginx_pid=""
tally_pid=""
cleanup() {
  [ -n "$tally_pid" ] && kill "$tally_pid" 2>/dev/null && wait "$tally_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- nginx with one worker serving a 50-byte file ----------------------------
nginx_port=$(free_port)
mkdir -p "$work/nginx/html" "$work/nginx/logs"
printf '%050d' 0 > "$work/nginx/html/static.txt"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/html;
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nginx_port/static.txt")" = 200 ] && break
  sleep 0.1
done

# ---- tally with one IO thread --------------------------------------------------
TALLY_INIT_USER_EMAIL=bench@example.com TALLY_INIT_USER_TOKEN=$token \
  "$tally" serve --port 0 --data-dir "$work/tally" --io-threads 1 --no-access-log --log-level warn \
  > "$work/tally.out" 2>&1 &
tally_pid=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$work/tally.out" 2>/dev/null && break
  sleep 0.1
done
tally_port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/tally.out")
[ -n "$tally_port" ] || { cat "$work/tally.out" >&2; exit 1; }
sleep 0.5

# Median requests/s of `runs` wrk runs against a URL (extra args: headers).
measure() {
  local url=$1; shift
  wrk -t1 -c64 -d2s "$@" "$url" >/dev/null  # warm-up
  for _ in $(seq "$runs"); do
    wrk -t1 -c64 -d"${duration}s" "$@" "$url" | awk '/Requests\/sec/ {print $2}'
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# Fail loudly if an endpoint does not return 200, instead of timing errors.
for url in "http://127.0.0.1:$nginx_port/static.txt" "http://127.0.0.1:$tally_port/api/health"; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] || { echo "http_bench: $url does not return 200" >&2; exit 1; }
done
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Token $token" "http://127.0.0.1:$tally_port/api/current-user")" = 200 ] \
  || { echo "http_bench: current-user does not return 200" >&2; exit 1; }

nginx_rps=$(measure "http://127.0.0.1:$nginx_port/static.txt")
health_rps=$(measure "http://127.0.0.1:$tally_port/api/health")
user_rps=$(measure "http://127.0.0.1:$tally_port/api/current-user" -H "Authorization: Token $token")

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
echo "figure                 requests/s   ratio to nginx   goal"
printf 'nginx static 50 B     %10.0f   1.00             reference\n' "$nginx_rps"
printf 'GET /api/health       %10.0f   %-16s >= 0.80\n' "$health_rps" "$(ratio "$health_rps" "$nginx_rps")"
printf 'GET /api/current-user %10.0f   %-16s >= 0.50\n' "$user_rps" "$(ratio "$user_rps" "$nginx_rps")"
