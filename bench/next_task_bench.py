#!/usr/bin/env python3
"""Next-task and data manager page latency at two project sizes.

For each size (default 10,000 and 1,000,000 tasks) the script builds a
project in a fresh SQLite data directory, or with DATABASE=postgres in a
fresh PostgreSQL database. Half the tasks are labeled, with one annotation
each, interleaved with the unlabeled half. Every task has a prediction of
model version v1 with a random score. Rows are written straight into the
database with the server stopped, because importing a million tasks through
HTTP would dominate the run. The schema comes from the server's start-up
migration and the project from the API. Then `tally serve` runs and, over one
keep-alive HTTP connection:

  reference   GET /api/tasks/{id} for 1,000 random tasks
  next        GET /api/projects/{id}/next, 1,000 calls; after each (untimed)
              the task is skipped, so every call picks a new task
  uncertainty the same with ?strategy=uncertainty (lowest v1 score first)
  page        GET /api/tasks, 100 tasks filtered to total_annotations = 0
              and ordered by -id, with the total count (the data manager's
              request), 50 calls after one untimed call, so the total comes
              from the server's count cache (warm)
  page_cold   the same request, 5 calls, each after an untimed write to the
              project (a skipped annotation), so every total is counted
              afresh: what the first page view after a write costs
  page_data   100 tasks filtered on a data key and ordered by prediction
              score, 10 calls (no index covers either; warm count)

It prints medians and p99 in milliseconds and the ratios the goals use:
next median at the largest size / at the smallest, next / reference in the
same run, and page at the largest size / at the smallest.

Usage: bench/next_task_bench.py [path/to/tally]
  env: SIZES="10000 1000000"
       DATABASE=sqlite (default) or postgres
       POSTGRES_URL=postgresql://user@127.0.0.1:port/db, a server whose user
         may create databases; without it, DATABASE=postgres starts a
         throwaway cluster with scripts/start-postgres.sh (needs PostgreSQL 15)
PostgreSQL rows are written with psql, which must be on the PATH.
"""
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

TOKEN = "0123456789abcdef0123456789abcdef0bench005"
CONFIG = ('<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">'
          '<Choice value="Positive"/><Choice value="Negative"/></Choices></View>')
RESULT = json.dumps([{"id": "r1", "from_name": "sentiment", "to_name": "text", "type": "choices",
                      "value": {"choices": ["Positive"]}}])
