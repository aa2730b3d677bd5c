#!/usr/bin/env bash
# Task import through the HTTP endpoint as a ratio to a raw insert of the
# same rows, plus the server's peak resident memory:
#   import      POST /api/projects/{id}/import with a JSON list of TASKS tasks
#               of about 300 bytes each, on SQLite, timed by curl end to end
#               (curl sends Expect: 100-continue, as it does for any large body)
#   reference   bench/import_reference: one prepared INSERT per row in one
#               SQLite transaction, parsing excluded
#   peak RSS    VmHWM of the tally process after the import
#   CPU time    the server's during the import, and the reference process's
#
# Usage: bench/import_bench.sh [path/to/tally] [path/to/import_reference]
#        (env: TASKS=1000000)
set -euo pipefail

tally=${1:-build/tally}
reference=${2:-build/bench/import_reference}
tasks=${TASKS:-100000}
token=0123456789abcdef0123456789abcdef0bench002

[ -x "$tally" ] || { echo "import_bench: $tally is missing; run make build" >&2; exit 1; }
[ -x "$reference" ] || { echo "import_bench: $reference is missing; build the import_reference target" >&2; exit 1; }

work=$(mktemp -d /tmp/tally-import-bench.XXXXXX)
tally_pid=""
cleanup() {
  [ -n "$tally_pid" ] && kill "$tally_pid" 2>/dev/null && wait "$tally_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the task file: ~300-byte flat tasks ----------------------------------
python3 - "$tasks" "$work/tasks.json" <<'PY'
import json, sys
count, path = int(sys.argv[1]), sys.argv[2]
filler = "lorem ipsum dolor sit amet " * 9
with open(path, "w") as out:
    out.write("[")
    for i in range(count):
        if i:
            out.write(",")
        out.write(json.dumps({"text": f"review {i}: {filler}", "source": "bench", "index": i}))
    out.write("]")
PY
bytes=$(stat -c %s "$work/tasks.json")

# ---- tally on SQLite ------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TALLY_INIT_USER_EMAIL=bench@example.com TALLY_INIT_USER_TOKEN=$token TALLY_IMPORT_MAX_BYTES=$((4 << 30)) \
  "$tally" serve --data-dir "$work/data" --port "$port" --job-workers 0 --no-access-log --log-level warn \
  > "$work/tally.log" 2>&1 &
tally_pid=$!
for _ in $(seq 100); do
  grep -qs "listening" "$work/tally.log" && break
  sleep 0.1
done
base=http://127.0.0.1:$port
auth="Authorization: Token $token"
project=$(curl -sf -H "$auth" -H 'Content-Type: application/json' \
  -d '{"title":"Bench","label_config":"<View><Text name=\"text\" value=\"$text\"/><Choices name=\"sentiment\" toName=\"text\"><Choice value=\"Positive\"/><Choice value=\"Negative\"/></Choices></View>"}' \
  "$base/api/projects" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
rss_before=$(awk '/VmHWM/ {print $2}' "/proc/$tally_pid/status")
# The server's user plus system CPU time in clock ticks (fields 14 and 15 of
# /proc/PID/stat), because on a shared machine CPU time moves less than
# wall time between runs.
cpu_ticks_before=$(awk '{print $14 + $15}' "/proc/$tally_pid/stat")

import_seconds=$(curl -sf -o "$work/response.json" -w '%{time_total}' -H "$auth" -H 'Content-Type: application/json' \
  --data-binary @"$work/tasks.json" "$base/api/projects/$project/import")
imported=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["task_count"])' "$work/response.json")
rss_peak=$(awk '/VmHWM/ {print $2}' "/proc/$tally_pid/status")
cpu_ticks_after=$(awk '{print $14 + $15}' "/proc/$tally_pid/stat")
ticks_per_second=$(getconf CLK_TCK)

# ---- the reference ----------------------------------------------------------
reference_line=$(/usr/bin/time -f "%U %S" -o "$work/reference.cpu" "$reference" "$work/tasks.json" "$work/reference.db")
reference_seconds=${reference_line##*reference_seconds=}
read -r reference_user reference_system < "$work/reference.cpu"

python3 - <<PY
tasks, size = $imported, $bytes
imp, ref = $import_seconds, $reference_seconds
print(f"tasks={tasks} body_bytes={size} ({size / tasks:.0f} B/task)")
print(f"import_seconds={imp:.2f} ({tasks / imp:,.0f} tasks/s)")
print(f"reference_seconds={ref:.2f} ({tasks / ref:,.0f} rows/s)")
print(f"ratio_import_to_reference={imp / ref:.2f} (time)")
print(f"throughput_ratio={ref / imp:.2f} (import throughput / reference throughput, goal >= 0.5)")
print(f"peak_rss_mib={$rss_peak / 1024:.0f} (before import {$rss_before / 1024:.0f})")
print(f"server_cpu_seconds={($cpu_ticks_after - $cpu_ticks_before) / $ticks_per_second:.2f} (user and system)")
print(f"reference_process_cpu_seconds={$reference_user + $reference_system:.2f} (user and system, file parsing included)")
PY
