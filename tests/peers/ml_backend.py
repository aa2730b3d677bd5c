#!/usr/bin/env python3
"""An ML backend for tests that speaks Label Studio's ML backend protocol.

Listens on 127.0.0.1 on a free port and prints "PORT <n>" as its first line.

The model is deterministic: for each task it reads the first string value
of task["data"] and predicts the choice "Positive" when the text contains
"good", else "Negative", with score 0.9 or 0.4. Words in the text change how
the backend behaves, so tests can provoke each failure:
  "slow"      waits 3 s before responding
  "crash"     responds 500 with the reference server's error shape
  "garbage"   responds 200 with a body that is not JSON
  "wrongcount" returns one result more than there are tasks
Arguments: --model-version V (default "clf-v1"), --from-name, --to-name,
--basic-auth USER:PASSWORD (then every request must carry it).

Control (not recorded): GET /__requests returns the recorded requests.
"""
import argparse
import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
requests = []
options = None
state = {"model_version": None, "trained": 0}


def first_text(task):
    for value in (task.get("data") or {}).values():
        if isinstance(value, str):
            return value
    return ""


def predict_one(task, context):
    text = first_text(task)
    label = "Positive" if "good" in text else "Negative"
    score = 0.9 if label == "Positive" else 0.4
    return {
        "model_version": state["model_version"],
        "score": score,
        "result": [{
            "from_name": options.from_name,
            "to_name": options.to_name,
            "type": "choices",
            "value": {"choices": [label]},
        }],
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY the second
    # waits for the client's delayed ACK (about 40 ms on Linux).
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, body, raw=None, headers=None):
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        if not options.basic_auth:
            return True
        expected = "Basic " + base64.b64encode(options.basic_auth.encode()).decode()
        return self.headers.get("Authorization") == expected

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path == "/__requests":
            with lock:
                return self.reply(200, requests)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        with lock:
            requests.append({"method": self.command, "path": self.path, "body": body,
                             "user_agent": self.headers.get("User-Agent", "")})
        if not self.authorized():
            return self.reply(401, {"detail": "Unauthorized"},
                              headers={"WWW-Authenticate": 'Basic realm="Login required"'})

        path = self.path.rstrip("/") or "/"
        if path in ("/", "/health") and self.command == "GET":
            return self.reply(200, {"status": "UP", "model_class": "KeywordClassifier"})
        if path == "/setup":
            return self.reply(200, {"model_version": state["model_version"]})
        if path == "/versions":
            return self.reply(200, {"versions": [state["model_version"]], "model_version": state["model_version"]})
        if path == "/webhook":
            action = (body or {}).get("action")
            if action == "START_TRAINING":
                state["trained"] += 1
                return self.reply(201, {"result": {"trained": state["trained"]}, "status": "ok"})
            if action in ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATION_DELETED"):
                return self.reply(201, {"result": {}, "status": "ok"})
            return self.reply(200, {"status": "Unknown event"})
        if path == "/predict":
            tasks = (body or {}).get("tasks") or []
            texts = " ".join(first_text(t) for t in tasks)
            if "slow" in texts:
                time.sleep(3)
            if "crash" in texts:
                return self.reply(500, {"status": 500, "detail": "ValueError: the model crashed on purpose",
                                        "request": body, "result": {"traceback": "Traceback ..."}})
            if "garbage" in texts:
                return self.reply(200, None, raw=b"{\"results\": [not json")
            context = ((body or {}).get("params") or {}).get("context")
            results = [predict_one(t, context) for t in tasks]
            if "wrongcount" in texts:
                results.append(predict_one(tasks[0], context))
            return self.reply(200, {"results": results})
        return self.reply(404, {"detail": "not found"})

    do_GET = do_POST = handle_any


def main():
    global options
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-version", default="clf-v1")
    parser.add_argument("--from-name", default="sentiment")
    parser.add_argument("--to-name", default="text")
    parser.add_argument("--basic-auth", default="")
    options = parser.parse_args()
    state["model_version"] = options.model_version
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT", server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
