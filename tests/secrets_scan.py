#!/usr/bin/env python3
"""secrets_scan.py - no secret leaves the process, and what we keep is
private.

Deploys on moto with credentials whose secret key and session token are
unique markers, a license file holding a third marker and --log; a second
deploy takes its credentials from the environment and pushes an image (so
the push tool is started with ECR's password at hand). While they run,
every child process of ecs-wizard is caught and its command line and
environment kept. Then the journal, the log, every file of the state
directory, the runs' stdout/stderr and the children's argv/environment are
scanned for the secret key, the session token, the license marker and the
registry password: none may appear. Also: the state directory is 0700, the
journal, log and key files 0600, and a journal, log or state directory
with looser permissions is refused with a message naming it."""
import base64
import os
import secrets
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

E.enter_netns()

ck = E.Checker()
NAME = "sec"
SECRET = "SeCrEtKeY" + secrets.token_hex(16)
TOKEN = "SeSsIoNtOkEn" + secrets.token_hex(24)
LICENSE = "LiCeNsEmArK" + secrets.token_hex(16)


class Children:
    """Catch every descendant of pid while it runs (through
    /proc/PID/task/*/children) and keep its argv and environment."""

    def __init__(self, pid):
        self.pid = pid
        self.seen = {}  # pid -> (cmdline, environ)
        self.stop = False
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def kids(self, pid):
        out = []
        try:
            for tid in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                    out += [int(x) for x in f.read().split()]
        except OSError:
            pass
        return out

    def watch(self):
        while not self.stop:
            todo = self.kids(self.pid)
            while todo:
                c = todo.pop()
                todo += self.kids(c)
                if c in self.seen:
                    continue
                try:
                    with open("/proc/%d/cmdline" % c, "rb") as f:
                        cmd = f.read()
                    with open("/proc/%d/environ" % c, "rb") as f:
                        env = f.read()
                except OSError:
                    continue
                # A child caught between fork and exec still shows our
                # argv (or none, mid-exec): read again once it has become
                # the program.
                if not cmd or os.path.basename(cmd.split(b"\0")[0]) == os.path.basename(E.BIN).encode():
                    continue
                self.seen[c] = (cmd, env)
            time.sleep(0.001)

    def finish(self):
        self.stop = True
        self.thread.join()
        return self.seen


