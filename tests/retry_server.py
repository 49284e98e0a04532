#!/usr/bin/env python3
"""retry_server.py - a misbehaving AWS for tests/check_client_retry.sh.

Listens on 127.0.0.1 (a free port; with --tls-cert also a TLS port) and
prints "PORT [TLSPORT]" on stdout once ready. The first path segment names
a scenario and its own request counter: "/<kind>-<n>-<tag>/...":

  ok-0-x        answer correctly
  s503-N-x      503 with an HTML body N times, then answer
  throttle-N-x  a throttling error in the request's protocol N times, then answer
  drop-N-x      close the connection without answering N times, then answer
  stall-N-x     sleep 2.5 s before answering N times, then answer
  delay-1-x     sleep 1 s, then answer (every time)
  always503-0-x 503 every time
  validation-0-x a 400 ValidationError (not retryable) every time

The protocol is told from the request: X-Amz-Target -> json 1.1, a form
body with Version=2016-11-15 -> ec2, another form body -> query, else
rest-json. GET /__log/<segment> returns what each request of a scenario
looked like (time, headers, body) as JSON.
"""
import json
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
LOG = {}  # segment -> list of {t, method, path, headers, body}


def success(proto, action, path):
    if proto == "json":
        if action.endswith("ListTaskDefinitions"):
            return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(
                {"taskDefinitionArns": ["arn:aws:ecs:us-east-1:123456789012:task-definition/retry:1"]})
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, "{}"
    if proto == "rest-json":
        if path.endswith("/file-systems"):
            return 200, {"Content-Type": "application/json"}, json.dumps({"FileSystems": []})
        return 200, {"Content-Type": "application/json"}, "{}"
    if proto == "ec2":
        return 200, {"Content-Type": "text/xml"}, (
            f'<{action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            f"<requestId>ok-ec2-rid</requestId></{action}Response>")
    if action == "GetCallerIdentity":
        result = ("<Arn>arn:aws:iam::123456789012:user/retry</Arn>"
                  "<UserId>AIDARETRY</UserId><Account>123456789012</Account>")
    else:
        result = ""
    return 200, {"Content-Type": "text/xml"}, (
        f'<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<{action}Result>{result}</{action}Result>"
        f"<ResponseMetadata><RequestId>ok-query-rid</RequestId></ResponseMetadata>"
        f"</{action}Response>")


def error(proto, status, code, message, rid):
    if proto == "json":
        return status, {"Content-Type": "application/x-amz-json-1.1",
                        "x-amzn-RequestId": rid}, json.dumps(
            {"__type": "com.amazonaws.test#" + code, "message": message})
    if proto == "rest-json":
        return status, {"Content-Type": "application/json", "x-amzn-RequestId": rid,
                        "x-amzn-ErrorType": code + ":http://internal.amazon.com/"}, json.dumps(
            {"message": message})
    if proto == "ec2":
        return status, {"Content-Type": "text/xml"}, (
            "<Response><Errors><Error>"
            f"<Code>{code}</Code><Message>{message}</Message>"
            f"</Error></Errors><RequestID>{rid}</RequestID></Response>")
    return status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{rid}</RequestId></ErrorResponse>")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, headers, body):
        data = body.encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        parts = self.path.split("?")[0].split("/")
        seg = parts[1] if len(parts) > 1 else ""
        if seg == "__log":
            with LOCK:
                entries = LOG.get(parts[2], [])
                return self.reply(200, {"Content-Type": "application/json"},
                                  json.dumps(entries))
        try:
            kind, n, _tag = seg.split("-", 2)
            n = int(n)
        except ValueError:
            return self.reply(404, {}, "no such scenario")
        with LOCK:
            entries = LOG.setdefault(seg, [])
            entries.append({"t": time.monotonic(), "method": self.command,
                            "path": self.path, "headers": dict(self.headers.items()),
                            "body": body})
            count = len(entries)
        target = self.headers.get("X-Amz-Target")
        form = urllib.parse.parse_qs(body) if "=" in body else {}
        if target:
            proto, action = "json", target.split(".")[-1]
        elif form:
            proto = "ec2" if form.get("Version") == ["2016-11-15"] else "query"
            action = form.get("Action", ["Unknown"])[0]
        else:
            proto, action = "rest-json", ""
        rid = f"rid-{seg}-{count}"
        failing = count <= n
        if kind == "s503" and failing or kind == "always503":
            return self.reply(503, {"Content-Type": "text/html"},
                              "<html><body>Service Unavailable</body></html>")
        if kind == "throttle" and failing:
            code = {"query": "Throttling", "ec2": "RequestLimitExceeded",
                    "json": "ThrottlingException",
                    "rest-json": "ThrottlingException"}[proto]
            status = 503 if proto == "ec2" else 400
            return self.reply(*error(proto, status, code, "Rate exceeded", rid))
        if kind == "drop" and failing:
            self.close_connection = True
            self.connection.shutdown(2)
            return None
        if kind == "stall" and failing:
            time.sleep(2.5)
        if kind == "delay":
            time.sleep(1.0)
        if kind == "validation":
            code = "ValidationError" if proto in ("query", "ec2") else "InvalidParameterException"
            return self.reply(*error(proto, 400, code, "1 validation error detected", rid))
        try:
            return self.reply(*success(proto, action, self.path.split("?")[0]))
        except (BrokenPipeError, ConnectionResetError):
            return None

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    ports = [str(srv.server_address[1])]
    servers = [srv]
    if len(sys.argv) == 3:
        tls = Server(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[1], sys.argv[2])
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
        ports.append(str(tls.server_address[1]))
        servers.append(tls)
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print(" ".join(ports), flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
