#!/usr/bin/env python3
"""httpstub.py: a loopback HTTP server for the e2e tests (refresh.sh,
webhooks.sh), standard library only.  It binds 127.0.0.1 on a free port
and writes the port to PORTFILE.

  httpstub.py PORTFILE serve DIR
      GET serves the files under DIR (a path that is no file: 404); a file
      beside which FILE.nolength exists is sent without Content-Length
      (the end of the body is the end of the connection).
  httpstub.py PORTFILE record OUTDIR [FAIL_FIRST]
      POST requests are recorded as OUTDIR/NNNN.json {path, headers, body};
      the first FAIL_FIRST answers are 500, the rest 200.
"""
import http.server
import json
import os
import sys
import threading

portfile, mode = sys.argv[1], sys.argv[2]
lock = threading.Lock()
state = {"n": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body=b"", length=True):
        self.send_response(code)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass    # the client cut the transfer (labeld's size cap)

    def do_GET(self):
        if mode != "serve":
            return self.answer(405)
        root = os.path.realpath(sys.argv[3])
        path = os.path.realpath(os.path.join(root, self.path.lstrip("/")))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            return self.answer(404, b"not found")
        with open(path, "rb") as f:
            self.answer(200, f.read(), not os.path.exists(path + ".nolength"))

    def do_POST(self):
        if mode != "record":
            return self.answer(405)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        fail_first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        with lock:
            state["n"] += 1
            n = state["n"]
            rec = {"path": self.path, "headers": dict(self.headers.items()),
                   "body": body.decode("utf-8")}
            tmp = os.path.join(sys.argv[3], ".%04d.tmp" % n)
            with open(tmp, "w") as f:
                json.dump(rec, f)
            os.rename(tmp, os.path.join(sys.argv[3], "%04d.json" % n))
        self.answer(500 if n <= fail_first else 200, b"{}")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
