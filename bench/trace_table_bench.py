#!/usr/bin/env python3
"""Trace table load time at two project sizes: the UI's first-page requests
and the page render in Chromium.

For each size in observations (default 100,000 and 1,000,000; FULL runs use
10,000,000) the script fills a fresh SQLite project exactly as
bench/trace_list_bench.py does (10 observations and one score per trace,
rows written straight into the store's tables). Then `tally serve` runs with
the web UI and the script times:

  api     the requests the trace table makes to open, one after the other
          over one keep-alive connection (median of CALLS). They are page 1
          of GET /api/public/traces with the default columns' field groups
          (core, io, metrics; 50 rows, newest first) and the score configs
          for the filter form.
  render  Chromium opening /projects/<id>/traces until the first row is on
          screen, logged in, JavaScript bundle cached (median of RENDERS;
          bench/trace_table_render.mjs). Its reference, in the same browser:
          the project list opening, the same page load without the table.

The figure is the ratio largest / smallest size for each, with a goal of
at most 2. The page should also open in well under a second.

Usage: bench/trace_table_bench.py [path/to/tally]
  (env: SIZES="100000 10000000", CALLS=20, RENDERS=5, TALLY_WEB_DIR=dir with dist/)
"""
import base64
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from trace_list_bench import filled_data_dir
from tracing_ingestion_bench import PUBLIC_KEY, SECRET_KEY, free_port, wait_healthy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMAIL = "bench@example.com"
PASSWORD = "bench-password-0001"
PAGE_ONE = "/api/public/traces?page=1&limit=50&orderBy=timestamp.desc&fields=core%2Cio%2Cmetrics"
SCORE_CONFIGS = "/api/public/score-configs?page=1&limit=100"


class Server:
    def __init__(self, tally, data_dir):
        self.port = free_port()
        env = dict(os.environ, TALLY_INIT_USER_EMAIL=EMAIL, TALLY_INIT_USER_PASSWORD=PASSWORD,
                   TALLY_INIT_PROJECT_NAME="Bench", TALLY_INIT_PROJECT_PUBLIC_KEY=PUBLIC_KEY,
                   TALLY_INIT_PROJECT_SECRET_KEY=SECRET_KEY)
        web_dir = os.environ.get("TALLY_WEB_DIR", os.path.join(ROOT, "web"))
        self.process = subprocess.Popen(
            [tally, "serve", "--data-dir", data_dir, "--port", str(self.port), "--host", "127.0.0.1",
             "--web-dir", web_dir, "--job-workers", "0", "--no-access-log", "--log-level", "warn"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_healthy(self.port, time.time() + 60)
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port)
        self.auth = "Basic " + base64.b64encode(f"{PUBLIC_KEY}:{SECRET_KEY}".encode()).decode()

    def get(self, path):
        self.connection.request("GET", path, headers={"Authorization": self.auth})
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path} returned {response.status}: {body[:300]!r}")
        return json.loads(body)

    def stop(self):
        self.connection.close()
        self.process.terminate()
        self.process.wait()


def measure(tally, size, calls, renders):
    data_dir, project_id = filled_data_dir(Server, tally, size)
    try:
        server = Server(tally, data_dir)
        first = server.get(PAGE_ONE)
        server.get(SCORE_CONFIGS)
        samples = []
        for _ in range(calls):
            begin = time.perf_counter()
            server.get(PAGE_ONE)
            server.get(SCORE_CONFIGS)
            samples.append((time.perf_counter() - begin) * 1000)
        api = statistics.median(samples)
        print(f"  api     {api:8.2f} ms  ({len(first['data'])} rows of {first['meta']['totalItems']:,} traces)",
              flush=True)

        render_script = os.path.join(ROOT, "bench", "trace_table_render.mjs")
        output = subprocess.run(
            ["node", render_script, f"http://127.0.0.1:{server.port}", EMAIL, PASSWORD, str(project_id),
             str(renders)], check=True, capture_output=True, text=True).stdout
        timing = json.loads(output.strip().splitlines()[-1])
        render, reference = timing["median_ms"], timing["reference_ms"]
        print(f"  render  {render:8.2f} ms  (project list, the reference: {reference:.2f} ms,"
              f" ratio {render / reference:.2f})", flush=True)
        server.stop()
        return {"api": api, "render": render}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    tally = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/tally")
    sizes = [int(s) for s in os.environ.get("SIZES", "100000 1000000").split()]
    calls = int(os.environ.get("CALLS", "20"))
    renders = int(os.environ.get("RENDERS", "5"))
    results = {size: measure(tally, size, calls, renders) for size in sizes}
    small, large = results[sizes[0]], results[sizes[-1]]
    print(f"\nratio {sizes[-1]:,} / {sizes[0]:,} observations (goal <= 2):")
    for label in ("api", "render"):
        print(f"  {label:8} {small[label]:8.2f} ms -> {large[label]:8.2f} ms   ratio {large[label] / small[label]:.2f}")


if __name__ == "__main__":
    main()
