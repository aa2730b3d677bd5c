#!/usr/bin/env python3
"""A static file server for tests: serves the files of one directory.

Usage: file_server.py DIRECTORY
Listens on 127.0.0.1 on a free port and prints "PORT <n>" as its first line.
A missing file gets 404. Content types come from the file extension; a
file whose name has no extension is served as application/json, so a test
can link to a task file by a bare name.
"""
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def guess_type(self, path):
        if "." not in str(path).rsplit("/", 1)[-1]:
            return "application/json"
        return super().guess_type(path)


def main():
    handler = functools.partial(Handler, directory=sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
