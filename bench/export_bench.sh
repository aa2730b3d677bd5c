#!/usr/bin/env bash
# Export throughput and memory: the export path (the same ExportRun that
# GET /api/projects/{id}/export streams) against a raw ordered scan that
# serialises the same tasks and annotations with the same JSON library, on
# SQLite, in the same run. Each step is its own process, so each peak RSS
# is that step's alone.
#
#   ratio        scan seconds / export seconds, per format (goal >= 0.5)
#   peak RSS     max resident set of the export process (goal <= 200 MB and
#                flat: compare the two sizes)
#
# Usage: bench/export_bench.sh [path/to/export_bench]
#        (env: TASKS=100000, SMALL_TASKS=TASKS/10; FULL=1 sets TASKS=1000000)
set -euo pipefail

bench=${1:-build/bench/export_bench}
if [ "${FULL:-}" = 1 ]; then tasks=${TASKS:-1000000}; else tasks=${TASKS:-100000}; fi
small=${SMALL_TASKS:-$((tasks / 10))}
[ -x "$bench" ] || { echo "export_bench: $bench is missing; build the export_bench target" >&2; exit 1; }

work=$(mktemp -d /tmp/tally-export-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

value() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

for size in "$small" "$tasks"; do
  db="$work/export-$size.db"
  "$bench" seed "$db" "$size" 2>/dev/null | grep seeded_tasks
  scan=$("$bench" scan "$db" 2>/dev/null)
  echo "$scan"
  scan_seconds=$(echo "$scan" | value seconds)
  for format in JSON COCO; do
    line=$("$bench" export "$db" "$format" 2>/dev/null)
    echo "$line"
    seconds=$(echo "$line" | value seconds)
    rss=$(echo "$line" | value max_rss_kb)
    awk -v s="$scan_seconds" -v e="$seconds" -v r="$rss" -v n="$size" -v f="$format" 'BEGIN {
      printf "tasks=%d format=%s ratio_to_scan=%.2f export_tasks_per_s=%.0f peak_rss_mb=%.1f\n", n, f, s / e, n / e, r / 1024 }'
  done
  rm -f "$db"
done
