#!/usr/bin/env bash
# Run every benchmark. FULL=1 runs longer, steadier measurements.
# Record the printed figures, with the command, in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}

if [ "${FULL:-}" = 1 ]; then
  export DURATION=30 RUNS=5
else
  export DURATION=${DURATION:-5} RUNS=${RUNS:-3}
fi

echo "== HTTP throughput (bench/http_bench.sh)"
bash bench/http_bench.sh "$build_dir/tally"

if [ -x "$build_dir/bench/label_config_bench" ]; then
  echo "== Label config engine (bench/label_config_bench)"
  TALLY_SHARED_DIR=${TALLY_SHARED_DIR:-../shared} "$build_dir/bench/label_config_bench" \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
fi

if [ -x /usr/bin/chromium ] && [ -d web/node_modules ] && [ -f web/dist/index.html ]; then
  echo "== Web UI in Chromium (bench/web_ui_bench.mjs)"
  node bench/web_ui_bench.mjs "$build_dir/tally"
  echo "== Image editor frame time with 1,000 boxes (bench/web_image_bench.mjs)"
  node bench/web_image_bench.mjs "$build_dir/tally"
  echo "== Video editor frame time during playback with one track (bench/web_video_bench.mjs)"
  node bench/web_video_bench.mjs "$build_dir/tally"
  echo "== Audio editor load time (bench/web_audio_bench.mjs)"
  if [ "${FULL:-}" = 1 ]; then
    AUDIO_MINUTES=60 node bench/web_audio_bench.mjs "$build_dir/tally"
  else
    node bench/web_audio_bench.mjs "$build_dir/tally"
  fi
fi

echo "== Task import and its peak memory (bench/import_bench.sh)"
if [ "${FULL:-}" = 1 ]; then
  TASKS=1000000 bash bench/import_bench.sh "$build_dir/tally" "$build_dir/bench/import_reference"
else
  TASKS=100000 bash bench/import_bench.sh "$build_dir/tally" "$build_dir/bench/import_reference"
fi

echo "== Cost of the data revision triggers on import (bench/data_revision_import_bench.py)"
TASKS=${REVISION_TASKS:-50000} ROUNDS=${ROUNDS_REVISION:-2} python3 bench/data_revision_import_bench.py "$build_dir/tally"

echo "== Export throughput and memory (bench/export_bench.sh)"
bash bench/export_bench.sh "$build_dir/bench/export_bench"

echo "== Prompt reads by label and version (bench/prompt_bench.sh)"
bash bench/prompt_bench.sh "$build_dir/tally"

echo "== Next task and data manager pages (bench/next_task_bench.py)"
if [ "${FULL:-}" = 1 ]; then
  SIZES="10000 1000000" python3 bench/next_task_bench.py "$build_dir/tally"
else
  SIZES="10000 100000" python3 bench/next_task_bench.py "$build_dir/tally"
fi

echo "== Trace ingestion through /ingestion and OTLP (bench/tracing_ingestion_bench.py, bench/tracing_otlp_bench.py)"
python3 bench/tracing_ingestion_bench.py "$build_dir/tally"
python3 bench/tracing_otlp_bench.py "$build_dir/tally"

echo "== Trace list at two project sizes, SQLite and PostgreSQL (bench/trace_list_bench.py)"
if [ "${FULL:-}" = 1 ]; then
  SIZES="100000 10000000" python3 bench/trace_list_bench.py "$build_dir/tally"
  DATABASE=postgres SIZES="100000 10000000" python3 bench/trace_list_bench.py "$build_dir/tally"
else
  SIZES="100000 1000000" python3 bench/trace_list_bench.py "$build_dir/tally"
  DATABASE=postgres SIZES="100000 1000000" python3 bench/trace_list_bench.py "$build_dir/tally"
fi

echo "== Metrics query: p95 latency by model per hour (bench/metrics_bench.py)"
if [ "${FULL:-}" = 1 ]; then
  OBSERVATIONS=10000000 python3 bench/metrics_bench.py "$build_dir/tally"
else
  OBSERVATIONS=1000000 python3 bench/metrics_bench.py "$build_dir/tally"
fi

if [ -d web/node_modules/ws ]; then
  echo "== Live dashboard delay after ingestion (bench/dashboard_live_bench.mjs)"
  node bench/dashboard_live_bench.mjs "$build_dir/tally"
fi

echo "== Storage sync throughput from a local S3 server (bench/storage_sync_bench.py)"
(cd tests/peers && npm ci --no-audit --no-fund --loglevel=error)
if [ "${FULL:-}" = 1 ]; then
  OBJECTS=10000 python3 bench/storage_sync_bench.py "$build_dir/tally"
else
  python3 bench/storage_sync_bench.py "$build_dir/tally"
fi

echo "== ML backend prediction round trip (bench/ml_predict_bench.py)"
if [ "${FULL:-}" = 1 ]; then
  TASKS=3200 CALLS=2000 python3 bench/ml_predict_bench.py "$build_dir/tally"
else
  python3 bench/ml_predict_bench.py "$build_dir/tally"
fi

if [ -x /usr/bin/chromium ] && [ -d web/node_modules ] && [ -f web/dist/index.html ]; then
  echo "== Live trace table: SDK flush to row on screen (bench/trace_live_bench.mjs)"
  node bench/trace_live_bench.mjs "$build_dir/tally"
  echo "== Trace table load at two project sizes (bench/trace_table_bench.py)"
  if [ "${FULL:-}" = 1 ]; then
    SIZES="100000 10000000" python3 bench/trace_table_bench.py "$build_dir/tally"
  else
    SIZES="100000 1000000" python3 bench/trace_table_bench.py "$build_dir/tally"
  fi
fi
