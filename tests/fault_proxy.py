#!/usr/bin/env python3
"""A fault-injecting HTTP proxy between ecs-wizard and moto, for tests.

usage: fault_proxy.py --upstream http://127.0.0.1:PORT [--port 0] [--rate 0.2]
                      [--seed 7] [--faults 500,503,throttle,drop-before,drop-after,stall]
                      [--stall 5] [--skip N] [--port-file F] [--log F]

Listens on 127.0.0.1 (the given port, or a free one written to --port-file)
and forwards every request to the upstream endpoint. With probability
--rate (drawn from a generator seeded with --seed, so a run is repeatable)
a request meets one of the faults instead:

  500, 503      the status with an empty body, not forwarded
  throttle      AWS's throttling error in the request's own protocol
                (EC2 XML, query XML, json __type, rest-json header), not forwarded
  drop-before   the connection is closed before the request reaches moto
  drop-after    the request IS forwarded (moto acts on it) and the response
                is thrown away: the "created but the answer was lost" case
  stall         nothing is answered for --stall seconds, then the connection closes
  stall-after   the request IS forwarded, then as stall: the client times out on
                a request that was done (not in the default list: it is slow)

The first --skip requests pass untouched (moto's free setup calls). Each
request is logged as one line: "N FAULT METHOD PATH ACTION".
Requests to /moto-api/ are never faulted.
"""
import argparse, http.client, random, socket, socketserver, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler

opts = None
lock = threading.Lock()
state = {"n": 0, "rng": None, "log": None}


def protocol_of(headers, body):
    if headers.get("X-Amz-Target"):
        return "json"
    if body.startswith(b"Action=") or b"&Action=" in body:
        return "ec2" if b"Version=2016-11-15" in body else "query"
    return "rest-json"


def action_of(headers, body, path):
    t = headers.get("X-Amz-Target")
    if t:
        return t.split(".")[-1]
    q = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    return q.get("Action", [path])[0]


def throttle(proto):
    rid = "fault-proxy-%d" % state["n"]
    if proto == "ec2":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
                "<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
                "</Error></Errors><RequestID>%s</RequestID></Response>" % rid)
        return 503, {"Content-Type": "text/xml"}, body.encode()
    if proto == "query":
        body = ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                "<Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>" % rid)
        return 400, {"Content-Type": "text/xml"}, body.encode()
    if proto == "json":
        body = '{"__type":"ThrottlingException","message":"Rate exceeded"}'
        return 400, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": rid}, body.encode()
    body = '{"message":"Rate exceeded"}'
    return 429, {"Content-Type": "application/json", "x-amzn-ErrorType": "ThrottlingException",
                 "x-amzn-RequestId": rid}, body.encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            state["n"] += 1
            n = state["n"]
            fault = None
            if n > opts.skip and not self.path.startswith("/moto-api"):
                if state["rng"].random() < opts.rate:
                    fault = state["rng"].choice(opts.faults)
        proto = protocol_of(self.headers, body)
        if state["log"]:
            with lock:
                state["log"].write("%d %s %s %s %s\n" % (n, fault or "pass", self.command, self.path,
                                                         action_of(self.headers, body, self.path)))
                state["log"].flush()
        if fault in ("500", "503"):
            return self.answer(int(fault), {"Content-Type": "text/plain"}, b"")
        if fault == "throttle":
            return self.answer(*throttle(proto))
        if fault == "drop-before":
            return self.drop()
        if fault == "stall":
            time.sleep(opts.stall)
            return self.drop()
        status, headers, data = self.forward(body)
        if fault == "stall-after":
            time.sleep(opts.stall)
        if fault in ("drop-after", "stall-after"):
            return self.drop()
        self.answer(status, headers, data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_any

    def forward(self, body):
        up = urllib.parse.urlsplit(opts.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "proxy-connection")}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        out = [(k, v) for k, v in r.getheaders()
               if k.lower() not in ("transfer-encoding", "connection", "content-length")]
        conn.close()
        return r.status, out, data

    def answer(self, status, headers, data):
        self.send_response(status)
        for k, v in (headers.items() if isinstance(headers, dict) else headers):
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def drop(self):
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global opts
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--rate", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--faults", default="500,503,throttle,drop-before,drop-after,stall")
    p.add_argument("--stall", type=float, default=5.0)
    p.add_argument("--skip", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--log")
    opts = p.parse_args()
    opts.faults = [f for f in opts.faults.split(",") if f]
    state["rng"] = random.Random(opts.seed)
    if opts.log:
        state["log"] = open(opts.log, "a")
    srv = Server(("127.0.0.1", opts.port), Handler)
    if opts.port_file:
        with open(opts.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        import os
        os.rename(opts.port_file + ".tmp", opts.port_file)
    print("fault_proxy: listening on 127.0.0.1:%d" % srv.server_address[1], file=sys.stderr, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