CALLS = 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tally, data_dir, database_url=None):
        self.port = free_port()
        env = dict(os.environ, TALLY_INIT_USER_EMAIL="bench@example.com", TALLY_INIT_USER_TOKEN=TOKEN)
        self.log = open(os.path.join(data_dir, "..", "tally.log"), "a")
        command = [tally, "serve", "--data-dir", data_dir, "--port", str(self.port), "--job-workers", "0",
                   "--no-access-log", "--log-level", "warn"]
        if database_url:
            command += ["--database-url", database_url]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=self.log)
        for _ in range(200):
            try:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port)
                self.request("GET", "/api/health")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("tally did not start; see tally.log")

    def request(self, method, path, body=None):
        headers = {"Authorization": "Token " + TOKEN}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        return response.status, data

    def timed(self, method, path, body=None):
        start = time.perf_counter()
        status, data = self.request(method, path, body)
        return (time.perf_counter() - start) * 1000, status, data

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def fill(db_path, project_id, user_id, size):
    """Writes `size` tasks, half labeled, each with one v1 prediction."""
    rng = random.Random(size)
    now = int(time.time() * 1_000_000)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA synchronous=OFF")
    categories = [f"category{i}" for i in range(20)]
    filler = "lorem ipsum dolor sit amet " * 4

    def tasks():
        for i in range(size):
            labeled = i % 2 == 1
            data = json.dumps({"text": f"review {i}: {filler}", "category": categories[i % 20], "index": i})
            yield (project_id, i + 1, data, 1, int(labeled), int(labeled), 1, int(labeled), 0, int(labeled),
                   now, now, "labeled" if labeled else "unlabeled")

    db.executemany(
        "INSERT INTO tasks (project_id, inner_id, data, meta, overlap, is_labeled, total_annotations,"
        " total_predictions, completed_annotations, ground_truth_annotations, useful_annotations, created_at,"
        " updated_at, state) VALUES (?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tasks())
    first_id = db.execute("SELECT MIN(id) FROM tasks WHERE project_id = ?", (project_id,)).fetchone()[0]
    db.executemany(
        "INSERT INTO annotations (task_id, project_id, completed_by, result, unique_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((first_id + i, project_id, user_id, RESULT, f"bench-{i}", now, now) for i in range(1, size, 2)))
    db.executemany(
        "INSERT INTO task_transitions (task_id, project_id, from_state, to_state, event, reason, created_at)"
        " VALUES (?, ?, 'unlabeled', 'labeled', 'imported', 'benchmark data', ?)",
        ((first_id + i, project_id, now) for i in range(1, size, 2)))
    db.executemany(
        "INSERT INTO predictions (task_id, project_id, model_version, score, result, created_at, updated_at)"
        " VALUES (?, ?, 'v1', ?, ?, ?, ?)",
        ((first_id + i, project_id, rng.random(), RESULT, now, now) for i in range(size)))
    db.execute(
        "UPDATE projects SET task_number = ?, finished_task_number = ?, num_tasks_with_annotations = ?,"
        " total_annotations_number = ?, useful_annotation_number = ?, total_predictions_number = ?,"
        " model_version = 'v1' WHERE id = ?", (size, size // 2, size // 2, size // 2, size // 2, size, project_id))
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return first_id


def psql(url, sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url], input=sql, text=True, check=True,
                   stdout=subprocess.DEVNULL)


def fill_postgres(url, project_id, user_id, size):
    """Writes the same rows as fill(), generated inside PostgreSQL."""
    now = int(time.time() * 1_000_000)
    filler = "lorem ipsum dolor sit amet " * 4
    psql(url, f"""
BEGIN;
INSERT INTO tasks (project_id, inner_id, data, meta, overlap, is_labeled, total_annotations, total_predictions,
                   completed_annotations, ground_truth_annotations, useful_annotations, created_at, updated_at, state)
  SELECT {project_id}, i + 1,
         json_build_object('text', 'review ' || i || ': {filler}', 'category', 'category' || (i % 20),
                           'index', i)::text,
         '{{}}', 1, i % 2, i % 2, 1, i % 2, 0, i % 2, {now}, {now},
         CASE WHEN i % 2 = 1 THEN 'labeled' ELSE 'unlabeled' END
  FROM generate_series(0, {size - 1}) AS i;
INSERT INTO annotations (task_id, project_id, completed_by, result, unique_id, created_at, updated_at)
  SELECT id, project_id, {user_id}, '{RESULT}', 'bench-' || inner_id, {now}, {now}
  FROM tasks WHERE project_id = {project_id} AND is_labeled = 1;
INSERT INTO task_transitions (task_id, project_id, from_state, to_state, event, reason, created_at)
  SELECT id, project_id, 'unlabeled', 'labeled', 'imported', 'benchmark data', {now}
  FROM tasks WHERE project_id = {project_id} AND is_labeled = 1;
INSERT INTO predictions (task_id, project_id, model_version, score, result, created_at, updated_at)
  SELECT id, project_id, 'v1', random(), '{RESULT}', {now}, {now} FROM tasks WHERE project_id = {project_id};
UPDATE projects SET task_number = {size}, finished_task_number = {size // 2},
  num_tasks_with_annotations = {size // 2}, total_annotations_number = {size // 2},
  useful_annotation_number = {size // 2}, total_predictions_number = {size}, model_version = 'v1'
  WHERE id = {project_id};
COMMIT;
VACUUM ANALYZE;
""")
    return int(subprocess.run(["psql", "-tA", url, "-c", f"SELECT MIN(id) FROM tasks WHERE project_id = {project_id}"],
                              capture_output=True, text=True, check=True).stdout.strip())


def summary(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(tally, size, work, postgres_url=None):
    data_dir = os.path.join(work, f"data-{size}")
    os.makedirs(data_dir)
    database_url = None
    if postgres_url:
        # A fresh database per size, so each project starts from an empty schema.
        database_name = f"tally_next_bench_{size}"
        psql(postgres_url, f"DROP DATABASE IF EXISTS {database_name}; CREATE DATABASE {database_name};")
        database_url = urllib.parse.urlsplit(postgres_url)._replace(path="/" + database_name).geturl()
    server = Server(tally, data_dir, database_url)
    status, body = server.request("POST", "/api/projects", {"title": "Bench", "label_config": CONFIG})
    assert status == 201, body
    project = json.loads(body)["id"]
    user = json.loads(server.request("GET", "/api/current-user")[1])["id"]
    server.stop()

    started = time.perf_counter()
    if database_url:
        first_id = fill_postgres(database_url, project, user, size)
    else:
        first_id = fill(os.path.join(data_dir, "tally.db"), project, user, size)
    fill_seconds = time.perf_counter() - started

    server = Server(tally, data_dir, database_url)
    figures = {"fill_seconds": fill_seconds}
    rng = random.Random(7)

    samples = []
    for _ in range(CALLS):
        elapsed, status, _ = server.timed("GET", f"/api/tasks/{first_id + rng.randrange(size)}")
        assert status == 200
        samples.append(elapsed)
    figures["reference"] = summary(samples)

    for name, query in (("next", ""), ("uncertainty", "?strategy=uncertainty")):
        samples = []
        for _ in range(CALLS):
            elapsed, status, body = server.timed("GET", f"/api/projects/{project}/next{query}")
            assert status == 200, body
            samples.append(elapsed)
            task = json.loads(body)["id"]
            status, body = server.request("POST", f"/api/tasks/{task}/annotations", {"was_cancelled": True})
            assert status == 201, body
        figures[name] = summary(samples)

    page_query = {"filters": {"conjunction": "and", "items": [
        {"filter": "filter:tasks:total_annotations", "operator": "equal", "type": "Number", "value": 0}]},
        "ordering": ["-tasks:id"]}
    data_query = {"filters": {"conjunction": "and", "items": [
        {"filter": "filter:tasks:data.category", "operator": "equal", "type": "String", "value": "category3"}]},
        "ordering": ["tasks:predictions_score"]}
    labeled = [first_id + i for i in range(1, size, 2)]
    for name, query, calls, write_first in (("page", page_query, 50, False), ("page_cold", page_query, 5, True),
                                            ("page_data", data_query, 10, False)):
        path = (f"/api/tasks?project={project}&page_size=100&query=" +
                urllib.parse.quote(json.dumps(query)))
        if not write_first:
            status, body = server.request("GET", path)
            assert status == 200, body
        samples = []
        for _ in range(calls):
            if write_first:
                task = rng.choice(labeled)
                status, body = server.request("POST", f"/api/tasks/{task}/annotations", {"was_cancelled": True})
                assert status == 201, body
            elapsed, status, body = server.timed("GET", path)
            assert status == 200, body
            assert len(json.loads(body)["tasks"]) == 100
            samples.append(elapsed)
        figures[name] = summary(samples)
    server.stop()
    shutil.rmtree(data_dir)
    if postgres_url:
        psql(postgres_url, f"DROP DATABASE {database_name};")
    return figures


def main():
    tally = sys.argv[1] if len(sys.argv) > 1 else "build/tally"
    sizes = [int(s) for s in os.environ.get("SIZES", "10000 1000000").split()]
    database = os.environ.get("DATABASE", "sqlite")
    if database not in ("sqlite", "postgres"):
        sys.exit(f"next_task_bench: DATABASE must be sqlite or postgres, not {database!r}")
    work = tempfile.mkdtemp(prefix="tally-next-bench.")
    postgres_url = os.environ.get("POSTGRES_URL") if database == "postgres" else None
    cluster_dir = None
    if database == "postgres" and not postgres_url:
        # Beside the work directory, not in it: as root, start-postgres.sh runs
        # the cluster as the postgres user, who cannot enter the private work
        # directory.
        cluster_dir = work + "-postgres"
        scripts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts")
        postgres_url = subprocess.run(["bash", os.path.join(scripts, "start-postgres.sh"), cluster_dir],
                                      capture_output=True, text=True, check=True).stdout.strip()
    results = {}
    try:
        print(f"database={database}")
        for size in sizes:
            results[size] = measure(tally, size, work, postgres_url)
            f = results[size]
            print(f"tasks={size} fill_seconds={f['fill_seconds']:.1f}")
            for name in ("reference", "next", "uncertainty", "page", "page_cold", "page_data"):
                median, p99 = f[name]
                print(f"  {name:12s} median_ms={median:.2f} p99_ms={p99:.2f}")
            print(f"  ratio_next_to_reference={f['next'][0] / f['reference'][0]:.2f}")
        if len(sizes) > 1:
            small, large = results[sizes[0]], results[sizes[-1]]
            for name in ("next", "uncertainty", "page", "page_cold", "page_data"):
                print(f"ratio_{name}_{sizes[-1]}_to_{sizes[0]}={large[name][0] / small[name][0]:.2f}")
    finally:
        if cluster_dir:
            subprocess.run(["bash", os.path.join(scripts, "stop-postgres.sh"), cluster_dir], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