def run(cmd, env):
    """Run cmd, catching its children. Returns (rc, stdout, stderr, children)."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    kids = Children(p.pid)
    out, err = p.communicate(timeout=600)
    return p.returncode, out, err, kids.finish()


def files_under(d):
    for root, _, names in os.walk(d):
        for n in names:
            yield os.path.join(root, n)


def scan(what, data, markers):
    for label, m in markers.items():
        ck.check(m.encode() not in data, "%s holds the %s" % (what, label))


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def main():
    moto = E.Moto()
    tmp = tempfile.mkdtemp(prefix="secrets_scan.")
    try:
        state = os.path.join(tmp, "state")
        logdir = os.path.join(tmp, "logs")
        os.mkdir(logdir, 0o700)
        log = os.path.join(logdir, "deploy.log")
        lic = os.path.join(tmp, "license.json")
        E.write_json(lic, {"license": LICENSE, "customer": "secrets-scan"})
        spec = os.path.join(tmp, "spec.json")
        E.write_json(spec, {"name": NAME, "admin_cidr": "203.0.113.7/32", "license_file": lic,
                            "push_image": False})
        tok = moto.client("ecr").get_authorization_token()["authorizationData"][0]["authorizationToken"]
        password = base64.b64decode(tok).decode().split(":", 1)[1]
        markers = {"secret key": SECRET, "session token": TOKEN, "license": LICENSE,
                   "registry password": password}

        # Run 1: credentials from a credential_process (a child that lives
        # a second, so it is caught), the request log on.
        helper = os.path.join(tmp, "creds.py")
        with open(helper, "w") as f:
            f.write("import json, time\ntime.sleep(1)\nprint(json.dumps({'Version': 1, "
                    "'AccessKeyId': 'AKIDSECRETSCAN', 'SecretAccessKey': %r, 'SessionToken': %r}))\n"
                    % (SECRET, TOKEN))
        config = os.path.join(tmp, "config")
        with open(config, "w") as f:
            f.write("[profile scan]\ncredential_process = %s %s\n" % (sys.executable, helper))
        env = E.wizard_env()
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(k, None)
        creds = os.path.join(tmp, "credentials")
        open(creds, "w").close()
        env.update(AWS_CONFIG_FILE=config, AWS_SHARED_CREDENTIALS_FILE=creds, AWS_PROFILE="scan")
        rc, out, err, kids = run(E.deploy_cmd(moto, spec, state, ["--log", log]), env)
        ck.eq(rc, 0, "the deploy completes (stderr: %s)" % err[-1500:].decode(errors="replace"))
        ck.check(any(helper.encode() in c for c, _ in kids.values()),
                 "the credential_process child was caught (%r)" % [c[:80] for c, _ in kids.values()])
        with open(log, "rb") as f:
            logdata = f.read()
        ck.check(b"CreateVpc" in logdata, "the log holds the requests")
        scan("the log", logdata, markers)
        scan("stdout", out, markers)
        scan("stderr", err, markers)
        for pid, (c, e) in kids.items():
            scan("child %d's command line" % pid, c, markers)
            scan("child %d's environment" % pid, e, markers)

        # Run 2: credentials in our environment, the image push asked for
        # (a file that is no image: the push tool is started, fails and
        # the deploy says so); the tool must not inherit them.
        with open(os.path.join(tmp, "bogus.tar"), "w") as f:
            f.write("not an image\n")
        env2 = dict(E.wizard_env(), AWS_ACCESS_KEY_ID="AKIDSECRETSCAN", AWS_SECRET_ACCESS_KEY=SECRET,
                    AWS_SESSION_TOKEN=TOKEN)
        E.write_json(spec, {"name": NAME, "admin_cidr": "203.0.113.7/32", "license_file": lic,
                            "push_image": True, "image": "docker-archive:%s/bogus.tar" % tmp})
        rc, out, err, kids = run(E.deploy_cmd(moto, spec, state, ["--log", log]), env2)
        ck.eq(rc, 1, "the deploy with a bogus image fails (stderr: %s)" % err[-800:].decode(errors="replace"))
        tools = [c for c, _ in kids.values() if c.split(b"\0")[0].endswith((b"skopeo", b"docker"))]
        ck.check(tools, "the push tool was caught (children: %r)" % [c[:60] for c, _ in kids.values()])
        scan("stdout (push)", out, markers)
        scan("stderr (push)", err, markers)
        for pid, (c, e) in kids.items():
            scan("child %d's command line (push)" % pid, c, markers)
            scan("child %d's environment (push)" % pid, e, markers)

        # Everything we keep.
        journal = os.path.join(state, NAME + ".json")
        kept = list(files_under(state))
        ck.check(journal in kept, "the journal is in the state directory")
        for path in kept:
            with open(path, "rb") as f:
                scan(os.path.relpath(path, tmp), f.read(), markers)
        with open(log, "rb") as f:
            scan("the log (both runs)", f.read(), markers)
        ck.eq(oct(mode(state)), oct(0o700), "the state directory's mode")
        for path in kept + [log]:
            ck.eq(oct(mode(path)), oct(0o600), "%s's mode" % os.path.relpath(path, tmp))
        ck.check(any(p.endswith(".pem") for p in kept), "the key pair's private key is kept: %s" % kept)

        # Looser permissions are refused, with a message naming the file.
        E.write_json(spec, {"name": NAME, "admin_cidr": "203.0.113.7/32", "license_file": lic,
                            "push_image": False})
        for path, loose, what in ((journal, 0o644, "journal"), (log, 0o640, "log"),
                                  (state, 0o755, "state directory")):
            os.chmod(path, loose)
            p = subprocess.run(E.deploy_cmd(moto, spec, state, ["--log", log]), env=env2,
                               capture_output=True, text=True, timeout=300)
            os.chmod(path, 0o700 if path == state else 0o600)
            ck.check(p.returncode != 0, "a %o %s is refused (rc %d)" % (loose, what, p.returncode))
            ck.check(path in p.stderr and "%o" % loose in p.stderr,
                     "the refusal names the %s and its mode: %s" % (what, p.stderr.strip()[-300:]))
    finally:
        moto.stop()
        subprocess.run(["rm", "-rf", tmp])
    ck.finish()


main()
