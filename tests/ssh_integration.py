#!/usr/bin/env python3
"""ssh_integration.py - the bastion module against a real sshd.

Runs inside `unshare -n` (re-executes itself there) so nothing can leave
the machine: a throwaway sshd on 127.0.0.1, a small HTTP server standing in
for the container, and tests/ssh_tool driving the engine. Addresses such as
203.0.113.10 and 10.0.1.23 appear only as names that --connect-to maps onto
loopback; inside the namespace they are unroutable anyway.

Exit 0 pass, 77 skip (not root / no sshd / no unshare), 1 fail.
"""
import base64
import hashlib
import http.server
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bastion_common import (SSHD, Handler, Sshd, free_port, https_stand_in,  # noqa: E402
                            keygen, keygen_fp)

BASTION = "203.0.113.10"  # TEST-NET-3: a name only, mapped to loopback
TASK = "10.0.1.23"


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def reexec_in_netns():
    if os.environ.get("ECSW_SSH_NETNS") == "1":
        return
    if os.geteuid() != 0:
        skip("needs root for unshare -n and sshd")
    if not os.path.exists(SSHD) or not shutil.which("unshare") or not shutil.which("ssh-keygen"):
        skip("needs openssh-server, ssh-keygen and unshare")
    # -m: a private mount namespace, where the non-root case may bind-mount
    # its own /etc/passwd and a stand-in sudo without touching the machine.
    env = dict(os.environ, ECSW_SSH_NETNS="1")
    cmd = ["unshare", "-n", "-m", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
           sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    os.execvpe("unshare", cmd, env)


reexec_in_netns()


top_builddir = os.environ.get("top_builddir", os.getcwd())
TOOL = os.path.join(top_builddir, "tests", "ssh_tool")

passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + name)
    else:
        failed += 1
        print("FAIL - %s %s" % (name, detail))


def tool(*args, extra_env=None):
    t0 = time.time()
    # ECSW_SSH_TOOL_WRAPPER="valgrind -q --error-exitcode=99 ..." for leaks.
    wrapper = os.environ.get("ECSW_SSH_TOOL_WRAPPER", "").split()
    # No proxy from the caller's environment: probes go where the test says.
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(extra_env or {})
    p = subprocess.run(wrapper + [TOOL] + list(args), capture_output=True, text=True, timeout=30,
                       env=env)
    if os.environ.get("ECSW_SSH_TIMING"):
        print("  %.2fs %s" % (time.time() - t0, " ".join(args[-4:])))
    return p.returncode, p.stdout + p.stderr


NONROOT = "ecswtest"
NONROOT_UID = 4242

FAKE_SUDO = """#!/bin/sh
# Stand-in for sudo: hands its argv to the (root) test driver, which plays
# the sudoers policy and runs the command, and exits with its status.
d=%s
printf '%%s\\0' "$@" > "$d/req.$$.tmp" && mv "$d/req.$$.tmp" "$d/req.$$"
i=0
while [ ! -e "$d/done.$$" ]; do
    sleep 0.05; i=$((i + 1)); [ $i -gt 400 ] && exit 98
done
exit "$(cat "$d/done.$$")"
"""


class SudoAgent:
    """Answers the stand-in sudo: records each argv; when allowed, runs
    exactly `install -m MODE -- SRC DST` as root (argv, no shell)."""

    def __init__(self, d):
        self.dir = d
        self.allow = True
        self.calls = []
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            for name in os.listdir(self.dir):
                if not name.startswith("req.") or name.endswith(".tmp"):
                    continue
                pid = name[4:]
                path = os.path.join(self.dir, name)
                argv = open(path, "rb").read().split(b"\0")[:-1]
                argv = [a.decode() for a in argv]
                os.unlink(path)
                self.calls.append(argv)
                rc = 1
                if self.allow and len(argv) == 7 and argv[:3] == ["-n", "install", "-m"] \
                        and argv[4] == "--":
                    rc = subprocess.run(["install", "-m", argv[3], "--", argv[5], argv[6]]).returncode
                with open(os.path.join(self.dir, "done." + pid), "w") as f:
                    f.write(str(rc))
            time.sleep(0.02)


