#!/usr/bin/env python3
"""Metrics query speed: p95 latency by model per hour over 30 days.

Loads OBSERVATIONS generations (default 10,000,000), spread evenly over 30
days and 5 models, straight into the observations table of a SQLite data
directory that `tally serve` created and migrated. The load is one
INSERT … SELECT over a recursive CTE, so it runs inside SQLite. Then, RUNS
times each:

  api        GET /api/public/metrics with the query
             {view: observations, dimensions: [providedModelName],
              metrics: [p95(latency)], timeDimension: hour, 30-day range},
             timed from request to parsed JSON response;
  reference  a hand-written SQLite query of the same result (window
             functions, percentile interpolated like percentile_cont) run
             through Python's sqlite3 on the same file while the server idles.
After one untimed call of each, the order of the two alternates per run.

Prints the medians and api/reference (goal <= 1.5), and checks that both
return the same rows.

Usage: bench/metrics_bench.py BUILD/tally   (env OBSERVATIONS, RUNS)
"""
import base64
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

PUBLIC_KEY = "pk-lf-metrics-bench"
SECRET_KEY = "sk-lf-metrics-bench-secret-0001"
MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-pro", "llama-3.1-70b"]
DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
# 2026-01-01T00:00:00Z
START_US = 1_767_225_600_000_000
RANGE_US = 30 * DAY_US

REFERENCE_SQL = """
WITH v AS (
  SELECT model, start_time / 3600000000 AS hour, (end_time - start_time) / 1000.0 AS latency,
         ROW_NUMBER() OVER (PARTITION BY model, start_time / 3600000000 ORDER BY end_time - start_time) - 1 AS rn,
         COUNT(*) OVER (PARTITION BY model, start_time / 3600000000) AS n
  FROM observations
  WHERE project_id = ? AND start_time >= ? AND start_time < ? AND end_time IS NOT NULL)
SELECT model, hour,
       MIN(latency) + (MAX(latency) - MIN(latency)) * (0.95 * (MAX(n) - 1) - CAST(0.95 * (MAX(n) - 1) AS INTEGER))
FROM v
WHERE rn BETWEEN CAST(0.95 * (n - 1) AS INTEGER) AND CAST(0.95 * (n - 1) AS INTEGER) + 1
GROUP BY model, hour
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(binary, data_dir):
    port = free_port()
    env = dict(os.environ, TALLY_INIT_USER_EMAIL="bench@example.com", TALLY_INIT_PROJECT_NAME="Metrics bench",
               TALLY_INIT_PROJECT_PUBLIC_KEY=PUBLIC_KEY, TALLY_INIT_PROJECT_SECRET_KEY=SECRET_KEY)
    server = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", data_dir,
                               "--no-access-log", "--log-level", "warn"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/public/health", timeout=1) as response:
                if response.status == 200:
                    return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("tally serve did not pass /api/public/health in time")


def stop_server(server):
    server.terminate()
    server.wait(timeout=30)


def load_observations(db_path, project_id, count):
    """Inserts `count` finished generations, time-ordered, in one transaction."""
    step = RANGE_US // count
    model = "CASE i % {} {} END".format(len(MODELS), " ".join(f"WHEN {n} THEN '{m}'" for n, m in enumerate(MODELS)))
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    # Latency: 50 ms plus a skewed random part up to ~20 s (the square of a
    # uniform value), so percentiles differ from the mean.
    connection.execute(f"""
        INSERT INTO observations (project_id, id, trace_id, type, name, environment, start_time, end_time, level,
                                  model, usage_details, cost_details, total_cost, created_at, updated_at)
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {count}),
        r AS (SELECT i, abs(random() % 1000000) / 1000000.0 AS u FROM n)
        SELECT {project_id}, printf('obs-%010d', i), printf('trace-%010d', i / 4), 'GENERATION', 'llm', 'production',
               {START_US} + i * {step}, {START_US} + i * {step} + 50000 + CAST(u * u * 20000000 AS INTEGER), 'DEFAULT',
               {model},
               '{{"input":120,"output":30,"total":150}}', '{{"total":0.001}}', 0.001,
               {START_US} + i * {step}, {START_US} + i * {step}
        FROM r""")
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return time.perf_counter() - started


def api_query(port):
    query = {"view": "observations", "dimensions": [{"field": "providedModelName"}],
             "metrics": [{"measure": "latency", "aggregation": "p95"}], "timeDimension": {"granularity": "hour"},
             "fromTimestamp": "2026-01-01T00:00:00.000Z", "toTimestamp": "2026-01-31T00:00:00.000Z"}
    auth = base64.b64encode(f"{PUBLIC_KEY}:{SECRET_KEY}".encode()).decode()
    path = "/api/public/metrics?query=" + urllib.parse.quote(json.dumps(query))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": "Basic " + auth})
    response = connection.getresponse()
    body = json.loads(response.read())
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise SystemExit(f"metrics query failed: {response.status} {body}")
    return elapsed, {(row["providedModelName"], row["time_dimension"]): row["p95_latency"] for row in body["data"]}


def reference_query(db_path, project_id):
    connection = sqlite3.connect(db_path)
    started = time.perf_counter()
    rows = connection.execute(REFERENCE_SQL, (project_id, START_US, START_US + RANGE_US)).fetchall()
    elapsed = time.perf_counter() - started
    connection.close()
    result = {}
    for model, hour, p95 in rows:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(hour * 3600))
        result[(model, stamp)] = p95
    return elapsed, result


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    count = int(os.environ.get("OBSERVATIONS", "10000000"))
    runs = int(os.environ.get("RUNS", "3"))

    with tempfile.TemporaryDirectory(prefix="tally-metrics-bench-") as data_dir:
        server, _ = start_server(binary, data_dir)
        stop_server(server)
        db_path = os.path.join(data_dir, "tally.db")
        with sqlite3.connect(db_path) as connection:
            (project_id,) = connection.execute("SELECT id FROM projects WHERE title = 'Metrics bench'").fetchone()
        load_seconds = load_observations(db_path, project_id, count)
        print(f"loaded {count} observations in {load_seconds:.1f} s ({count / load_seconds:,.0f} rows/s)")

        server, port = start_server(binary, data_dir)
        try:
            # One untimed call each first, so both read the file from the
            # page cache; then the order alternates between runs.
            api_query(port)
            reference_query(db_path, project_id)
            api_times, reference_times = [], []
            api_rows = reference_rows = None
            for run in range(runs):
                for side in (("api", "reference") if run % 2 == 0 else ("reference", "api")):
                    if side == "api":
                        elapsed, api_rows = api_query(port)
                        api_times.append(elapsed)
                    else:
                        elapsed, reference_rows = reference_query(db_path, project_id)
                        reference_times.append(elapsed)
        finally:
            stop_server(server)

    if api_rows.keys() != reference_rows.keys():
        raise SystemExit(f"row sets differ: api {len(api_rows)} rows, reference {len(reference_rows)} rows")
    worst = max(abs(api_rows[key] - reference_rows[key]) for key in api_rows)
    if worst > 1e-6:
        raise SystemExit(f"p95 values differ by up to {worst}")
    api, reference = statistics.median(api_times), statistics.median(reference_times)
    print(f"metrics p95 latency by model per hour, {count} observations, {len(api_rows)} rows: "
          f"api {api * 1000:.0f} ms, hand-written SQL {reference * 1000:.0f} ms, "
          f"ratio {api / reference:.2f} (goal <= 1.5; medians of {runs})")


if __name__ == "__main__":
    main()
