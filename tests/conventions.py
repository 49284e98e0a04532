#!/usr/bin/env python3
"""conventions.py - what a script or a support person relies on.

--output json on preflight, plan, status and deploy: one object on stdout,
also on failure, with the fields ecs-wizard(1) documents (JSON OUTPUT) and
the documented exit statuses (0 ok, 1 failed step, 2 bad input). The state
directory follows XDG_STATE_HOME when --state-dir is not given, and
$XDG_CONFIG_HOME/ecs-wizard/defaults.json gives the user's defaults. --log FILE
gets one line per AWS request with its request id, and no secret. NO_COLOR
takes the colours off the wizard (tmux shows the escape sequences).

Against moto on loopback inside `unshare -n` (e2e_common).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

ck = E.Checker()
ENVELOPE_ERROR = {"kind", "code", "message", "request_id", "http_status", "where"}


def run(args, env, timeout=180):
    p = subprocess.run([E.BIN] + args, env=env, capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
    return p, doc


def is_error(doc, what, kind, failed=None):
    """doc is a failure envelope: ok false, a full error object."""
    ck.check(isinstance(doc, dict), what + ": one JSON object on stdout")
    if not isinstance(doc, dict):
        return {}
    ck.eq(doc.get("ok"), False, what + ": ok")
    e = doc.get("error") or {}
    ck.check(ENVELOPE_ERROR <= set(e), what + ": error fields %s" % sorted(e))
    if kind is not None:
        ck.eq(e.get("kind"), kind, what + ": error.kind")
    if failed is not None:
        ck.eq(e.get("failed"), failed, what + ": error.failed")
    return e


def check_plan(tmp, env):
    p, doc = run(["plan", "--spec", os.path.join(tmp, "std.json"), "--output", "json"], env)
    ck.eq(p.returncode, 0, "plan --output json exit status: " + p.stderr[-300:])
    doc = doc or {}
    ck.eq((doc.get("command"), doc.get("ok")), ("plan", True), "plan: envelope")
    secs = doc.get("sections", [])
    ck.eq([s.get("section") for s in secs][:3], [2, 3, 4], "plan: sections in the guide's order")
    ck.eq(secs[0].get("title") if secs else None, "Create VPC", "plan: section titles untranslated")
    acts = [a for s in secs for a in s.get("actions", [])]
    vpc = next((a for a in acts if a.get("key") == "vpc"), {})
    ck.eq((vpc.get("role"), vpc.get("service"), vpc.get("operation"), vpc.get("section")),
          ("create", "ec2", "CreateVpc", 2), "plan: the vpc action's fields")
    ck.eq(vpc.get("params", {}).get("CidrBlock"), "10.0.0.0/16", "plan: params as sent")
    sub = next((a for a in acts if a.get("key") == "subnet-public-1"), {})
    ck.check("vpc" in sub.get("depends", []), "plan: depends lists earlier keys")
    ck.eq(doc.get("spec", {}).get("name"), "std", "plan: the spec it was built from")

    # $XDG_CONFIG_HOME/ecs-wizard/defaults.json: the user's defaults,
    # under the spec file.
    cfg = os.path.join(tmp, "xdg-config")
    os.makedirs(os.path.join(cfg, "ecs-wizard"))
    E.write_json(os.path.join(cfg, "ecs-wizard", "defaults.json"),
                 {"vpc_cidr": "10.20.0.0/16", "admin_cidr": "192.0.2.0/24"})
    p, doc = run(["plan", "--spec", os.path.join(tmp, "std.json"), "--output", "json"],
                 dict(env, XDG_CONFIG_HOME=cfg))
    spec = (doc or {}).get("spec", {})
    ck.eq((p.returncode, spec.get("vpc_cidr"), spec.get("admin_cidr")),
          (0, "10.20.0.0/16", "203.0.113.7/32"),
          "defaults.json under XDG_CONFIG_HOME fills in what the spec leaves out")

    bad = os.path.join(tmp, "bad.json")
    E.write_json(bad, {"region": "mars-1"})
    p, doc = run(["plan", "--spec", bad, "--output", "json"], env)
    ck.eq(p.returncode, 2, "plan with a bad spec: exit status 2")
    e = is_error(doc, "plan with a bad spec", "input", "spec")
    ck.eq(e.get("code"), "InvalidSpec", "bad spec: error.code")
    ck.eq(e.get("where"), bad, "bad spec: error.where is the spec file")
    ck.check(e.get("message", "").startswith("region: "), "bad spec: the key in the message")
    ck.check("mars-1" in p.stderr, "bad spec: still one line on stderr for people")


def check_preflight(moto, env):
    p, doc = run(["preflight", "--output", "json", "--region", "us-east-1",
                  "--endpoint-url", moto.url], env)
    ck.eq(p.returncode, 0, "preflight --output json: " + p.stderr[-300:])
    doc = doc or {}
    ck.eq((doc.get("command"), doc.get("ok")), ("preflight", True), "preflight: envelope")
    ck.check(re.fullmatch(r"\d{12}", doc.get("account") or "") is not None, "preflight: account")
    ck.eq(doc.get("instance_type_offered"), True, "preflight: instance_type_offered")
    bad = dict(env, AWS_SECRET_ACCESS_KEY="wrong" + E.SECRET)
    p, doc = run(["preflight", "--output", "json", "--region", "us-east-1",
                  "--endpoint-url", moto.url, "--profile", "nosuchprofile"], bad)
    ck.eq(p.returncode, 2, "preflight with an unknown profile: exit status 2")
    is_error(doc, "preflight, unknown profile", "config")


def check_deploy(moto, tmp, env):
    xdg = os.path.join(tmp, "xdg-state")
    os.makedirs(xdg, mode=0o700)
    denv = dict(env, XDG_STATE_HOME=xdg)
    log = os.path.join(tmp, "requests.log")
    spec = os.path.join(tmp, "std.json")
    p, doc = run(["deploy", "--spec", spec, "--yes", "--no-bastion", "--endpoint-url", moto.url,
                  "--output", "json", "--log", log], denv)
    ck.eq(p.returncode, 0, "deploy --output json: " + p.stderr[-1500:])
    doc = doc or {}
    want_journal = os.path.join(xdg, "ecs-wizard", "std.json")
    ck.eq((doc.get("command"), doc.get("ok"), doc.get("name"), doc.get("region")),
          ("deploy", True, "std", "us-east-1"), "deploy: envelope, name and region")
    ck.eq(doc.get("journal"), want_journal, "deploy: the journal under $XDG_STATE_HOME/ecs-wizard")
    ck.check(os.path.isfile(want_journal), "deploy: the journal file exists there")
    counts = doc.get("counts", {})
    ck.eq(sorted(counts), ["adopted", "created", "done_before", "failed", "skipped"], "deploy: counts fields")
    ck.eq(counts.get("failed"), 0, "deploy: nothing failed")
    res = {r.get("key"): r for r in doc.get("resources", [])}
    ck.check(counts.get("created", 0) > 20 and len(res) >= counts.get("created", 0),
             "deploy: %s created, %d resources listed" % (counts.get("created"), len(res)))
    ck.check(res.get("vpc", {}).get("id", "").startswith("vpc-") and res["vpc"].get("state") == "created",
             "deploy: the vpc with its id and state")
    ck.eq(set(res.get("vpc", {})), {"key", "kind", "name", "id", "arn", "state"}, "deploy: resource fields")
    ck.eq(doc.get("interrupted"), False, "deploy: not interrupted")
    ck.check("error" not in doc, "deploy: no error object when ok")

    # status finds the same journal through XDG_STATE_HOME.
    p, st = run(["status", "--name", "std", "--output", "json"], denv)
    ck.eq(p.returncode, 0, "status --output json: " + p.stderr[-300:])
    st = st or {}
    ck.eq((st.get("command"), st.get("ok"), st.get("journal")), ("status", True, want_journal),
          "status: envelope and journal path")
    ck.eq({r["key"]: r["id"] for r in st.get("resources", [])}, {k: r["id"] for k, r in res.items()},
          "status lists what deploy reported")
    p, st = run(["status", "--name", "nosuch", "--output", "json"], denv)
    ck.eq(p.returncode, 2, "status of an unknown deployment: exit status 2")
    is_error(st, "status, unknown deployment", "config", "journal")

    # The request log: one line per request, with AWS's request id.
    lines = open(log).read().splitlines() if os.path.exists(log) else []
    ck.check(len(lines) >= counts.get("created", 0), "log: a line per request (%d)" % len(lines))
    ids = [m.group(1) for m in (re.search(r" request_id=(\S+) ", l) for l in lines) if m]
    ck.check(len(ids) == len(lines) and sum(1 for i in ids if i != "-") > len(lines) // 2,
             "log: request ids recorded")
    ck.check(all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ \S+ attempt=\d+ status=\d+ ", l)
                 for l in lines), "log: the documented line format")
    ck.eq(os.stat(log).st_mode & 0o777, 0o600, "log: mode 0600")
    ck.check(E.SECRET not in open(log).read(), "log: no secret")

    # A failed step: exit 1, ok false, the failing action named.
    with open(os.path.join(tmp, "bogus.tar"), "w") as f:
        f.write("not an image archive")
    bad = os.path.join(tmp, "push.json")
    E.write_json(bad, dict(json.load(open(spec)), push_image=True,
                           image="docker-archive:%s/bogus.tar" % tmp))
    p, doc = run(["deploy", "--spec", bad, "--yes", "--no-bastion", "--endpoint-url", moto.url,
                  "--output", "json"], denv)
    ck.eq(p.returncode, 1, "deploy with a failing step: exit status 1")
    e = is_error(doc, "deploy with a failing step", None)
    ck.eq(e.get("failed"), "image-push", "failing deploy: error.failed names the action")
    ck.check((doc or {}).get("counts", {}).get("failed", 0) >= 1, "failing deploy: counts.failed")

    # Bad input: no --yes and no terminal.
    p, doc = run(["deploy", "--spec", spec, "--no-bastion", "--endpoint-url", moto.url,
                  "--output", "json"], denv)
    ck.eq(p.returncode, 2, "deploy without --yes or a terminal: exit status 2")
    e = is_error(doc, "deploy without --yes", "input", "options")
    ck.eq(e.get("code"), "NeedsYes", "deploy without --yes: error.code")


def check_no_color(tmp):
    """The welcome screen with and without NO_COLOR, escapes included."""
    from tui_dryrun import Term
    seen = {}
    for name, extra in (("colour", {}), ("NO_COLOR", {"NO_COLOR": "1"})):
        d = os.path.join(tmp, "tui-" + name)
        os.makedirs(d)
        t = Term(d, ["--state-dir", os.path.join(d, "state")], env_extra=extra)
        try:
            ok = t.wait_text("< Dry run >", 60) is not None
            t.settled()
            esc = subprocess.run(t.tmux + ["capture-pane", "-p", "-e"], capture_output=True,
                                 text=True).stdout
            seen[name] = (ok, esc)
        finally:
            t.close()
    colour = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|4[0-7]|38;5;\d+|48;5;\d+)[0-9;]*m")
    ck.check(seen["colour"][0] and colour.search(seen["colour"][1]) is not None,
             "TUI: colours by default (tmux shows colour escapes)")
    ck.check(seen["NO_COLOR"][0] and colour.search(seen["NO_COLOR"][1]) is None,
             "TUI: no colour escapes with NO_COLOR=1")


def main():
    E.enter_netns()
    tmp = tempfile.mkdtemp(prefix="ecsw-conv.")
    moto = None
    try:
        env = E.wizard_env()
        env["HOME"] = tmp
        env["AWS_MAX_ATTEMPTS"] = "2"
        lic = os.path.join(tmp, "license.json")
        E.write_json(lic, {"id": "test-license"})
        E.write_json(os.path.join(tmp, "std.json"),
                     {"name": "std", "admin_cidr": "203.0.113.7/32", "license_file": lic,
                      "push_image": False})
        check_plan(tmp, env)
        if shutil.which("tmux"):
            check_no_color(tmp)
        moto = E.Moto()
        check_preflight(moto, env)
        check_deploy(moto, tmp, env)
    finally:
        if moto:
            moto.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    ck.finish()


if __name__ == "__main__":
    main()