def nonroot_setup(work):
    """A throwaway login user, visible only in this mount namespace."""
    if os.environ.get("ECSW_SSH_NETNS") != "1":
        return None
    home = os.path.join(work, "home")
    os.makedirs(home)
    os.chown(home, NONROOT_UID, NONROOT_UID)
    os.chmod(work, 0o755)
    passwd = os.path.join(work, "passwd")
    with open("/etc/passwd") as src, open(passwd, "w") as f:
        f.write(src.read())
        f.write("%s:x:%d:%d::%s:/bin/sh\n" % (NONROOT, NONROOT_UID, NONROOT_UID, home))
    os.chmod(passwd, 0o644)
    sudo_dir = os.path.join(work, "sudo")
    os.makedirs(sudo_dir)
    os.chmod(sudo_dir, 0o1777)
    subprocess.run(["mount", "--bind", passwd, "/etc/passwd"], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/usr/local/bin"], check=True)
    with open("/usr/local/bin/sudo", "w") as f:
        f.write(FAKE_SUDO % sudo_dir)
    os.chmod("/usr/local/bin/sudo", 0o755)
    return home, SudoAgent(sudo_dir)


def main():
    work = tempfile.mkdtemp(prefix="ecsw-ssh-")
    servers = []
    httpd = None
    try:
        # Keys: two host keys (the second plays a replaced or forged
        # bastion), our client keys in two formats, and a stranger's key.
        hk1, hk2 = os.path.join(work, "host1"), os.path.join(work, "host2")
        keygen(hk1, "ed25519")
        keygen(hk2, "ed25519")
        client = os.path.join(work, "client_ed25519")
        keygen(client, "ed25519")
        client_rsa = os.path.join(work, "client_rsa_pem")
        keygen(client_rsa, "rsa", ["-b", "2048", "-m", "PEM"])
        client_rsa_ossh = os.path.join(work, "client_rsa_openssh")
        keygen(client_rsa_ossh, "rsa", ["-b", "2048"])
        client_ecdsa = os.path.join(work, "client_ecdsa")
        keygen(client_ecdsa, "ecdsa")
        stranger = os.path.join(work, "stranger")
        keygen(stranger, "ed25519")
        auth = os.path.join(work, "authorized_keys")
        with open(auth, "w") as f:
            for k in (client, client_rsa, client_rsa_ossh, client_ecdsa):
                f.write(open(k + ".pub").read())
        fp1, fp2 = keygen_fp(hk1 + ".pub"), keygen_fp(hk2 + ".pub")

        s1 = Sshd(work, "sshd1", hk1, auth)
        servers.append(s1)
        # sshd2 also accepts SHA-1 RSA signatures, all libssh2 1.10 makes.
        s2 = Sshd(work, "sshd2", hk2, auth, ["PubkeyAcceptedAlgorithms +ssh-rsa"])
        servers.append(s2)

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        hport = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()

        efs = os.path.join(work, "efs", "fs1")
        os.makedirs(efs)
        lic = os.path.join(work, "license.json")
        lic_bytes = b'{"license_key": "not-a-real-key-\xc3\xa9", "n": 1}\n'
        with open(lic, "wb") as f:
            f.write(lic_bytes)
        kh = os.path.join(work, "state", "known_hosts")
        os.makedirs(os.path.dirname(kh))
        to1 = "%s:22:127.0.0.1:%d" % (BASTION, s1.port)
        to2 = "%s:22:127.0.0.1:%d" % (BASTION, s2.port)
        base = ["--host", BASTION, "--user", "root", "--key", client, "--known-hosts", kh]

        # Fingerprints: ours equal ssh-keygen's, for three key types.
        for kt in ("ed25519", "ecdsa", "rsa"):
            p = os.path.join(work, "fp_" + kt)
            keygen(p, kt)
            rc, out = tool("fingerprint", p + ".pub")
            check("fingerprint %s equals ssh-keygen's" % kt,
                  rc == 0 and out.strip() == "ok fingerprint=" + keygen_fp(p + ".pub"), out)

        # The license is refused before any connection (port 9 is closed:
        # a connection attempt would say ConnectFailed instead).
        bad = os.path.join(work, "bad.json")
        with open(bad, "w") as f:
            f.write("license-key = SECRET\n")
        rc, out = tool("--host", "127.0.0.1", "--port", "9", "--user", "root", "--key", client,
                       "write", efs, "license.json", bad)
        check("non-JSON license refused before connecting",
              rc == 1 and "code=LicenseInvalid" in out and bad in out and "SECRET" not in out, out)
        rc, out = tool("--host", "127.0.0.1", "--port", "9", "--user", "root", "--key", client,
                       "write", efs, "license.json", os.path.join(work, "nope.json"))
        check("missing license refused before connecting",
              rc == 1 and "code=LicenseUnreadable" in out and "nope.json" in out, out)
        rc, out = tool("license", work)
        check("directory as license refused", rc == 1 and "code=LicenseUnreadable" in out, out)

        # Nothing vouches for the key: refused, fingerprint shown, nothing
        # recorded, and no authentication was attempted.
        rc, out = tool("--connect-to", to1, *base, "open")
        check("unverified host key refused with its fingerprint",
              rc == 1 and "code=HostKeyUnverified" in out and fp1 in out
              and ("seen=" + fp1) in out and not os.path.exists(kh), out)
        log1 = open(s1.log).read()
        check("no authentication before the host key is verified",
              "Accepted publickey" not in log1 and "Failed publickey" not in log1, log1[-500:])

        # Wrong pin: refused with both fingerprints.
        rc, out = tool("--connect-to", to1, *base, "--pin", fp2, "open")
        check("wrong pinned fingerprint refused",
              rc == 1 and "code=HostKeyMismatch" in out and fp1 in out and fp2 in out, out)

        # Right pin: license written (bytes on disk), probes through the
        # channel, connect-to for the bastion and for the task address.
        rc, out = tool("--connect-to", to1, "--connect-to", "%s:8080:127.0.0.1:%d" % (TASK, hport),
                       *base, "--pin", fp1,
                       "write", efs, "license.json", lic,
                       "get", TASK, "8080", "/",
                       "get", TASK, "8080", "/healthz",
                       "get", "127.0.0.1", str(hport), "/")
        lines = out.splitlines()
        dest = os.path.join(efs, "license.json")
        on_disk = open(dest, "rb").read() if os.path.exists(dest) else b""
        check("pinned key: license written byte for byte",
              rc == 0 and lines[0] == "ok write bytes=%d" % len(lic_bytes) and on_disk == lic_bytes, out)
        check("license mode 0644, no temporary left",
              os.path.exists(dest) and stat.S_IMODE(os.stat(dest).st_mode) == 0o644
              and os.listdir(efs) == ["license.json"], str(os.listdir(efs)))
        check("GET / through the bastion reports 3.3.2-cpu",
              len(lines) > 1 and lines[1].startswith("ok status=200 app_version=3.3.2-cpu"), out)
        check("GET /healthz through the bastion is 200",
              len(lines) > 2 and lines[2].startswith("ok status=200"), out)
        check("GET to a loopback address without mapping",
              len(lines) > 3 and lines[3].startswith("ok status=200 app_version=3.3.2-cpu"), out)
        check("known_hosts written 0600 with the bastion's name",
              os.path.exists(kh) and stat.S_IMODE(os.stat(kh).st_mode) == 0o600
              and open(kh).read().startswith(BASTION + " ssh-ed25519 "
                                             + open(hk1 + ".pub").read().split()[1]), "")
        log1 = open(s1.log).read()
        check("sshd saw the mapped connection authenticate",
              "Accepted publickey for root" in log1, log1[-500:])

        # Recorded now: no pin needed; overwrite replaces atomically.
        lic2 = os.path.join(work, "license2.json")
        big = b'{"pad": "' + b"x" * 300000 + b'"}'
        with open(lic2, "wb") as f:
            f.write(big)
        rc, out = tool("--connect-to", to1, *base, "open", "write", efs, "license.json", lic2)
        on_disk = open(dest, "rb").read()
        check("known key accepted; 300 kB license replaces the old one",
              rc == 0 and "verdict=0" in out and on_disk == big
              and os.listdir(efs) == ["license.json"], out)

        # Same name, different key (a replaced or forged bastion).
        rc, out = tool("--connect-to", to2, *base, "--accept-new", "open")
        check("changed host key refused with both fingerprints",
              rc == 1 and "code=HostKeyMismatch" in out and fp1 in out and fp2 in out, out)

        # Console output made from the host key, cloud-init's format.
        console = os.path.join(work, "console.txt")
        with open(console, "w") as f:
            f.write("[   10.1] cloud-init[1203]: ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----\r\n"
                    "[   10.2] cloud-init[1203]: ec2: 256 %s root@ip-10-0-0-1.ec2.internal (ECDSA)\r\n"
                    "[   10.3] cloud-init[1203]: ec2: 256 %s root@ip-10-0-0-1.ec2.internal (ED25519)\r\n"
                    "[   10.4] cloud-init[1203]: ec2: -----END SSH HOST KEY FINGERPRINTS-----\r\n"
                    % (keygen_fp(os.path.join(work, "fp_ecdsa.pub")), fp2))
        kh2 = os.path.join(work, "state", "known_hosts2")
        rc, out = tool("--connect-to", to2, "--host", BASTION, "--user", "root", "--key", client,
                       "--known-hosts", kh2, "--console", console, "open")
        check("fingerprint from console output accepted",
              rc == 0 and "verdict=2" in out and fp2 in out and os.path.exists(kh2), out)
        rc, out = tool("--connect-to", to1, "--host", BASTION, "--user", "root", "--key", client,
                       "--known-hosts", os.path.join(work, "state", "kh3"), "--console", console,
                       "--accept-new", "open")
        check("key not among the console fingerprints refused",
              rc == 1 and "code=HostKeyMismatch" in out and fp1 in out, out)

        # Accept-new records; the alias names the identity.
        kh4 = os.path.join(work, "state", "kh4")
        rc, out = tool("--connect-to", to1, "--host", BASTION, "--user", "root", "--key", client,
                       "--known-hosts", kh4, "--alias", "i-0123456789abcdef0", "--accept-new", "open")
        check("accept-new records under the alias",
              rc == 0 and "verdict=3" in out
              and open(kh4).read().startswith("i-0123456789abcdef0 ssh-ed25519 "), out)

        # Authentication.
        rc, out = tool("--connect-to", to1, "--host", BASTION, "--user", "root", "--key", stranger,
                       "--known-hosts", kh, "open")
        check("sshd refusing the key gives AuthFailed with the hop",
              rc == 1 and "code=AuthFailed" in out and ("where=bastion %s:22" % BASTION) in out, out)
        rc, out = tool("--connect-to", to1, "--host", BASTION, "--user", "root", "--key", client_rsa,
                       "--known-hosts", kh, "open")
        rsa_sha2 = "ssh_rsa_sha2" in subprocess.run([TOOL, "caps"], capture_output=True,
                                                    text=True).stdout
        if rsa_sha2:
            check("RSA key in PEM format authenticates", rc == 0 and "ok open" in out, out)
        else:
            check("RSA key refused by default OpenSSH explains libssh2's SHA-1 limit",
                  rc == 1 and "code=AuthFailed" in out and "SHA-1" in out and "ed25519" in out, out)
        rc, out = tool("--connect-to", to2, "--host", BASTION, "--user", "root", "--key", client_rsa,
                       "--known-hosts", kh2, "open")
        check("RSA key in PEM format authenticates where ssh-rsa is allowed",
              rc == 0 and "ok open" in out, out)
        rc, out = tool("--connect-to", to2, "--host", BASTION, "--user", "root", "--key", client_rsa_ossh,
                       "--known-hosts", kh2, "open")
        check("RSA key in OpenSSH format authenticates where ssh-rsa is allowed",
              rc == 0 and "ok open" in out, out)
        rc, out = tool("--connect-to", to1, "--host", BASTION, "--user", "root", "--key", client_rsa_ossh,
                       "--known-hosts", kh, "open")
        if rsa_sha2:
            check("RSA key in OpenSSH format authenticates", rc == 0 and "ok open" in out, out)
        else:
            check("RSA key in OpenSSH format: AuthFailed explains libssh2's SHA-1 limit",
                  rc == 1 and "code=AuthFailed" in out and "SHA-1" in out, out)
        # libssh2 1.10 leaks two BIGNUMs per ECDSA key load (inside
        # libssh2_userauth_publickey_fromfile_ex; fixed upstream in 1.11):
        # tell LeakSanitizer about that one call, nothing else.
        supp = os.path.join(work, "lsan-libssh2-ecdsa.supp")
        with open(supp, "w") as f:
            f.write("leak:libssh2_userauth_publickey_fromfile_ex\n")
        rc, out = tool("--connect-to", to1, "--host", BASTION, "--user", "root", "--key", client_ecdsa,
                       "--known-hosts", kh, "open",
                       extra_env={
                           "LSAN_OPTIONS": "suppressions=%s:print_suppressions=0" % supp,
                           # libcrypto has no frame pointers: unwind slowly
                           # so the stack reaches libssh2's function.
                           "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "")
                           + ":fast_unwind_on_malloc=0"})
        check("ECDSA key authenticates", rc == 0 and "ok open" in out, out)
        rc, out = tool("--connect-to", to1, "--host", BASTION, "--user", "root",
                       "--key", os.path.join(work, "no-such-key"), "--known-hosts", kh, "open")
        check("missing private key is an input error",
              rc == 1 and "code=KeyFileUnreadable" in out, out)

        # Probe failures name the hop.
        Handler.healthz_status = 503
        rc, out = tool("--connect-to", to1, "--connect-to", "%s:8080:127.0.0.1:%d" % (TASK, hport),
                       *base, "get", TASK, "8080", "/healthz")
        check("/healthz 503 is HttpStatus naming the hop",
              rc == 1 and "status=503" in out and "code=HttpStatus" in out
              and ("where=bastion %s:22 -> %s:8080 /healthz" % (BASTION, TASK)) in out, out)
        Handler.healthz_status = 200
        closed = free_port()
        rc, out = tool("--connect-to", to1, *base, "get", "127.0.0.1", str(closed), "/")
        check("nothing listening behind the bastion is ProbeFailed",
              rc == 1 and "code=ProbeFailed" in out and ("127.0.0.1:%d" % closed) in out, out)

        # An internal load balancer: a DNS name the bastion resolves.
        ilb = "internal-ecsw-lb-1.us-east-1.elb.amazonaws.com"
        rc, out = tool("--connect-to", to1, "--connect-to", "%s:80:127.0.0.1:%d" % (ilb, hport),
                       *base, "get", ilb, "80", "/")
        check("internal load balancer through the bastion reports 3.3.2-cpu",
              rc == 0 and "ok status=200 app_version=3.3.2-cpu" in out, out)

        # A target that accepts and never answers: a timeout, not a hang.
        mute = socket.socket()
        mute.bind(("127.0.0.1", 0))
        mute.listen(4)
        t0 = time.time()
        rc, out = tool("--connect-to", to1, *base, "--timeout", "1500",
                       "get", "127.0.0.1", str(mute.getsockname()[1]), "/")
        mute.close()
        check("silent target behind the bastion times out",
              rc == 1 and "code=ProbeTimeout" in out and "kind=3 " in out  # AWS_ERR_TIMEOUT
              and time.time() - t0 < 8, out)

        # Direct probes (internet-facing load balancer), through connect-to.
        lb = "ecsw-lb-123.us-east-1.elb.amazonaws.com"
        rc, out = tool("--connect-to", "%s:80:127.0.0.1:%d" % (lb, hport), "direct", "http://%s/" % lb)
        check("direct probe of the load balancer reports 3.3.2-cpu",
              rc == 0 and "ok status=200 app_version=3.3.2-cpu" in out, out)
        Handler.healthz_status = 503
        rc, out = tool("--connect-to", "%s:80:127.0.0.1:%d" % (lb, hport), "direct",
                       "http://%s/healthz" % lb)
        check("direct probe 503 is HttpStatus",
              rc == 1 and "code=HttpStatus" in out and "status=503" in out, out)
        Handler.healthz_status = 200

        # An https probe (the API Gateway's invoke URL) verifies the
        # certificate against AWS_CA_BUNDLE, the CA the AWS calls trust.
        api = "abcd1234.execute-api.us-east-1.amazonaws.com"
        ca, tls = https_stand_in(work, api)
        try:
            to_tls = ("--connect-to", "%s:443:127.0.0.1:%d" % (api, tls.port))
            rc, out = tool(*to_tls, "direct", "https://%s/" % api, extra_env={"AWS_CA_BUNDLE": ca})
            check("https probe with the test CA in AWS_CA_BUNDLE reports 3.3.2-cpu",
                  rc == 0 and "ok status=200 app_version=3.3.2-cpu" in out, out)
            rc, out = tool(*to_tls, "direct", "https://%s/" % api,
                           extra_env={"AWS_CA_BUNDLE": "", "SSL_CERT_FILE": "/nonexistent",
                                      "CURL_CA_BUNDLE": "/nonexistent"})
            check("https probe without that CA: refused, not trusted",
                  rc == 1 and "code=CertificateUntrusted" in out and "not trusted" in out, out)
        finally:
            tls.stop()

        # A login user that is not root and may not write the EFS dir.
        setup = nonroot_setup(work)
        if setup:
            home, agent = setup
            efs2 = os.path.join(work, "efs2")
            os.makedirs(efs2)
            nr = ["--connect-to", to1, "--host", BASTION, "--user", NONROOT, "--key", client,
                  "--known-hosts", kh]
            rc, out = tool(*nr, "write", efs2, "license.json", lic)
            dest2 = os.path.join(efs2, "license.json")
            got = open(dest2, "rb").read() if os.path.exists(dest2) else b""
            call = agent.calls[0] if agent.calls else []
            check("non-root: escalated with sudo -n install, bytes on disk",
                  rc == 0 and got == lic_bytes
                  and stat.S_IMODE(os.stat(dest2).st_mode) == 0o644, out)
            check("non-root: the sudo argv is exactly the fixed command",
                  len(agent.calls) == 1 and call[:5] == ["-n", "install", "-m", "0644", "--"]
                  and len(call) == 7 and call[5].startswith(home + "/.ecsw-license.json.")
                  and call[6] == dest2, str(agent.calls))
            check("non-root: no temporary left in the home or the EFS dir",
                  os.listdir(home) == [] or all(not n.startswith(".ecsw") for n in os.listdir(home)),
                  str(os.listdir(home)))
            agent.allow = False
            rc, out = tool(*nr, "write", efs2, "license.json", lic2)
            check("non-root: refused sudo is PermissionDenied, old file kept",
                  rc == 1 and "code=PermissionDenied" in out and open(dest2, "rb").read() == lic_bytes
                  and all(not n.startswith(".ecsw") for n in os.listdir(home)), out)
            ncalls = len(agent.calls)
            efs3 = os.path.join(work, "efs3")
            os.makedirs(efs3)
            os.chown(efs3, NONROOT_UID, NONROOT_UID)
            rc, out = tool(*nr, "write", efs3, "license.json", lic)
            check("non-root: a writable dir needs no sudo",
                  rc == 0 and len(agent.calls) == ncalls
                  and open(os.path.join(efs3, "license.json"), "rb").read() == lic_bytes, out)
            agent.stop = True

        # Connect timeout: a listening socket that never answers SSH.
        mute = socket.socket()
        mute.bind(("127.0.0.1", 0))
        mute.listen(1)
        t0 = time.time()
        rc, out = tool("--host", "127.0.0.1", "--port", str(mute.getsockname()[1]), "--user", "root",
                       "--key", client, "--timeout", "1000", "open")
        mute.close()
        check("silent server times out in the handshake",
              rc == 1 and "code=HandshakeFailed" in out and time.time() - t0 < 10, out)
    finally:
        for s in servers:
            s.stop()
        if httpd:
            httpd.shutdown()
        shutil.rmtree(work, ignore_errors=True)

    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
