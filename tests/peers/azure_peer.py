#!/usr/bin/env python3
"""An Azure Blob peer for tests: Azurite (npm, Microsoft's emulator).

Azurite checks SharedKey and SAS signatures itself, so requests are passed
through unchanged. The script creates the --container containers, then
prints "PORT <n>" for a small front that forwards every request to Azurite
and adds test controls (no signature needed):
  PUT, GET /__peer/objects/<container>/<blob>   writes or reads a blob directly
Both listen on 127.0.0.1 only. The account is Azurite's well-known
development account, devstoreaccount1.
"""

import argparse
import base64
import ctypes
import email.utils
import hashlib
import hmac
import http.client
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.parse

PEERS_DIR = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent():
    # The node child must not outlive this script when the test kills it.
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def signed_request(port, method, path, query, body=b"", content_type=""):
    """Sends a SharedKey-signed request to Azurite and returns (status, body)."""
    headers = {"x-ms-date": email.utils.formatdate(usegmt=True), "x-ms-version": "2021-12-02"}
    if method == "PUT" and "restype" not in query:
        headers["x-ms-blob-type"] = "BlockBlob"
    canonical_headers = "".join(f"{k}:{v}\n" for k, v in sorted(headers.items()))
    resource = f"/{ACCOUNT}{urllib.parse.quote(path)}" + "".join(f"\n{k}:{v}" for k, v in sorted(query.items()))
    length = str(len(body)) if body else ""
    string_to_sign = f"{method}\n\n\n{length}\n\n{content_type}\n\n\n\n\n\n\n{canonical_headers}{resource}"
    signature = base64.b64encode(hmac.new(base64.b64decode(ACCOUNT_KEY), string_to_sign.encode(),
                                          hashlib.sha256).digest()).decode()
    headers["Authorization"] = f"SharedKey {ACCOUNT}:{signature}"
    if content_type:
        headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    target = urllib.parse.quote(path) + ("?" + urllib.parse.urlencode(query) if query else "")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, target, body=body, headers=headers)
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    return answer.status, data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--container", action="append", default=[])
    args = parser.parse_args()

    azurite = os.path.join(PEERS_DIR, "node_modules", "azurite", "dist", "src", "blob", "main.js")
    if not os.path.exists(azurite):
        print("azurite is not installed; run npm ci in tests/peers", file=sys.stderr)
        sys.exit(2)
    backend_port = free_port()
    backend = subprocess.Popen(
        ["node", azurite, "--blobHost", "127.0.0.1", "--blobPort", str(backend_port), "--inMemoryPersistence",
         "--disableTelemetry", "--silent", "--disableProductStyleUrl"],
        preexec_fn=die_with_parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", backend_port), timeout=0.2).close()
            break
        except OSError:
            if backend.poll() is not None:
                print("azurite exited during start-up", file=sys.stderr)
                sys.exit(2)
            threading.Event().wait(0.05)
    for container in args.container:
        status, data = signed_request(backend_port, "PUT", f"/{ACCOUNT}/{container}", {"restype": "container"})
        if status != 201:
            print(f"creating container {container} failed: {status} {data[:200]!r}", file=sys.stderr)
            sys.exit(2)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, data, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/__peer/objects/"):
                path = urllib.parse.unquote(self.path[len("/__peer/objects"):])
                content_type = "application/octet-stream" if self.command == "PUT" else ""
                status, data = signed_request(backend_port, self.command, f"/{ACCOUNT}{path}", {}, body, content_type)
                return self.reply(200 if status in (200, 201) else status, data)
            connection = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "transfer-encoding")}
            headers["Content-Length"] = str(len(body))
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            passed = [(k, v) for k, v in answer.getheaders()
                      if k.lower() not in ("content-length", "connection", "transfer-encoding")]
            self.reply(answer.status, data, passed)
            connection.close()

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        backend.kill()


if __name__ == "__main__":
    main()
