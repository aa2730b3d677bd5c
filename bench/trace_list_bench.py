#!/usr/bin/env python3
"""Trace-list latency with filters at two project sizes.

For each size in observations (default 100,000 and 1,000,000; FULL runs use
10,000,000) the script builds one project in a fresh SQLite data directory,
or with DATABASE=postgres in a fresh database of a PostgreSQL cluster.
`tally serve` applies the schema and creates the project and its key pair.
Then, with the server stopped, one SQL statement per table fills it (through
psql on PostgreSQL, followed by VACUUM ANALYZE as autovacuum would run).
Rows go straight into the store's tables because ingesting ten million
observations over HTTP would take hours; what is measured is the read.

The data grows the way a busy project grows, so a selective filter matches
about as many traces at every size:
  traces        size / 10, one per second of trace time
  observations  10 per trace: a root span, 3 generations (gpt-4o, usage,
                cost), 4 spans and 2 events, with small JSON input/output
  scores        one per trace
  name          20 names (agent-0 … agent-19), round robin
  userId        100 traces per user;  sessionId  10 traces per session
  environment   every tenth trace is staging, the rest production
  tags          every trace has "prod" and "customer-<trace/1000>";
                every 50th also "beta"

Then one `tally serve` per size runs and, over one keep-alive connection
each, the script times each query of queries() below: one untimed call per
size, then CALLS rounds that call every size in turn, so load from other
processes falls on all sizes alike. It prints the median per size and the
ratio largest / smallest. The goal is a ratio of at most 2 for every query.

Usage: bench/trace_list_bench.py [path/to/tally]
  env: SIZES="100000 10000000", CALLS=20, DATABASE=sqlite (default) or postgres,
       POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/postgres, a server whose
         user may create databases; without it, DATABASE=postgres starts a
         throwaway cluster with scripts/start-postgres.sh (needs PostgreSQL 15)
"""
import base64
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

from tracing_ingestion_bench import PUBLIC_KEY, SECRET_KEY, free_port, wait_healthy

OBSERVATIONS_PER_TRACE = 10
TRACE_INTERVAL_US = 1_000_000
BASE_TIME_US = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z


