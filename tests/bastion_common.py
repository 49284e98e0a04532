"""Shared pieces of the bastion tests: a throwaway sshd on 127.0.0.1 with
its own host key and authorized keys, ssh-keygen helpers, a small HTTP
server standing in for the container (`/` gives {"app_version":"3.3.2-cpu"}
or whatever Handler.root_status says, `/healthz` 200 or whatever
Handler.healthz_status says), and the same over TLS with a certificate from
a CA made with openssl (the API Gateway's invoke URL).

Used by ssh_integration.py (the SSH module alone), deploy_bastion.py (the
deployment reaching the bastion) and apigw_verify.py (the API's live
check). Runs inside the callers' `unshare -n`."""
import http.server
import os
import socket
import ssl
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
    root_status = 200
    healthz_status = 200

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/":
            status = type(self).root_status
            body = b'{"app_version":"3.3.2-cpu"}' if status == 200 else b"unavailable"
        elif self.path == "/healthz":
            status = type(self).healthz_status
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

    def __init__(self, handler=Handler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def https_stand_in(work, host, handler=Handler):
    """The stand-in over TLS with a certificate for host (a name or a
    wildcard such as *.execute-api.us-east-1.amazonaws.com) from a CA made
    here; returns (the CA's file, the server)."""
    d = os.path.join(work, "tls")
    os.makedirs(d, exist_ok=True)
    run = lambda *a: subprocess.run(["openssl"] + list(a), cwd=d, check=True,  # noqa: E731
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=ecsw test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=" + host)
    with open(os.path.join(d, "ext"), "w") as f:
        f.write("subjectAltName=DNS:%s\n" % host)
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "srv.pem", "-days", "2", "-extfile", "ext")
    srv = StandIn(handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, "srv.pem"), os.path.join(d, "srv.key"))
    srv.httpd.socket = ctx.wrap_socket(srv.httpd.socket, server_side=True)
    return os.path.join(d, "ca.pem"), srv


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
