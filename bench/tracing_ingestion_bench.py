#!/usr/bin/env python3
"""Ingestion throughput: events/s through POST /api/public/ingestion.

Starts `tally serve` on SQLite on a free loopback port, then CLIENTS threads
post pre-built batches of 100 realistic events (per trace: trace-create,
span-create, generation-create with chat input and model, generation-update
with output and usage, score-create) for DURATION seconds. The reference, run
in the same process right after, inserts the same events and one row per
entity with prepared statements (sqlite3 executemany) into a SQLite file with
the same schema and pragmas, one transaction per batch, timing only the
inserts: the floor for storing those rows at all.

Usage: bench/tracing_ingestion_bench.py BUILD/tally   (env DURATION, CLIENTS, RUNS)
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
import threading
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PUBLIC_KEY = "pk-lf-bench"
SECRET_KEY = "sk-lf-bench-secret-000000001"
EVENTS_PER_BATCH = 100


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def make_batch(now):
    """Returns 100 events: 20 traces with 5 events each."""
    events = []
    for _ in range(EVENTS_PER_BATCH // 5):
        trace_id, span_id, generation_id = (str(uuid.uuid4()) for _ in range(3))
        stamp = iso(now)
        messages = [{"role": "system", "content": "You are a helpful assistant. " * 4},
                    {"role": "user", "content": "Summarize the quarterly report in three bullet points."}]
        events += [
            {"id": str(uuid.uuid4()), "type": "trace-create", "timestamp": stamp,
             "body": {"id": trace_id, "name": "chat", "userId": "user-42", "sessionId": "session-7",
                      "input": {"question": messages[1]["content"]}, "tags": ["prod"], "metadata": {"plan": "pro"},
                      "environment": "production"}},
            {"id": str(uuid.uuid4()), "type": "span-create", "timestamp": stamp,
             "body": {"id": span_id, "traceId": trace_id, "name": "retrieve", "startTime": stamp, "endTime": stamp,
                      "input": {"query": "quarterly report"}, "output": {"documents": 3}}},
            {"id": str(uuid.uuid4()), "type": "generation-create", "timestamp": stamp,
             "body": {"id": generation_id, "traceId": trace_id, "parentObservationId": span_id, "name": "llm",
                      "startTime": stamp, "model": "gpt-4o", "modelParameters": {"temperature": 0.2},
                      "input": messages}},
            {"id": str(uuid.uuid4()), "type": "generation-update", "timestamp": stamp,
             "body": {"id": generation_id, "traceId": trace_id, "endTime": stamp,
                      "output": {"role": "assistant", "content": "- Revenue grew\n- Costs fell\n- Outlook stable"},
                      "usageDetails": {"input": 120, "output": 30, "input_cached_tokens": 20}}},
            {"id": str(uuid.uuid4()), "type": "score-create", "timestamp": stamp,
             "body": {"id": str(uuid.uuid4()), "traceId": trace_id, "name": "helpfulness", "value": 0.9}},
        ]
    return events


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(port, deadline):
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/public/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("tally serve did not pass /api/public/health in time")


def post_for(binary, duration, clients, bodies, path, content_type, stored_by):
    """Starts `tally serve` on SQLite and has `clients` threads post `bodies`
    round robin to `path` over keep-alive connections for `duration` seconds.
    `stored_by(status, answer)` returns the events one response stored, or
    None when it failed. Returns stored events per second."""
    data_dir = tempfile.mkdtemp(prefix="tally-bench-")
    port = free_port()
    env = dict(os.environ, TALLY_INIT_USER_EMAIL="bench@example.com", TALLY_INIT_PROJECT_NAME="Bench",
               TALLY_INIT_PROJECT_PUBLIC_KEY=PUBLIC_KEY, TALLY_INIT_PROJECT_SECRET_KEY=SECRET_KEY)
    server = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data_dir, "--no-access-log",
                               "--log-level", "warn"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, time.time() + 20)
        auth = "Basic " + base64.b64encode(f"{PUBLIC_KEY}:{SECRET_KEY}".encode()).decode()
        stored = [0] * clients
        failures = []
        stop_at = time.time() + duration

        def client(index):
            connection = http.client.HTTPConnection("127.0.0.1", port)
            sent = 0
            while time.time() < stop_at:
                body = bodies[(index + sent * clients) % len(bodies)]
                sent += 1
                connection.request("POST", path, body, {"Authorization": auth, "Content-Type": content_type})
                response = connection.getresponse()
                answer = response.read()
                count = stored_by(response.status, answer)
                if count is None:
                    failures.append((response.status, answer[:300]))
                    return
                stored[index] += count

        started = time.time()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.time() - started
        if failures:
            raise SystemExit(f"POST {path} failed: {failures[0]}")
        return sum(stored) / elapsed
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", data_dir], check=False)


def measure_tally(binary, duration, clients):
    bodies = [json.dumps({"batch": make_batch(time.time())}).encode() for _ in range(clients * 40)]

    def stored_by(status, answer):
        result = json.loads(answer)
        return len(result["successes"]) if status == 207 and not result["errors"] else None

    return post_for(binary, duration, clients, bodies, "/api/public/ingestion", "application/json", stored_by)


def measure_reference(duration):
    directory = tempfile.mkdtemp(prefix="tally-bench-ref-")
    database = sqlite3.connect(os.path.join(directory, "ref.db"), isolation_level=None)
    database.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;")
    with open(os.path.join(ROOT, "src/store/migrations/0010_tracing.up.sqlite.sql")) as schema:
        database.executescript(schema.read())
    event_sql = ("INSERT INTO tracing_events (project_id, entity_kind, entity_id, event_id, event_type, event_time, body)"
                 " VALUES (1, ?, ?, ?, ?, ?, ?)")
    trace_sql = ("INSERT INTO traces (project_id, id, timestamp, name, user_id, session_id, environment, tags, metadata,"
                 " input, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    observation_sql = ("INSERT OR REPLACE INTO observations (project_id, id, trace_id, type, name, environment,"
                       " start_time, level, input, output, metadata, model, usage_details, cost_details, created_at,"
                       " updated_at) VALUES (1, ?, ?, ?, ?, 'default', ?, 'DEFAULT', ?, ?, '{}', ?, ?, '{}', ?, ?)")
    score_sql = ("INSERT INTO scores (project_id, id, name, value, data_type, source, trace_id, environment, timestamp,"
                 " created_at, updated_at) VALUES (1, ?, ?, ?, 'NUMERIC', 'API', ?, 'default', ?, ?, ?)")
    # Only the inserts are timed: rows are built before each timed block.
    inserted = 0
    timed = 0.0
    while timed < duration:
        events = make_batch(time.time())
        now = int(time.time() * 1e6)
        rows = {"event": [], "trace": [], "observation": [], "score": []}
        for event in events:
            body = event["body"]
            kind = {"trace-create": "trace", "score-create": "score"}.get(event["type"], "observation")
            rows["event"].append((kind, body["id"], event["id"], event["type"], now, json.dumps(body)))
            if kind == "trace":
                rows["trace"].append((body["id"], now, body["name"], body["userId"], body["sessionId"],
                                      body["environment"], json.dumps(body["tags"]), json.dumps(body["metadata"]),
                                      json.dumps(body["input"]), now, now))
            elif kind == "score":
                rows["score"].append((body["id"], body["name"], body["value"], body["traceId"], now, now, now))
            else:
                rows["observation"].append((body["id"], body["traceId"], event["type"].split("-")[0].upper(),
                                            body.get("name"), now, json.dumps(body.get("input")),
                                            json.dumps(body.get("output")), body.get("model"),
                                            json.dumps(body.get("usageDetails", {})), now, now))
        started = time.perf_counter()
        database.execute("BEGIN")
        database.executemany(event_sql, rows["event"])
        database.executemany(trace_sql, rows["trace"])
        database.executemany(observation_sql, rows["observation"])
        database.executemany(score_sql, rows["score"])
        database.execute("COMMIT")
        timed += time.perf_counter() - started
        inserted += len(events)
    database.close()
    subprocess.run(["rm", "-rf", directory], check=False)
    return inserted / timed


def compare(measure_tally, measure_reference, labels):
    """Runs RUNS rounds of `measure_tally(binary, duration, clients)` then
    `measure_reference(duration)` and prints medians and ratios; `labels` names
    the two lines."""
    if len(sys.argv) != 2:
        raise SystemExit(sys.modules["__main__"].__doc__)
    binary = os.path.abspath(sys.argv[1])
    duration = float(os.environ.get("DURATION", "5"))
    clients = int(os.environ.get("CLIENTS", "4"))
    runs = int(os.environ.get("RUNS", "3"))
    tally, reference = [], []
    for _ in range(runs):
        tally.append(measure_tally(binary, duration, clients))
        reference.append(measure_reference(duration))
    ratios = [t / r for t, r in zip(tally, reference)]
    print(f"{labels[0]} median {statistics.median(tally):,.0f}  runs {[round(x) for x in tally]}")
    print(f"{labels[1]} median {statistics.median(reference):,.0f}  runs {[round(x) for x in reference]}")
    print(f"ratio median {statistics.median(ratios):.2f}  runs {[round(x, 2) for x in ratios]}")


def main():
    compare(measure_tally, measure_reference, ("tally ingestion   events/s", "raw sqlite insert events/s"))


if __name__ == "__main__":
    main()