def iso(micros):
    seconds, rest = divmod(micros, 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % (rest // 1000)


def queries(traces):
    """Query strings for a project of `traces` traces, each selecting about the same rows at every size."""
    middle = traces // 2
    hour_end = BASE_TIME_US + middle * TRACE_INTERVAL_US
    hour_start = hour_end - 3600 * 1_000_000
    window = {"fromTimestamp": iso(hour_start), "toTimestamp": iso(hour_end)}
    return {
        "userId": {"userId": f"user-{middle // 100}"},
        "sessionId": {"sessionId": f"session-{middle // 10}"},
        "tags (one customer)": {"tags": f"customer-{middle // 1000}"},
        "tags customer + prod": {"tags": [f"customer-{middle // 1000}", "prod"]},
        "time window, ts asc": dict(window, orderBy="timestamp.asc"),
        "name + time window": dict(window, name="agent-3"),
        "userId + name.asc": {"userId": f"user-{middle // 100}", "orderBy": "name.asc"},
        "no filter": {},
        "name": {"name": "agent-3"},
        "tags=beta + env": {"tags": "beta", "environment": "production"},
    }


def fill(db_path, project_id, size):
    traces = size // OBSERVATIONS_PER_TRACE
    database = sqlite3.connect(db_path, isolation_level=None)
    database.executescript("PRAGMA journal_mode=DELETE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                           " PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;")
    sequence = f"WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < {traces})"
    trace_id = "printf('%032x', i * 2654435761 % 2147483648 * 4294967296 + i)"
    timestamp = f"({BASE_TIME_US} + i * {TRACE_INTERVAL_US})"

    database.execute("BEGIN")
    database.execute(
        "INSERT INTO traces (project_id, id, timestamp, name, user_id, session_id, release, version, environment,"
        " tags, metadata, input, output, created_at, updated_at) "
        f"{sequence} SELECT {project_id}, {trace_id}, {timestamp}, 'agent-' || (i % 20), 'user-' || (i / 100),"
        " 'session-' || (i / 10), 'v1.2.3', 'app-1.0', CASE WHEN i % 10 = 0 THEN 'staging' ELSE 'production' END,"
        " CASE WHEN i % 50 = 7 THEN json_array('beta', 'customer-' || (i / 1000), 'prod')"
        " ELSE json_array('customer-' || (i / 1000), 'prod') END,"
        " '{\"plan\":\"pro\"}', '{\"question\":\"Summarize the quarterly report.\"}',"
        f" '{{\"answer\":\"Revenue grew, costs fell.\"}}', {timestamp}, {timestamp} FROM seq")

    database.execute(
        "INSERT INTO trace_tags (project_id, trace_id, tag, timestamp, environment) "
        f"{sequence}, tag(t) AS (VALUES ('prod'), ('customer'), ('beta'))"
        f" SELECT {project_id}, {trace_id}, CASE t WHEN 'customer' THEN 'customer-' || (i / 1000) ELSE t END,"
        f" {timestamp}, CASE WHEN i % 10 = 0 THEN 'staging' ELSE 'production' END"
        " FROM seq, tag WHERE t <> 'beta' OR i % 50 = 7")
    database.execute(
        "INSERT INTO trace_sessions (project_id, id, environment, created_at) "
        f"{sequence} SELECT {project_id}, 'session-' || (i / 10),"
        f" CASE WHEN i % 10 = 0 THEN 'staging' ELSE 'production' END, {timestamp} FROM seq WHERE i % 10 = 0")

    generation = "j IN (1, 2, 3)"
    database.execute(
        "INSERT INTO observations (project_id, id, trace_id, parent_observation_id, type, name, environment,"
        " start_time, end_time, level, input, output, metadata, model, usage_details, cost_details, total_cost,"
        " created_at, updated_at) "
        f"{sequence}, obs(j) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9))"
        f" SELECT {project_id}, {trace_id} || '-' || j, {trace_id},"
        f" CASE WHEN j = 0 THEN NULL ELSE {trace_id} || '-0' END,"
        f" CASE WHEN j = 0 THEN 'SPAN' WHEN {generation} THEN 'GENERATION' WHEN j >= 8 THEN 'EVENT' ELSE 'SPAN' END,"
        " 'step-' || j, CASE WHEN i % 10 = 0 THEN 'staging' ELSE 'production' END,"
        f" {timestamp} + j * 10000, {timestamp} + j * 10000 + 5000, 'DEFAULT',"
        " '{\"query\":\"quarterly report\"}', '{\"documents\":3}', '{}',"
        f" CASE WHEN {generation} THEN 'gpt-4o' END,"
        f" CASE WHEN {generation} THEN '{{\"input\":120,\"output\":30,\"total\":150}}' ELSE '{{}}' END,"
        f" CASE WHEN {generation} THEN '{{\"input\":0.0003,\"output\":0.0003,\"total\":0.0006}}' ELSE '{{}}' END,"
        f" CASE WHEN {generation} THEN 0.0006 END, {timestamp}, {timestamp} FROM seq, obs")

    database.execute(
        "INSERT INTO scores (project_id, id, name, value, data_type, source, trace_id, environment, timestamp,"
        " created_at, updated_at) "
        f"{sequence} SELECT {project_id}, 'score-' || i, 'helpfulness', (i % 10) / 10.0, 'NUMERIC', 'API',"
        f" {trace_id}, 'production', {timestamp}, {timestamp}, {timestamp} FROM seq")
    database.execute("COMMIT")

    database.execute("PRAGMA journal_mode=WAL")
    database.close()


def fill_postgres(database_url, project_id, size):
    """Write the same rows as fill() with PostgreSQL's generate_series."""
    traces = size // OBSERVATIONS_PER_TRACE
    sequence = f"generate_series(0, {traces - 1}) AS i"
    trace_id = "lpad(to_hex(i::bigint * 2654435761 % 2147483648 * 4294967296 + i), 32, '0')"
    timestamp = f"({BASE_TIME_US} + i::bigint * {TRACE_INTERVAL_US})"
    environment = "CASE WHEN i % 10 = 0 THEN 'staging' ELSE 'production' END"
    generation = "j IN (1, 2, 3)"
    psql(database_url, f"""
BEGIN;
INSERT INTO traces (project_id, id, timestamp, name, user_id, session_id, release, version, environment,
  tags, metadata, input, output, created_at, updated_at)
SELECT {project_id}, {trace_id}, {timestamp}, 'agent-' || (i % 20), 'user-' || (i / 100),
  'session-' || (i / 10), 'v1.2.3', 'app-1.0', {environment},
  CASE WHEN i % 50 = 7 THEN '["beta","customer-' || (i / 1000) || '","prod"]'
  ELSE '["customer-' || (i / 1000) || '","prod"]' END,
  '{{"plan":"pro"}}', '{{"question":"Summarize the quarterly report."}}',
  '{{"answer":"Revenue grew, costs fell."}}', {timestamp}, {timestamp} FROM {sequence};
INSERT INTO trace_tags (project_id, trace_id, tag, timestamp, environment)
SELECT {project_id}, {trace_id}, CASE t WHEN 'customer' THEN 'customer-' || (i / 1000) ELSE t END,
  {timestamp}, {environment}
FROM {sequence}, (VALUES ('prod'), ('customer'), ('beta')) AS tag(t) WHERE t <> 'beta' OR i % 50 = 7;
INSERT INTO trace_sessions (project_id, id, environment, created_at)
SELECT {project_id}, 'session-' || (i / 10), {environment}, {timestamp} FROM {sequence} WHERE i % 10 = 0;
INSERT INTO observations (project_id, id, trace_id, parent_observation_id, type, name, environment,
  start_time, end_time, level, input, output, metadata, model, usage_details, cost_details, total_cost,
  created_at, updated_at)
SELECT {project_id}, {trace_id} || '-' || j, {trace_id},
  CASE WHEN j = 0 THEN NULL ELSE {trace_id} || '-0' END,
  CASE WHEN j = 0 THEN 'SPAN' WHEN {generation} THEN 'GENERATION' WHEN j >= 8 THEN 'EVENT' ELSE 'SPAN' END,
  'step-' || j, {environment}, {timestamp} + j * 10000, {timestamp} + j * 10000 + 5000, 'DEFAULT',
  '{{"query":"quarterly report"}}', '{{"documents":3}}', '{{}}',
  CASE WHEN {generation} THEN 'gpt-4o' END,
  CASE WHEN {generation} THEN '{{"input":120,"output":30,"total":150}}' ELSE '{{}}' END,
  CASE WHEN {generation} THEN '{{"input":0.0003,"output":0.0003,"total":0.0006}}' ELSE '{{}}' END,
  CASE WHEN {generation} THEN 0.0006 END, {timestamp}, {timestamp}
FROM {sequence}, generate_series(0, 9) AS j;
INSERT INTO scores (project_id, id, name, value, data_type, source, trace_id, environment, timestamp,
  created_at, updated_at)
SELECT {project_id}, 'score-' || i, 'helpfulness', (i % 10) / 10.0, 'NUMERIC', 'API', {trace_id},
  'production', {timestamp}, {timestamp}, {timestamp} FROM {sequence};
COMMIT;
VACUUM ANALYZE;
""")


def psql(database_url, script):
    """Runs `script` with psql and returns its unaligned output."""
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", database_url],
                          input=script, text=True, check=True, capture_output=True).stdout.strip()


class Server:
    def __init__(self, tally, data_dir, database_url=None):
        self.port = free_port()
        env = dict(os.environ, TALLY_INIT_USER_EMAIL="bench@example.com", TALLY_INIT_PROJECT_NAME="Bench",
                   TALLY_INIT_PROJECT_PUBLIC_KEY=PUBLIC_KEY, TALLY_INIT_PROJECT_SECRET_KEY=SECRET_KEY)
        arguments = [tally, "serve", "--data-dir", data_dir, "--host", "127.0.0.1", "--port", str(self.port),
                     "--job-workers", "0", "--no-access-log", "--log-level", "warn"]
        if database_url:
            arguments += ["--database-url", database_url]
            env["TALLY_SECRET_KEY"] = "trace-list-bench-secret-key-0123456789"
        self.process = subprocess.Popen(arguments, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_healthy(self.port, time.time() + 60)
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port)
        self.auth = "Basic " + base64.b64encode(f"{PUBLIC_KEY}:{SECRET_KEY}".encode()).decode()

    def get(self, path):
        started = time.perf_counter()
        self.connection.request("GET", path, headers={"Authorization": self.auth})
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"GET {path} returned {response.status}: {body[:300]!r}")
        return elapsed, json.loads(body)

    def stop(self):
        self.connection.close()
        self.process.terminate()
        self.process.wait()


def filled_data_dir(server_class, tally, size):
    """Make a fresh data directory holding one project filled to `size`
    observations. `server_class(tally, data_dir)` starts `tally serve`, which
    applies the schema and creates the project; it is stopped before the
    fill. The caller removes the directory."""
    data_dir = tempfile.mkdtemp(prefix="tally-trace-list-")
    server_class(tally, data_dir).stop()
    db_path = os.path.join(data_dir, "tally.db")
    database = sqlite3.connect(db_path)
    (project_id,) = database.execute("SELECT id FROM projects").fetchone()
    database.close()
    started = time.time()
    fill(db_path, project_id, size)
    print(f"size {size:,}: filled in {time.time() - started:.0f} s,"
          f" {os.path.getsize(db_path) / 2**30:.2f} GiB", flush=True)
    return data_dir, project_id


def filled_postgres_database(tally, admin_url, size):
    """Make a fresh database in the cluster of `admin_url` holding one project
    filled to `size` observations, and a data directory for `tally serve`.
    Returns both; the caller drops the database and removes the directory."""
    name = f"tally_trace_list_{size}"
    psql(admin_url, f"DROP DATABASE IF EXISTS {name};\nCREATE DATABASE {name};")
    database_url = admin_url.rsplit("/", 1)[0] + "/" + name
    data_dir = tempfile.mkdtemp(prefix="tally-trace-list-")
    Server(tally, data_dir, database_url).stop()
    project_id = int(psql(database_url, "SELECT id FROM projects;"))
    started = time.time()
    fill_postgres(database_url, project_id, size)
    database_bytes = int(psql(database_url, f"SELECT pg_database_size('{name}');"))
    print(f"size {size:,}: filled in {time.time() - started:.0f} s, {database_bytes / 2**30:.2f} GiB", flush=True)
    return data_dir, database_url


def filled_project(tally, size, admin_url):
    """Fill one project of `size` observations and return (data_dir, database_url or None)."""
    if admin_url:
        return filled_postgres_database(tally, admin_url, size)
    data_dir, _ = filled_data_dir(Server, tally, size)
    return data_dir, None


def measure(tally, sizes, calls, admin_url):
    """Measure the median latency per size and query label. Every size is
    filled and served first. Then the timed calls alternate between the
    sizes, so a change in the machine's load affects all of them alike."""
    projects = []
    servers = []
    try:
        for size in sizes:
            projects.append(filled_project(tally, size, admin_url))
        for data_dir, database_url in projects:
            servers.append(Server(tally, data_dir, database_url))
        print(f"load average before the timed calls: {os.getloadavg()[0]:.2f}", flush=True)

        medians = {size: {} for size in sizes}
        labels = list(queries(sizes[0] // OBSERVATIONS_PER_TRACE))
        for label in labels:
            paths = [
                "/api/public/traces?" + urllib.parse.urlencode(queries(size // OBSERVATIONS_PER_TRACE)[label],
                                                               doseq=True)
                for size in sizes
            ]
            totals = [server.get(path)[1]["meta"]["totalItems"] for server, path in zip(servers, paths)]
            samples = [[] for _ in sizes]
            for _ in range(calls):
                for index, (server, path) in enumerate(zip(servers, paths)):
                    samples[index].append(server.get(path)[0] * 1000)
            for index, size in enumerate(sizes):
                medians[size][label] = statistics.median(samples[index])
            print(f"  {label:24} " + "  ".join(f"{medians[size][label]:8.2f} ms ({total:,})"
                                                for size, total in zip(sizes, totals)), flush=True)
        print(f"load average after the timed calls: {os.getloadavg()[0]:.2f}", flush=True)
        return medians
    finally:
        for server in servers:
            server.stop()
        for data_dir, database_url in projects:
            shutil.rmtree(data_dir, ignore_errors=True)
            if database_url:
                psql(admin_url, f"DROP DATABASE IF EXISTS {database_url.rsplit('/', 1)[1]};")


def main():
    tally = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/tally")
    sizes = [int(s) for s in os.environ.get("SIZES", "100000 1000000").split()]
    calls = int(os.environ.get("CALLS", "20"))
    database = os.environ.get("DATABASE", "sqlite")
    if database not in ("sqlite", "postgres"):
        raise SystemExit(f"trace_list_bench: DATABASE must be sqlite or postgres, not {database!r}")
    admin_url = os.environ.get("POSTGRES_URL") if database == "postgres" else None
    scripts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts")
    cluster_dir = None
    if database == "postgres" and not admin_url:
        cluster_dir = tempfile.mkdtemp(prefix="tally-trace-list-postgres-")
        os.rmdir(cluster_dir)
        admin_url = subprocess.run(["bash", os.path.join(scripts, "start-postgres.sh"), cluster_dir],
                                   capture_output=True, text=True, check=True).stdout.strip()
    try:
        print(f"database={database}", flush=True)
        results = measure(tally, sizes, calls, admin_url)
    finally:
        if cluster_dir:
            subprocess.run(["bash", os.path.join(scripts, "stop-postgres.sh"), cluster_dir], check=False)
    small, large = results[sizes[0]], results[sizes[-1]]
    print(f"\nratio {sizes[-1]:,} / {sizes[0]:,} observations (goal <= 2):")
    for label in small:
        print(f"  {label:24} {small[label]:8.2f} ms -> {large[label]:8.2f} ms   ratio {large[label] / small[label]:.2f}")


if __name__ == "__main__":
    main()
