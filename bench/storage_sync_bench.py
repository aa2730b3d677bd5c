#!/usr/bin/env python3
"""Storage sync throughput from a local S3-compatible server.

Starts s3rver (npm, tests/peers) and `tally serve` on SQLite in a fresh data
directory, both on 127.0.0.1, and writes OBJECTS small task JSON objects
into one bucket. Then:

  reference   a plain client in this script: ListObjectsV2 pages of 1,000
              keys and one GET per object over one keep-alive connection,
              parsing each object as JSON
  tally       one storage.sync job of an S3 source storage over the same
              bucket; time from the job's started_at to finished_at, so the
              queue's idle poll is left out; includes creating and linking
              every task

It prints objects per second for both and the ratio tally / reference.

Usage: bench/storage_sync_bench.py [path/to/tally]   (env: OBJECTS=2000)
"""
import datetime
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

TOKEN = "0123456789abcdef0123456789abcdef0bench0s3"
CONFIG = ('<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">'
          '<Choice value="Positive"/><Choice value="Negative"/></Choices></View>')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUCKET = "bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, name):
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited during start-up")
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not start")


def s3_headers():
    # s3rver 3.7.1 looks the access key up and checks the time, not the v4
    # signature, so the reference client needs no signing code.
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential=S3RVER/{now:%Y%m%d}/us-east-1/s3/aws4_request, "
                             "SignedHeaders=host, Signature=0",
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": f"{now:%Y%m%dT%H%M%SZ}"}


def s3_call(connection, method, path, body=b""):
    headers = s3_headers()
    headers["Content-Length"] = str(len(body))
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path} -> {response.status}: {data[:300]!r}")
    return data


def reference_read(port):
    """Lists and reads every object the way a plain client would; returns the count."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    count = 0
    token = None
    while True:
        query = {"list-type": "2", "max-keys": "1000"}
        if token:
            query["continuation-token"] = token
        listing = s3_call(connection, "GET", f"/{BUCKET}/?{urllib.parse.urlencode(query)}").decode()
        for key in re.findall(r"<Key>([^<]+)</Key>", listing):
            json.loads(s3_call(connection, "GET", f"/{BUCKET}/{urllib.parse.quote(key)}"))
            count += 1
        found = re.search(r"<NextContinuationToken>([^<]+)</NextContinuationToken>", listing)
        if "<IsTruncated>true</IsTruncated>" not in listing or not found:
            return count
        token = found.group(1)


def call(connection, method, path, body=None):
    headers = {"Content-Type": "application/json", "Authorization": "Token " + TOKEN}
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
    objects = int(os.environ.get("OBJECTS", "2000"))
    s3rver = os.path.join(ROOT, "tests", "peers", "node_modules", "s3rver", "bin", "s3rver.js")
    if not os.path.exists(s3rver):
        print("storage_sync_bench: s3rver is missing; run npm ci in tests/peers", file=sys.stderr)
        sys.exit(2)
    work = tempfile.mkdtemp(prefix="tally-storage-bench-")
    s3_port = free_port()
    # s3rver makes continuation tokens with DES, which OpenSSL 3 keeps in
    # its legacy provider.
    peer = subprocess.Popen(["node", "--openssl-legacy-provider", s3rver, "-d", os.path.join(work, "s3"),
                             "-a", "127.0.0.1", "-p", str(s3_port), "--configure-bucket", BUCKET],
                            stdout=open(os.path.join(work, "s3rver.log"), "w"), stderr=subprocess.STDOUT)
    server = None
    try:
        wait_for_port(s3_port, peer, "s3rver")
        connection = http.client.HTTPConnection("127.0.0.1", s3_port)
        for index in range(objects):
            body = json.dumps({"text": f"task number {index}, a short sentence to label"}).encode()
            s3_call(connection, "PUT", f"/{BUCKET}/tasks/{index:07d}.json", body)
        connection.close()

        port = free_port()
        log = open(os.path.join(work, "tally.log"), "w")
        env = dict(os.environ, TALLY_INIT_USER_EMAIL="bench@example.com", TALLY_INIT_USER_TOKEN=TOKEN)
        server = subprocess.Popen([tally, "serve", "--data-dir", os.path.join(work, "data"), "--port", str(port),
                                   "--job-workers", "1", "--no-access-log", "--log-level", "warn"],
                                  env=env, stdout=log, stderr=log)
        wait_for_port(port, server, "tally serve")
        api = http.client.HTTPConnection("127.0.0.1", port)

        started = time.perf_counter()
        read = reference_read(s3_port)
        reference_seconds = time.perf_counter() - started
        assert read == objects, (read, objects)

        project = call(api, "POST", "/api/projects", {"title": "Storage bench", "label_config": CONFIG})
        storage = call(api, "POST", "/api/storages/s3", {
            "project": project["id"], "bucket": BUCKET, "prefix": "tasks/", "s3_endpoint": f"http://127.0.0.1:{s3_port}",
            "aws_access_key_id": "S3RVER", "aws_secret_access_key": "S3RVER"})
        synced = call(api, "POST", f"/api/storages/s3/{storage['id']}/sync", {})
        job_id = synced["last_sync_job"]
        while True:
            job = call(api, "GET", f"/api/jobs/{job_id}")
            if job["status"] in ("succeeded", "failed", "cancelled"):
                break
            time.sleep(0.2)
        if job["status"] != "succeeded" or job["result"]["tasks_created"] != objects:
            raise RuntimeError(f"sync did not import every object: {json.dumps(job)[:500]}")
        tally_seconds = parse_time(job["finished_at"]) - parse_time(job["started_at"])

        reference_rate = objects / reference_seconds
        tally_rate = objects / tally_seconds
        print(f"objects: {objects}")
        print(f"reference list+GET: {reference_rate:,.0f} objects/s ({reference_seconds:.2f} s)")
        print(f"tally sync job:     {tally_rate:,.0f} objects/s ({tally_seconds:.2f} s)")
        print(f"ratio tally/reference: {tally_rate / reference_rate:.2f}")
    finally:
        if server:
            server.terminate()
            server.wait()
        peer.kill()
        peer.wait()
        if os.environ.get("KEEP"):
            print(work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
