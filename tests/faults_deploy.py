#!/usr/bin/env python3
"""faults_deploy.py - deploy through tests/fault_proxy.py and prove that a
bad network, kill -9 and Ctrl-C never leave duplicates behind.

  faults    20% of requests meet a fault (500, 503, throttling in the
            protocol's format, drops before and after moto acts, stalls past
            the request timeout): the deploy completes, one of each resource.
  lost      only "drop-after" and "stall-after" (moto creates it, the answer
            is lost or comes after the timeout), often: the creates are
            looked up, not sent again.
  kill      kill -9 after ten seeded numbers of requests seen by the proxy,
            resuming with the same command each time: one of each.
  sigint    SIGINT while a request is stalled: exit 130 promptly, the journal
            parses and is consistent, a later run completes.

One moto for all, reset between scenarios; a fresh proxy per scenario."""
import collections
import json
import os
import random
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

E.enter_netns()

ck = E.Checker()
NAME = "fd"
SEED = 20261128
PROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fault_proxy.py")
# The creates: the hard case is one of them losing its answer.
CREATES = {"CreateVpc", "CreateSubnet", "CreateInternetGateway", "CreateRouteTable",
           "CreateSecurityGroup", "AllocateAddress", "CreateNatGateway", "CreatePolicy",
           "CreateUser", "CreateKeyPair", "ImportKeyPair", "CreateRepository", "CreateRole",
           "CreateInstanceProfile", "CreateLaunchTemplate", "CreateFileSystem",
           "CreateMountTarget", "CreateLogGroup", "CreateTargetGroup", "CreateLoadBalancer",
           "CreateListener", "CreateAutoScalingGroup", "CreateCluster", "CreateCapacityProvider",
           "RunInstances", "RegisterTaskDefinition", "CreateService"}
STATES = {"intent", "created", "adopted", "skipped", "failed"}


