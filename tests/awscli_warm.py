#!/usr/bin/env python3
"""awscli_warm.py - the real AWS CLI, kept warm: one Python process loads
awscli once and runs each command line it is sent with awscli's own driver
(the same argument parsing, --cli-input-json, --query, waiters and text
output as the `aws` program), so a script of a hundred `aws` commands runs
in seconds instead of minutes of interpreter start-up.

  awscli_warm.py --serve SOCKET      serve until killed
  awscli_warm.py SOCKET ARGS...      run `aws ARGS...` in the server

The server's environment (AWS_ENDPOINT_URL, credentials, region) is what
every command sees."""
import contextlib
import io
import json
import os
import socket
import struct
import sys


def send(sock, obj):
    data = json.dumps(obj).encode()
    sock.sendall(struct.pack("!I", len(data)) + data)


def recv(sock):
    head = b""
    while len(head) < 4:
        chunk = sock.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    n = struct.unpack("!I", head)[0]
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return json.loads(data)


def serve(path):
    from awscli.clidriver import create_clidriver
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(4)
    # A driver per command (its state is per command line), all sharing
    # one loader of botocore's service models: reading those is most of
    # a command's start-up.
    import botocore.loaders
    import botocore.session
    shared = {}

    def shared_loader(data_path=""):
        if data_path not in shared:
            shared[data_path] = botocore.loaders.create_loader(data_path)
        return shared[data_path]

    botocore.session.create_loader = shared_loader
    while True:
        conn, _ = srv.accept()
        with conn:
            req = recv(conn)
            if req is None:
                continue
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    rc = create_clidriver().main(req["argv"])
                except SystemExit as e:
                    rc = e.code if isinstance(e.code, int) else 1
                except Exception as e:  # the CLI's own crash, reported as the CLI would
                    print(str(e), file=sys.stderr)
                    rc = 255
            send(conn, {"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()})


def client(path, argv):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    send(s, {"argv": argv})
    res = recv(s)
    sys.stdout.write(res["stdout"])
    sys.stderr.write(res["stderr"])
    return res["rc"]


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve(sys.argv[2])
    else:
        sys.exit(client(sys.argv[1], sys.argv[2:]))
