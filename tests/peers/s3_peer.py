#!/usr/bin/env python3
"""An S3-compatible peer for tests: s3rver (npm) behind a checking proxy.

s3rver 3.7.1 stores objects and speaks the S3 REST API, but it does not
verify Signature Version 4: it only looks the access key id up. This proxy
checks every SigV4 signature (Authorization header or presigned query)
against --secret-key first and returns 403 SignatureDoesNotMatch on a
mismatch, as S3 does, then forwards the request to s3rver unchanged.

Both listen on 127.0.0.1 only. The access key id must be S3RVER, the one
s3rver accepts. The first line printed is "PORT <n>" once both listen.

Test controls (no signature needed):
  POST /__peer/faults  {"method": "GET", "contains": "key part", "status": 500,
                        "code": "InternalError", "times": 1}
                        answers matching requests with that error instead
                        (times -1: always)
  DELETE /__peer/faults
  GET /__peer/requests  [{"method", "path"}] of every S3 request seen
  PUT, GET, DELETE /__peer/objects/<bucket>/<key>
                        writes, reads or deletes an object directly in s3rver
"""

import argparse
import ctypes
import datetime
import hashlib
import hmac
import http.client
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.parse

PEERS_DIR = os.path.dirname(os.path.abspath(__file__))
ACCESS_KEY = "S3RVER"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent():
    # The node child must not outlive this script when the test kills it.
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def uri_encode(text, keep_slash):
    safe = "-_.~" + ("/" if keep_slash else "")
    return urllib.parse.quote(text, safe=safe)


def sign(secret, date, region, service, string_to_sign):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def canonical_query(pairs):
    encoded = sorted((uri_encode(k, False), uri_encode(v, False)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def check_signature(method, raw_path, headers, secret):
    """Returns None when the signature is valid, else an S3 error code."""
    path, _, query = raw_path.partition("?")
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    canonical_path = uri_encode(urllib.parse.unquote(path), True)
    auth = headers.get("authorization", "")
    query_map = dict(pairs)
    if auth.startswith("AWS4-HMAC-SHA256 "):
        fields = dict(item.strip().split("=", 1) for item in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        credential = fields["Credential"]
        signed_headers = fields["SignedHeaders"]
        provided = fields["Signature"]
        amz_date = headers.get("x-amz-date", "")
        payload_hash = headers.get("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
        query_pairs = pairs
    elif "X-Amz-Signature" in query_map:
        credential = query_map["X-Amz-Credential"]
        signed_headers = query_map["X-Amz-SignedHeaders"]
        provided = query_map["X-Amz-Signature"]
        amz_date = query_map["X-Amz-Date"]
        payload_hash = "UNSIGNED-PAYLOAD"
        query_pairs = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
        issued = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        expires = issued + datetime.timedelta(seconds=int(query_map["X-Amz-Expires"]))
        if datetime.datetime.now(datetime.timezone.utc) > expires:
            return "AccessDenied"
    else:
        return "AccessDenied"
    access_key, date, region, service, _ = credential.split("/")
    if access_key != ACCESS_KEY:
        return "InvalidAccessKeyId"
    header_lines = "".join(
        f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in signed_headers.split(";"))
    canonical_request = "\n".join([method, canonical_path, canonical_query(query_pairs), header_lines,
                                   signed_headers, payload_hash])
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, f"{date}/{region}/{service}/aws4_request",
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    expected = sign(secret, date, region, service, string_to_sign)
    return None if hmac.compare_digest(expected, provided) else "SignatureDoesNotMatch"


def error_body(code):
    return f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{code}</Message></Error>'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--secret-key", default="S3RVER")
    parser.add_argument("--bucket", action="append", default=[])
    args = parser.parse_args()

    s3rver = os.path.join(PEERS_DIR, "node_modules", "s3rver", "bin", "s3rver.js")
    if not os.path.exists(s3rver):
        print("s3rver is not installed; run npm ci in tests/peers", file=sys.stderr)
        sys.exit(2)
    backend_port = free_port()
    # s3rver makes continuation tokens with DES, which OpenSSL 3 keeps in
    # its legacy provider.
    command = ["node", "--openssl-legacy-provider", s3rver, "-d", args.data_dir, "-a", "127.0.0.1",
               "-p", str(backend_port), "--silent"]
    for bucket in args.bucket:
        command += ["--configure-bucket", bucket]
    backend = subprocess.Popen(command, preexec_fn=die_with_parent, stdout=subprocess.DEVNULL)

    faults = []
    requests = []
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body, content_type="application/xml", headers=()):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def control(self, body):
            if self.path == "/__peer/faults" and self.command == "POST":
                with lock:
                    faults.append(json.loads(body))
                return self.reply(200, "{}", "application/json")
            if self.path == "/__peer/faults" and self.command == "DELETE":
                with lock:
                    faults.clear()
                return self.reply(200, "{}", "application/json")
            if self.path == "/__peer/requests":
                with lock:
                    return self.reply(200, json.dumps(requests), "application/json")
            if self.path.startswith("/__peer/objects/"):
                now = datetime.datetime.now(datetime.timezone.utc)
                return self.forward(self.path[len("/__peer/objects"):], body, {
                    # s3rver looks the access key up but checks no v4 signature.
                    "Authorization": f"AWS4-HMAC-SHA256 Credential=S3RVER/{now:%Y%m%d}/us-east-1/s3/aws4_request, "
                                     "SignedHeaders=host, Signature=0",
                    "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
                    "x-amz-date": f"{now:%Y%m%dT%H%M%SZ}",
                    "Content-Type": "application/octet-stream"})
            return self.reply(404, "{}", "application/json")

        def handle_any(self):
            body = self.body()
            if self.path.startswith("/__peer/"):
                return self.control(body)
            with lock:
                requests.append({"method": self.command, "path": self.path})
            headers = {name.lower(): value for name, value in self.headers.items()}
            problem = check_signature(self.command, self.path, headers, args.secret_key)
            if problem:
                return self.reply(403, error_body(problem))
            if "x-amz-content-sha256" in headers and headers["x-amz-content-sha256"] != "UNSIGNED-PAYLOAD":
                if hashlib.sha256(body).hexdigest() != headers["x-amz-content-sha256"]:
                    return self.reply(400, error_body("XAmzContentSHA256Mismatch"))
            with lock:
                for fault in faults:
                    if fault.get("method", self.command) == self.command and fault.get("contains", "") in \
                            urllib.parse.unquote(self.path) and fault.get("times", 1) != 0:
                        fault["times"] = fault.get("times", 1) - 1
                        status, code = fault.get("status", 500), fault.get("code", "InternalError")
                        break
                else:
                    status = None
            if status:
                return self.reply(status, error_body(code))
            forward = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "transfer-encoding")}
            self.forward(self.path, body, forward)

        def forward(self, path, body, forward):
            connection = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=30)
            forward["Content-Length"] = str(len(body))
            connection.request(self.command, path, body=body, headers=forward)
            answer = connection.getresponse()
            data = answer.read()
            passed = [(k, v) for k, v in answer.getheaders()
                      if k.lower() not in ("content-length", "content-type", "connection", "transfer-encoding")]
            self.reply(answer.status, data, answer.getheader("Content-Type", "application/octet-stream"), passed)
            connection.close()

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # Wait until s3rver accepts connections before announcing the port.
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", backend_port), timeout=0.2).close()
            break
        except OSError:
            if backend.poll() is not None:
                print("s3rver exited during start-up", file=sys.stderr)
                sys.exit(2)
            threading.Event().wait(0.05)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        backend.kill()


if __name__ == "__main__":
    main()