class Proxy:
    def __init__(self, upstream, tmp, tag, rate, faults=None, stall=6.0, seed=SEED):
        self.log = os.path.join(tmp, "proxy-%s.log" % tag)
        port_file = os.path.join(tmp, "proxy-%s.port" % tag)
        args = [sys.executable, PROXY, "--upstream", upstream, "--rate", str(rate),
                "--seed", str(seed), "--stall", str(stall), "--port-file", port_file,
                "--log", self.log]
        if faults:
            args += ["--faults", faults]
        self.proc = subprocess.Popen(args, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while not os.path.exists(port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("fault_proxy did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.url = "http://127.0.0.1:%s" % f.read().strip()

    def lines(self):
        """[(n, fault, action)] of every request seen so far."""
        try:
            with open(self.log) as f:
                rows = [ln.split() for ln in f]
        except FileNotFoundError:
            return []
        return [(int(r[0]), r[1], r[-1]) for r in rows if len(r) >= 5]

    def count(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().count(b"\n")
        except FileNotFoundError:
            return 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def reset(moto):
    req = urllib.request.Request(moto.url + "/moto-api/reset", data=b"", method="POST")
    urllib.request.urlopen(req, timeout=60).read()


def env(timeout_ms=4000):
    # Enough attempts that a 20% fault rate does not exhaust them; a short
    # request timeout so that stalls cost seconds, not minutes.
    return dict(E.wizard_env(), AWS_MAX_ATTEMPTS="10", ECSW_REQUEST_TIMEOUT_MS=str(timeout_ms))


def setup(tmp, tag):
    """A fresh state directory and spec for one scenario."""
    state = os.path.join(tmp, "state-" + tag)
    lic = os.path.join(tmp, "license.json")
    E.write_json(lic, {"id": "test-license"})
    spec = os.path.join(tmp, "spec.json")
    E.write_json(spec, {"name": NAME, "admin_cidr": "203.0.113.7/32", "license_file": lic,
                        "push_image": False})
    return spec, state


def deploy(endpoint, spec, state, timeout=900, timeout_ms=4000):
    class At:
        url = endpoint
    p = subprocess.run(E.deploy_cmd(At, spec, state), env=env(timeout_ms), capture_output=True,
                       text=True, timeout=timeout)
    with open(state + ".stderr", "a") as f:  # kept with ECSW_KEEP_TMP=1
        f.write(p.stderr)
    return p


def journal_of(state):
    with open(os.path.join(state, NAME + ".json")) as f:
        return json.load(f)


def check_journal(state, what):
    """The journal parses, every record has a known state, finished
    records of resources carry an id, and no temp file is left."""
    path = os.path.join(state, NAME + ".json")
    try:
        j = journal_of(state)
    except (OSError, ValueError) as e:
        ck.check(False, "%s: the journal parses (%s)" % (what, e))
        return None
    ck.eq(j.get("name"), NAME, "%s: the journal's name" % what)
    res = j.get("resources", {})
    bad = {k: r.get("state") for k, r in res.items() if r.get("state") not in STATES}
    ck.eq(bad, {}, "%s: every record has a known state" % what)
    ck.eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, "%s: the journal is 0600" % what)
    ck.eq([f for f in os.listdir(state) if ".tmp." in f], [], "%s: no temp files" % what)
    return res


def scenario_faults(moto, tmp):
    reset(moto)
    spec, state = setup(tmp, "faults")
    px = Proxy(moto.url, tmp, "faults", 0.2)
    try:
        p = deploy(px.url, spec, state)
    finally:
        px.stop()
    ck.eq(p.returncode, 0, "faults: the deploy completes (stderr: %s)" % p.stderr[-1500:])
    kinds = collections.Counter(f for _, f, _ in px.lines() if f != "pass")
    print("faults: %d requests, faults %s" % (px.count(), dict(kinds)))
    ck.check(sum(kinds.values()) >= 0.1 * px.count(), "faults: at least 10%% of requests faulted (%s)"
             % dict(kinds))
    ck.check(len(kinds) >= 5, "faults: most kinds of fault were met (%s)" % sorted(kinds))
    E.check_one_of_each(ck, moto, NAME)
    return px.count()


def scenario_lost(moto, tmp):
    reset(moto)
    spec, state = setup(tmp, "lost")
    px = Proxy(moto.url, tmp, "lost", 0.3, faults="drop-after,drop-after,stall-after", stall=3,
               seed=SEED + 1)
    try:
        p = deploy(px.url, spec, state, timeout_ms=2000)
    finally:
        px.stop()
    ck.eq(p.returncode, 0, "lost: the deploy completes (stderr: %s)" % p.stderr[-1500:])
    lost = sorted("%s (%s)" % (a, f) for _, f, a in px.lines()
                  if f in ("drop-after", "stall-after") and a in CREATES)
    print("lost: answers of %s were lost" % lost)
    ck.check(len(lost) >= 3, "lost: several creates lost their answer (%s)" % lost)
    E.check_one_of_each(ck, moto, NAME)
    res = check_journal(state, "lost") or {}
    # Found again after its answer was lost, it is still ours (destroy
    # removes it): nothing existed before this deployment.
    ck.eq(sorted(k for k, r in res.items() if r.get("state") == "adopted"), [],
          "lost: nothing recorded as adopted")


def scenario_kill(moto, tmp, total):
    reset(moto)
    spec, state = setup(tmp, "kill")
    # Faults too, but no stalls (they only cost time here).
    px = Proxy(moto.url, tmp, "kill", 0.1, faults="500,503,throttle,drop-before,drop-after",
               seed=SEED + 2)
    rng = random.Random(SEED)
    points = sorted(rng.sample(range(3, max(int(total * 0.9), 40)), 10))
    kills = []
    try:
        for at in points:
            if px.count() >= at:
                continue
            if not E.run_and_kill(E.deploy_cmd(px, spec, state), env(), lambda: px.count() >= at):
                break
            kills.append(px.count())
            res = check_journal(state, "kill at %d" % at)
            if res is None:
                break
        p = deploy(px.url, spec, state)
    finally:
        px.stop()
    print("kill: killed after %s requests" % kills)
    ck.check(len(kills) >= 8, "kill: killed %d times before the deploy finished" % len(kills))
    ck.eq(p.returncode, 0, "kill: the resumed deploy completes (stderr: %s)" % p.stderr[-1500:])
    E.check_one_of_each(ck, moto, NAME)


def scenario_sigint(moto, tmp):
    reset(moto)
    spec, state = setup(tmp, "sigint")
    # Some request stalls for a minute: the interrupt must not wait for it.
    px = Proxy(moto.url, tmp, "sigint", 0.1, faults="stall", stall=60, seed=SEED + 3)
    proc = subprocess.Popen(E.deploy_cmd(px, spec, state), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=dict(env(), ECSW_REQUEST_TIMEOUT_MS="120000"))
    try:
        deadline = time.time() + 300
        while proc.poll() is None and time.time() < deadline and \
                not any(f == "stall" for _, f, _ in px.lines()):
            time.sleep(0.02)
        stalled = proc.poll() is None and any(f == "stall" for _, f, _ in px.lines())
        ck.check(stalled, "sigint: a request is stalled while the deploy runs")
        time.sleep(0.5)  # the stalled request is in flight
        t0 = time.time()
        proc.send_signal(signal.SIGINT)
        try:
            out, errs = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, errs = proc.communicate()
        took = time.time() - t0
    finally:
        px.stop()
    ck.eq(proc.returncode, 130, "sigint: exit status (stderr: %s)" % errs[-800:])
    ck.check(took < 20, "sigint: stopped in %.1f s without waiting for the stalled request" % took)
    res = check_journal(state, "sigint") or {}
    ck.check(any(r.get("state") in ("created", "adopted") for r in res.values()),
             "sigint: the journal kept what was done before the interrupt")
    p = deploy(moto.url, spec, state)
    ck.eq(p.returncode, 0, "sigint: a later run completes (stderr: %s)" % p.stderr[-1500:])
    E.check_one_of_each(ck, moto, NAME)


def main():
    moto = E.Moto()
    tmp = tempfile.mkdtemp(prefix="faults_deploy.")
    only = sys.argv[1:]  # run some scenarios by name, for debugging
    try:
        total = 200
        if not only or "faults" in only:
            total = scenario_faults(moto, tmp)
        if not only or "lost" in only:
            scenario_lost(moto, tmp)
        if not only or "kill" in only:
            scenario_kill(moto, tmp, total)
        if not only or "sigint" in only:
            scenario_sigint(moto, tmp)
    finally:
        moto.stop()
        if os.environ.get("ECSW_KEEP_TMP"):
            print("kept %s" % tmp)
        else:
            subprocess.run(["rm", "-rf", tmp])
    ck.finish()


main()
