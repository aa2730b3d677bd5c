#!/usr/bin/env python3
"""An OpenAI-compatible chat completions server for evaluator tests.

Listens on 127.0.0.1 on a free port and prints "PORT <n>" as its first line.
The first path segment picks the behaviour, so one server plays several
LLM connections (base URL http://127.0.0.1:<port>/<mode>):

  /ok/chat/completions        a verdict that depends only on the request: the
                              score is 1 (or "correct") when the user message
                              contains "Paris", else 0 (or "incorrect")
  /garbage/chat/completions   200 with message content that is not JSON
  /error500/chat/completions  500 with an OpenAI-style error body
  /slow/chat/completions      waits 3 seconds, then responds as /ok
Control (not recorded):
  GET /__requests             every recorded request as a JSON list of
                              {path, authorization, body}
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
requests = []


def verdict(body):
    messages = body.get("messages", [])
    system = next((m["content"] for m in messages if m.get("role") == "system"), "")
    user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    right = "Paris" in user
    if "one of these strings" in system:
        score = "correct" if right else "incorrect"
    elif "true or false" in system:
        score = right
    else:
        score = 1 if right else 0
    reasoning = "The answer names Paris." if right else "The answer does not name Paris."
    return json.dumps({"reasoning": reasoning, "score": score})


def completion(content, model):
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/__requests":
            with lock:
                return self.reply(200, list(requests))
        return self.reply(404, {"error": {"message": "not found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        with lock:
            requests.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                             "body": raw.decode("utf-8", "replace")})
        mode = self.path.strip("/").split("/")[0]
        if not self.path.endswith("/chat/completions"):
            return self.reply(404, {"error": {"message": "unknown path"}})
        try:
            body = json.loads(raw)
        except ValueError:
            return self.reply(400, {"error": {"message": "body is not JSON"}})
        model = body.get("model", "")
        if mode == "garbage":
            return self.reply(200, completion("I think it is fine, maybe 7/10?", model))
        if mode == "error500":
            return self.reply(500, {"error": {"message": "internal error", "type": "server_error"}})
        if mode == "slow":
            time.sleep(3)
        return self.reply(200, completion(verdict(body), model))


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
