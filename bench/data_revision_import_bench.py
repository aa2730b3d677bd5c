#!/usr/bin/env python3
"""Cost of the data revision triggers (migration 0009) on task import.

Imports TASKS tasks (default 100,000, about 300 bytes each) through
POST /api/projects/{id}/import on SQLite, in a fresh data directory per run,
timed end to end. Runs alternate between the schema as migrated ("triggers")
and the same schema with the data revision triggers dropped before the
server starts ("no_triggers"), ROUNDS times each (default 3), and the script
prints each run, the medians, and the ratio triggers / no_triggers.

Usage: bench/data_revision_import_bench.py [path/to/tally]   (env: TASKS, ROUNDS)
"""
import http.client
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

TOKEN = "0123456789abcdef0123456789abcdef0bench009"
CONFIG = ('<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">'
          '<Choice value="Positive"/><Choice value="Negative"/></Choices></View>')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tally, data_dir):
    port = free_port()
    env = dict(os.environ, TALLY_INIT_USER_EMAIL="bench@example.com", TALLY_INIT_USER_TOKEN=TOKEN,
               TALLY_IMPORT_MAX_BYTES=str(4 << 30))
    log = open(os.path.join(data_dir, "..", "tally.log"), "a")
    process = subprocess.Popen([tally, "serve", "--data-dir", data_dir, "--port", str(port), "--job-workers", "0",
                                "--no-access-log", "--log-level", "warn"], env=env, stdout=log, stderr=log)
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
            connection.request("GET", "/api/health")
            connection.getresponse().read()
            return process, connection
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("tally did not start; see tally.log")


def request(connection, method, path, body):
    connection.request(method, path, body=body,
                       headers={"Authorization": "Token " + TOKEN, "Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, response.read()


def run(tally, work, index, payload, drop_triggers):
    data_dir = os.path.join(work, f"data-{index}")
    os.makedirs(data_dir)
    process, _ = serve(tally, data_dir)
    process.terminate()
    process.wait(timeout=30)
    if drop_triggers:
        db = sqlite3.connect(os.path.join(data_dir, "tally.db"))
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_data_revision_%'"
            " AND tbl_name <> 'projects'")]
        assert len(names) == 15, names
        for name in names:
            db.execute(f"DROP TRIGGER {name}")
        db.commit()
        db.close()
    process, connection = serve(tally, data_dir)
    try:
        status, body = request(connection, "POST", "/api/projects",
                               json.dumps({"title": "Bench", "label_config": CONFIG}))
        assert status == 201, body
        project = json.loads(body)["id"]
        started = time.perf_counter()
        status, body = request(connection, "POST", f"/api/projects/{project}/import", payload)
        elapsed = time.perf_counter() - started
        assert status == 201, body[:500]
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(data_dir)
    return elapsed


def main():
    tally = sys.argv[1] if len(sys.argv) > 1 else "build/tally"
    tasks = int(os.environ.get("TASKS", "100000"))
    rounds = int(os.environ.get("ROUNDS", "3"))
    filler = "lorem ipsum dolor sit amet " * 9
    payload = json.dumps([{"text": f"review {i}: {filler}", "source": "bench", "index": i} for i in range(tasks)])
    work = tempfile.mkdtemp(prefix="tally-revision-bench.")
    seconds = {"triggers": [], "no_triggers": []}
    try:
        for index in range(rounds * 2):
            mode = "triggers" if index % 2 == 0 else "no_triggers"
            elapsed = run(tally, work, index, payload, mode == "no_triggers")
            seconds[mode].append(elapsed)
            print(f"run={index} mode={mode} tasks={tasks} seconds={elapsed:.2f}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with_triggers = statistics.median(seconds["triggers"])
    without = statistics.median(seconds["no_triggers"])
    print(f"median_seconds triggers={with_triggers:.2f} no_triggers={without:.2f}")
    print(f"ratio_triggers_to_no_triggers={with_triggers / without:.3f}")


if __name__ == "__main__":
    main()
