#!/usr/bin/env bash
# Prompt read throughput of tally as ratios to GET /api/health, measured in
# the same run with the same client (wrk) on loopback:
#   by label    GET /api/public/v2/prompts/{name}?label=production  (Basic key pair)
#   by version  GET /api/public/v2/prompts/{name}?version=1          (Basic key pair)
# These are the requests every Langfuse SDK's getPrompt sends. Both go through
# key-pair authentication and the in-process prompt cache. Health needs no
# authentication and returns from the IO thread, so it bounds what a route
# can reach.
#
# tally runs on SQLite with one IO thread and no access log. wrk runs with one
# thread and 64 connections; each figure is the median of RUNS runs of
# DURATION seconds after a 2 s warm-up.
#
# Usage: bench/prompt_bench.sh [path/to/tally]   (env: DURATION=10 RUNS=3)
set -euo pipefail

tally=${1:-build/tally}
duration=${DURATION:-10}
runs=${RUNS:-3}
public_key=pk-lf-prompt-bench
secret_key=sk-lf-prompt-bench-secret-0001

command -v wrk >/dev/null || { echo "prompt_bench: wrk is missing; run scripts/install-deps.sh" >&2; exit 1; }
[ -x "$tally" ] || { echo "prompt_bench: $tally is missing; run make build" >&2; exit 1; }

work=$(mktemp -d /tmp/tally-prompt-bench.XXXXXX)
tally_pid=""
cleanup() {
  [ -n "$tally_pid" ] && kill "$tally_pid" 2>/dev/null && wait "$tally_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

TALLY_INIT_USER_EMAIL=bench@example.com TALLY_INIT_PROJECT_NAME=Bench \
  TALLY_INIT_PROJECT_PUBLIC_KEY=$public_key TALLY_INIT_PROJECT_SECRET_KEY=$secret_key \
  "$tally" serve --port 0 --data-dir "$work/tally" --io-threads 1 --no-access-log --log-level warn \
  > "$work/tally.out" 2>&1 &
tally_pid=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$work/tally.out" 2>/dev/null && break
  sleep 0.1
done
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/tally.out")
[ -n "$port" ] || { cat "$work/tally.out" >&2; exit 1; }
base="http://127.0.0.1:$port"
auth="Authorization: Basic $(printf '%s:%s' "$public_key" "$secret_key" | base64 -w0)"

# A chat prompt of realistic size in a folder, as the SDKs would fetch it.
status=$(curl -s -o "$work/created.json" -w '%{http_code}' -H "$auth" -H 'Content-Type: application/json' \
  -d '{"name": "bench/movie-critic", "type": "chat", "labels": ["production"],
       "config": {"model": "gpt-4o", "temperature": 0.5},
       "prompt": [{"role": "system", "content": "You are a {{criticLevel}} movie critic. Answer in two sentences."},
                  {"type": "placeholder", "name": "history"},
                  {"role": "user", "content": "Do you like {{movie}}?"}]}' \
  "$base/api/public/v2/prompts")
[ "$status" = 201 ] || { echo "prompt_bench: creating the prompt answered $status" >&2; cat "$work/created.json" >&2; exit 1; }

by_label="$base/api/public/v2/prompts/bench%2Fmovie-critic?label=production"
by_version="$base/api/public/v2/prompts/bench%2Fmovie-critic?version=1"
for url in "$by_label" "$by_version"; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$url")" = 200 ] \
    || { echo "prompt_bench: $url does not answer 200" >&2; exit 1; }
done

# Median requests/s of `runs` wrk runs against a URL (extra args: headers).
measure() {
  local url=$1; shift
  wrk -t1 -c64 -d2s "$@" "$url" >/dev/null  # warm-up
  for _ in $(seq "$runs"); do
    wrk -t1 -c64 -d"${duration}s" "$@" "$url" | awk '/Requests\/sec/ {print $2}'
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

health_rps=$(measure "$base/api/health")
label_rps=$(measure "$by_label" -H "$auth")
version_rps=$(measure "$by_version" -H "$auth")

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
echo "figure                          requests/s   ratio to health   goal"
printf 'GET /api/health                %10.0f   1.00              reference\n' "$health_rps"
printf 'GET prompt by label            %10.0f   %-17s >= 0.50\n' "$label_rps" "$(ratio "$label_rps" "$health_rps")"
printf 'GET prompt by version          %10.0f   %-17s >= 0.50\n' "$version_rps" "$(ratio "$version_rps" "$health_rps")"
