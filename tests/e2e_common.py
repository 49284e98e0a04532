"""Shared pieces of the engine's integration drivers: a private network
namespace, a moto server on a free loopback port, running ecs-wizard.

Every driver re-executes itself inside `unshare -n` (only loopback), so
nothing it does can leave the machine."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("ECSW_BIN", os.path.join(TOP, "src", "ecs-wizard"))
SHARED = os.environ.get("ECSW_SHARED") or os.path.join(TOP, "..", "shared")
MOTO = os.path.join(SHARED, "tools", "moto-server-ecs")


def enter_netns():
    """Re-run this script in a network namespace with only loopback up."""
    if os.environ.get("ECSW_IN_NETNS") == "1":
        return
    if not shutil.which("unshare"):
        print("SKIP: unshare is missing")
        sys.exit(77)
    env = dict(os.environ, ECSW_IN_NETNS="1")
    # One sh -c so the test only starts once loopback is up.
    args = ["unshare", "-n", "sh", "-c",
            'ip link set lo up && exec "$0" "$@"', sys.executable] + sys.argv
    rc = subprocess.call(args, env=env)
    sys.exit(rc)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Moto:
    def __init__(self):
        if not os.path.exists(MOTO):
            print("SKIP: no moto-server-ecs at %s" % MOTO)
            sys.exit(77)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([MOTO, "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=self.log, env=env)
        for _ in range(600):  # a loaded CI box can take a minute
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return
            except Exception:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def client(self, service):
        import boto3
        return boto3.client(service, region_name="us-east-1", endpoint_url=self.url,
                            aws_access_key_id="AKIDTESTTEST", aws_secret_access_key=SECRET)


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def wizard_env():
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("AWS_"):
            del env[k]
    env.update(AWS_ACCESS_KEY_ID="AKIDTESTTEST", AWS_SECRET_ACCESS_KEY=SECRET,
               AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
               ECSW_WAITER_DELAY_SCALE="0.01", HOME=tempfile.gettempdir())
    return env


def deploy_cmd(moto, spec_path, state_dir, extra=()):
    return [BIN, "deploy", "--spec", spec_path, "--yes", "--endpoint-url", moto.url,
            "--state-dir", state_dir] + list(extra)


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s" % what)
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r" % (what, got, want))

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
