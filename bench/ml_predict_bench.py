#!/usr/bin/env python3
"""Prediction round trip through Tally against the ML backend's own time.

Starts tests/peers/ml_backend.py (a keyword classifier speaking Label
Studio's ML backend protocol) and `tally serve` on SQLite in a fresh data
directory, both on 127.0.0.1, imports TASKS tasks and connects the backend
twice (one plain, one interactive). Then, over keep-alive connections:

  backend_batch   POST /predict straight to the backend, 16 tasks a request
                  (the batch size of ml.predict jobs), every task once
  job             one ml.predict job over the same tasks; time from the
                  job's started_at to finished_at, so the queue's idle poll
                  is left out; includes storing every prediction
  backend_single  POST /predict straight to the backend with one task,
                  CALLS times
  interactive     POST /api/ml/{id}/interactive-annotating for one task,
                  CALLS times (Tally loads the task, calls /predict, stores
                  nothing)

It prints microseconds per task and the ratios job / backend_batch and
interactive / backend_single.

Usage: bench/ml_predict_bench.py [path/to/tally]   (env: TASKS=320 CALLS=200)
"""
import datetime
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TOKEN = "0123456789abcdef0123456789abcdef0bench0ml"
CONFIG = ('<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">'
          '<Choice value="Positive"/><Choice value="Negative"/></Choices></View>')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(connection, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Token " + token
    connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path} -> {response.status}: {data[:300]!r}")
    return json.loads(data) if data else None


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main():
    tally = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "tally")
    tasks_count = int(os.environ.get("TASKS", "320"))
    calls = int(os.environ.get("CALLS", "200"))
    work = tempfile.mkdtemp(prefix="tally-ml-bench-")
    backend = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "peers", "ml_backend.py")],
                               stdout=subprocess.PIPE, text=True)
    server = None
    try:
        backend_port = int(backend.stdout.readline().split()[1])
        port = free_port()
        log = open(os.path.join(work, "tally.log"), "w")
        env = dict(os.environ, TALLY_INIT_USER_EMAIL="bench@example.com", TALLY_INIT_USER_TOKEN=TOKEN)
        server = subprocess.Popen([tally, "serve", "--data-dir", os.path.join(work, "data"), "--port", str(port),
                                   "--job-workers", "1", "--no-access-log", "--log-level", "warn"],
                                  env=env, stdout=log, stderr=log)
        api = None
        for _ in range(200):
            try:
                api = http.client.HTTPConnection("127.0.0.1", port)
                call(api, "GET", "/api/health")
                break
            except OSError:
                time.sleep(0.05)
        direct = http.client.HTTPConnection("127.0.0.1", backend_port)

        project = call(api, "POST", "/api/projects", {"title": "Bench", "label_config": CONFIG}, TOKEN)["id"]
        texts = [{"text": ("a good day" if i % 2 else "a bad day") + f" #{i}"} for i in range(tasks_count)]
        call(api, "POST", f"/api/projects/{project}/import", texts, TOKEN)
        tasks = call(api, "GET", f"/api/tasks?project={project}&page_size={tasks_count}", token=TOKEN)["tasks"]
        url = f"http://127.0.0.1:{backend_port}"
        plain = call(api, "POST", "/api/ml", {"url": url, "project": project, "title": "plain"}, TOKEN)
        smart = call(api, "POST", "/api/ml", {"url": url, "project": project, "title": "smart",
                                              "is_interactive": True}, TOKEN)

        # backend_batch: the backend's own time for the job's batches.
        started = time.perf_counter()
        for start in range(0, len(tasks), 16):
            call(direct, "POST", "/predict", {"tasks": tasks[start:start + 16], "project": f"{project}.0",
                                              "label_config": CONFIG, "params": {"context": None}})
        backend_batch = (time.perf_counter() - started) / len(tasks)

        job_id = call(api, "POST", f"/api/ml/{plain['id']}/predict", {}, TOKEN)["job_ids"][0]
        job = None
        for _ in range(6000):
            job = call(api, "GET", f"/api/jobs/{job_id}", token=TOKEN)
            if job["status"] in ("succeeded", "failed"):
                break
            time.sleep(0.01)
        if job["status"] != "succeeded" or job["result"]["predictions_stored"] != len(tasks):
            raise RuntimeError(f"prediction job did not store every prediction: {job}")
        job_time = (parse_time(job["finished_at"]) - parse_time(job["started_at"])) / len(tasks)

        single = []
        for i in range(calls):
            t0 = time.perf_counter()
            call(direct, "POST", "/predict", {"tasks": [tasks[i % len(tasks)]], "project": f"{project}.0",
                                              "label_config": CONFIG, "params": {"context": {"result": []}}})
            single.append(time.perf_counter() - t0)
        interactive = []
        for i in range(calls):
            t0 = time.perf_counter()
            call(api, "POST", f"/api/ml/{smart['id']}/interactive-annotating",
                 {"task": tasks[i % len(tasks)]["id"], "context": {"result": []}}, TOKEN)
            interactive.append(time.perf_counter() - t0)

        single_median = statistics.median(single)
        interactive_median = statistics.median(interactive)
        print(f"tasks={len(tasks)} calls={calls}")
        print(f"backend_batch   {backend_batch * 1e6:9.0f} us/task")
        print(f"job             {job_time * 1e6:9.0f} us/task   ratio {job_time / backend_batch:.2f}x")
        print(f"backend_single  {single_median * 1e6:9.0f} us/task (median)")
        print(f"interactive     {interactive_median * 1e6:9.0f} us/task (median)   "
              f"ratio {interactive_median / single_median:.2f}x")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        backend.kill()
        backend.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
