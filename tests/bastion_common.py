"""Shared pieces of the bastion tests: a throwaway sshd on 127.0.0.1 with
its own host key and authorized keys, ssh-keygen helpers, and a small HTTP
server standing in for the container (`/` gives {"app_version":"3.3.2-cpu"},
`/healthz` 200 or whatever Handler.healthz_status says).

Used by ssh_integration.py (the SSH module alone) and deploy_bastion.py (the
deployment reaching the bastion). Runs inside the callers' `unshare -n`."""
import http.server
import os
import socket
import subprocess
import threading
import time

SSHD = "/usr/sbin/sshd"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def keygen(path, ktype, extra=()):
    subprocess.run(["ssh-keygen", "-q", "-t", ktype, "-N", "", "-C", "root@ip-10-0-0-1",
                    "-f", path] + list(extra), check=True)


def keygen_fp(pub):
    out = subprocess.run(["ssh-keygen", "-lf", pub, "-E", "sha256"], check=True,
                         capture_output=True, text=True).stdout
    return out.split()[1]


class Handler(http.server.BaseHTTPRequestHandler):
    # Keep-alive like uvicorn: the probe must finish on Content-Length,
    # not wait for the connection to close.
    protocol_version = "HTTP/1.1"
    healthz_status = 200

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/":
            body, status = b'{"app_version":"3.3.2-cpu"}', 200
        elif self.path == "/healthz":
            status = Handler.healthz_status
            body = b"ok" if status == 200 else b"unhealthy"
        else:
            body, status = b"not found", 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class StandIn:
    """The container's stand-in on 127.0.0.1 and a free port."""

    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Sshd:
    def __init__(self, work, name, hostkey, authorized, extra=()):
        self.port = free_port()
        self.log = os.path.join(work, name + ".log")
        self.cfg = os.path.join(work, name + ".conf")
        with open(self.cfg, "w") as f:
            f.write("\n".join([
                "Port %d" % self.port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostkey,
                "AuthorizedKeysFile " + authorized,
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "StrictModes no",
                "UsePAM no",
                "PidFile " + os.path.join(work, name + ".pid"),
                "Subsystem sftp internal-sftp",
                "AllowTcpForwarding yes",
                "LogLevel VERBOSE"] + list(extra) + [""]))
        os.makedirs("/run/sshd", exist_ok=True)
        self.proc = subprocess.Popen([SSHD, "-D", "-f", self.cfg, "-E", self.log])
        deadline = time.time() + 30  # a loaded box
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sshd did not start: " + open(self.log).read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
