#!/usr/bin/env python3
"""An HTTP peer for tests: records every request and responds as the path requests.

Listens on 127.0.0.1 on a free port and prints "PORT <n>" as its first line.

Paths:
  /status/<code>           responds <code> with a JSON body
  /slow/<ms>               waits <ms> milliseconds, then responds 200
  /big/<bytes>             responds 200 with a body of <bytes> bytes
  /redirect?to=<url>&code=<3xx>   responds with a redirect to <url>
  /fail-first/<n>/<name>   responds 500 to the first <n> requests, then 200
  /loop                    redirects to itself
  anything else            responds 200 {"ok": true}
Control (not recorded):
  GET  /__requests         the recorded requests as a JSON list
  POST /__secret           body is the HMAC-SHA256 secret; requests whose
                           X-Tally-Signature header does not match the body are
                           then rejected with 401 and recorded with signature_valid false
"""
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

lock = threading.Lock()
requests = []
failures = {}
secret = {"value": None}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]

        if url.path == "/__requests":
            with lock:
                return self.reply(200, requests)
        if url.path == "/__secret":
            secret["value"] = body
            return self.reply(200, {"ok": True})

        record = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "time": time.time(),
        }
        if secret["value"] is not None:
            expected = hmac.new(secret["value"], body, hashlib.sha256).hexdigest()
            given = self.headers.get("X-Tally-Signature", "")
            record["signature_valid"] = hmac.compare_digest("sha256=" + expected, given)
        with lock:
            requests.append(record)
        if record.get("signature_valid") is False:
            return self.reply(401, {"error": "bad signature"})

        if len(parts) == 2 and parts[0] == "status":
            return self.reply(int(parts[1]), {"status": int(parts[1])})
        if len(parts) == 2 and parts[0] == "slow":
            time.sleep(int(parts[1]) / 1000.0)
            return self.reply(200, {"ok": True})
        if len(parts) == 2 and parts[0] == "big":
            return self.reply(200, b"x" * int(parts[1]))
        if parts == ["loop"]:
            return self.reply(302, {}, {"Location": "/loop"})
        if parts[:1] == ["redirect"]:
            query = parse_qs(url.query)
            code = int(query.get("code", ["302"])[0])
            return self.reply(code, {}, {"Location": query["to"][0]})
        if len(parts) >= 2 and parts[0] == "fail-first":
            key = url.path
            with lock:
                seen = failures.get(key, 0)
                failures[key] = seen + 1
            if seen < int(parts[1]):
                return self.reply(500, {"error": "failing on purpose", "attempt": seen + 1})
            return self.reply(200, {"ok": True, "attempt": seen + 1})
        return self.reply(200, {"ok": True})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT", server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
