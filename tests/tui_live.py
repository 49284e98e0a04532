#!/usr/bin/env python3
"""tui_live.py - the wizard in a real terminal (tmux) deploying to moto.

Normal mode: fill the forms (an invalid VPC CIDR is refused with a reason),
review and create every resource one by one, resize to 80x24 while work
runs, and check the summary and moto's state (the VPC has the CIDR typed,
the target group port 8080 and /healthz, the bastion group the admin CIDR
typed, the service exists). Marketplace mode: the first sections one by
one, then the whole plan at once; quit while it runs (confirmed), start
again: the resume offer appears and finishes the deployment with exactly
one of every resource. All inside `unshare -n`, moto on loopback.
"""
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402
from tui_dryrun import Term, header, reason_under  # noqa: E402

E.enter_netns()
ck = E.Checker()
TAG = "ecs-wizard:deployment"


def show(what, s):
    print("---- %s ----\n%s\n----------------" % (what, s))


def check(cond, what, screen=None):
    if not ck.check(cond, what) and screen is not None:
        show("screen", screen)
    return cond


def tags_of(lst):
    return {t["Key"]: t["Value"] for t in (lst or [])}


def by_tag(items, name):
    return [i for i in items if tags_of(i.get("Tags")).get(TAG) == name]


# Nothing secret may ever reach the screen: every capture is scanned.
SESSION_TOKEN = "tui-session-token-0f9e8d7c6b5a"
LICENSE_MARKER = "license-marker-5e1c0ffee"
SECRETS = (E.SECRET, SESSION_TOKEN, LICENSE_MARKER)
leaked = []
_screen = Term.screen


def scanned_screen(self):
    s = _screen(self)
    leaked.extend(x for x in SECRETS if x in s)
    return s


Term.screen = scanned_screen


def start(tmp, moto, spec_path, state):
    env = {"AWS_ACCESS_KEY_ID": "AKIDTESTTEST", "AWS_SECRET_ACCESS_KEY": E.SECRET,
           "AWS_SESSION_TOKEN": SESSION_TOKEN,
           "ECSW_WAITER_DELAY_SCALE": "0.01", "AWS_CONFIG_FILE": os.path.join(tmp, "aws-config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "aws-config")}
    open(os.path.join(tmp, "aws-config"), "w").close()
    for stale in ("exit", "tmux.sock"):  # from the previous session
        if os.path.exists(os.path.join(tmp, stale)):
            os.unlink(os.path.join(tmp, stale))
    # --no-bastion: moto reports addresses no test may reach (SSH is
    # deploy_bastion.py's part).
    return Term(tmp, ["--spec", spec_path, "--endpoint-url", moto.url, "--state-dir", state,
                      "--no-bastion"],
                env_extra=env)


def wait_exit(tmp, timeout=60):
    path = os.path.join(tmp, "exit")
    end = time.time() + timeout
    while time.time() < end and not os.path.exists(path):
        time.sleep(0.1)
    return open(path).read().strip() if os.path.exists(path) else None


def section_number(s):
    for line in s.split("\n"):
        i = line.find("Section ")
        if i >= 0 and ":" in line[i:]:
            try:
                return int(line[i + 8:line.index(":", i)])
            except ValueError:
                return None
    return None


def drive(t, stop_at=None, resize_at=None):
    """Create every resource, section by section, until the summary (or the
    form of section stop_at). Returns (last screen, reviews seen, failure)."""
    reviewed, last, resized = 0, None, False
    deadline = time.time() + 900
    while time.time() < deadline:
        t.wait(lambda s: s != last, 5.0)
        s = t.settled(timeout=20)
        last = s
        h = header(s)
        if "Failed" in s and "Error code:" in s:
            return s, reviewed, True
        if "Summary" in h:
            return s, reviewed, False
        if "Review " in h and "Retry" not in s:
            reviewed += 1
            t.keys("c")
            # The next screen (progress, or the next review) before going on.
            t.wait(lambda x: header(x) != h, 60)
            if resize_at is not None and not resized and reviewed == resize_at:
                t.resize(80, 24)
                resized = True
                small = t.wait(lambda x: len(x.rstrip("\n").split("\n")) <= 24, 20)
                check(small is not None, "the wizard follows a resize to 80x24 while it works",
                      t.screen())
            continue
        if "Working on" in h or h.strip().startswith("Log") or "Working" in h:
            continue
        num = section_number(s)
        if num is not None and "Guide sections" in s:
            if stop_at is not None and num == stop_at:
                return s, reviewed, False
            if "Admin CIDR: required" in s or ("Next refused" in s and "Admin CIDR" in s):
                t.keys("C-u")
                t.type("198.51.100.0/24")
            t.keys("Enter")
            continue
    return t.screen(), reviewed, True


def normal_run(tmp, moto, state, lic):
    spec = os.path.join(tmp, "tuin.json")
    E.write_json(spec, {"name": "tuin", "license_file": lic, "push_image": False})
    t = start(tmp, moto, spec, state)
    try:
        s = t.wait_text("< Deploy >", 60)
        s = s and t.settled()
        check(s is not None and "Credentials:      found" in s,
              "normal: preflight finds the credentials", s or t.screen())
        t.keys("Enter")
        s = t.wait_text("Section 2: Create VPC", 30)
        check(s is not None, "normal: Deploy starts at section 2", t.screen())
        t.keys("Tab", "Tab", "C-u")
        t.type("10.0.0.0/33")
        s = t.wait(lambda s: reason_under(s, "VPC CIDR") is not None)
        check(s is not None, "normal: an invalid CIDR is explained under its field", t.screen())
        t.keys("Enter")
        s = t.wait_text("Next refused: VPC CIDR")
        check(s is not None and "Review " not in header(s),
              "normal: Next is refused while the CIDR is invalid", t.screen())
        t.keys("C-u")
        t.type("10.77.0.0/16")
        t.keys("Enter")
        end, reviewed, failed = drive(t, resize_at=20)
        check(not failed, "normal: every resource created without a failure", end)
        check(reviewed >= 40, "normal: each resource was reviewed (%d reviews)" % reviewed)
        check("Deployment finished." in end, "normal: the summary says the deployment finished", end)
        # The summary (scrolled) lists ids, endpoints, checks, teardown.
        text = end
        for _ in range(30):
            t.keys("NPage")
            s = t.settled()
            if s == text.split("\n", 1)[0]:
                break
            text += s
            if "ecs-wizard destroy --name tuin" in s:
                break
        check("ecs-wizard destroy --name tuin" in text, "normal: the summary says how to tear down", text)
        check("Load balancer address" in text and "tuin-lb-" in text,
              "normal: the summary shows the load balancer's address", text)
        check("Live checks:" in text and "--no-bastion" in text,
              "normal: the summary says the live checks were skipped and why", text)

        ec2 = moto.client("ec2")
        vpcs = by_tag(ec2.describe_vpcs()["Vpcs"], "tuin")
        check(len(vpcs) == 1 and vpcs[0]["CidrBlock"] == "10.77.0.0/16",
              "normal: one VPC with the CIDR typed (%s)" % [v["CidrBlock"] for v in vpcs])
        check(vpcs and vpcs[0]["VpcId"] in text, "normal: the summary shows the VPC's id", text)
        tg = moto.client("elbv2").describe_target_groups(Names=["tuin-tg"])["TargetGroups"][0]
        check((tg["Port"], tg["HealthCheckPath"]) == (8080, "/healthz"),
              "normal: target group on 8080 with /healthz (%s %s)" % (tg["Port"], tg["HealthCheckPath"]))
        sgs = {tags_of(g.get("Tags")).get("Name"): g for g in
               by_tag(ec2.describe_security_groups()["SecurityGroups"], "tuin")}
        b = sgs.get("tuin-bastion-sg", {}).get("IpPermissions", [])
        check(any(r.get("CidrIp") == "198.51.100.0/24" for p in b for r in p.get("IpRanges", [])),
              "normal: the bastion group admits the admin CIDR typed")
        svc = moto.client("ecs").describe_services(cluster="tuin-cluster",
                                                   services=["tuin-service"])["services"]
        check(len(svc) == 1 and svc[0]["status"] == "ACTIVE", "normal: the service exists")
        efs = [f for f in moto.client("efs").describe_file_systems()["FileSystems"]
               if f["CreationToken"] == "tuin-efs"]
        check(len(efs) == 1, "normal: one EFS")

        t.keys("s")
        s = t.wait_text("Save answers")
        t.keys("Enter")
        t.wait_text("Saved the answers")
        saved = os.path.join(tmp, "tuin.spec.json")
        got = json.load(open(saved)) if os.path.exists(saved) else {}
        check(got.get("vpc_cidr") == "10.77.0.0/16", "normal: the answers are saved as a spec")
        t.keys("q")
        check(t.wait_text("Answers not saved") is not None, "normal: q asks before quitting", t.screen())
        t.keys("Enter")
        check(wait_exit(tmp) == "0", "normal: quitting exits 0")
    finally:
        t.close()


def count(moto, name):
    ec2 = moto.client("ec2")
    ecs = moto.client("ecs")
    try:
        services = len(ecs.list_services(cluster=name + "-cluster")["serviceArns"])
    except Exception:
        services = 0
    return {"vpc": len(by_tag(ec2.describe_vpcs()["Vpcs"], name)),
            "subnets": len(by_tag(ec2.describe_subnets()["Subnets"], name)),
            "groups": len(by_tag(ec2.describe_security_groups()["SecurityGroups"], name)),
            "nat": len([n for n in ec2.describe_nat_gateways()["NatGateways"]
                        if tags_of(n.get("Tags")).get(TAG) == name and n["State"] != "deleted"]),
            "services": services,
            "efs": len([f for f in moto.client("efs").describe_file_systems()["FileSystems"]
                        if f["CreationToken"] == name + "-efs"])}


def marketplace_run(tmp, moto, state):
    spec = os.path.join(tmp, "tuim.json")
    E.write_json(spec, {"name": "tuim", "marketplace": True, "push_image": False,
                        "admin_cidr": "203.0.113.9/32"})
    t = start(tmp, moto, spec, state)
    try:
        s = t.wait_text("< Deploy >", 60)
        check(s is not None and "A journal for" not in s, "marketplace: no resume offer at first",
              s or t.screen())
        t.keys("Enter")
        check(t.wait_text("Section 2: Create VPC", 30) is not None, "marketplace: section 2", t.screen())
        t.keys("Enter")
        end, reviewed, failed = drive(t, stop_at=5)
        check(not failed and section_number(end) == 5,
              "marketplace: sections 2-4 created one by one", end)
        t.keys("F3")
        s = t.wait_text("a create all remaining", 30)
        s = s and t.settled()
        check(s is not None and "The whole plan:" in s, "marketplace: the whole plan is shown",
              s or t.screen())
        # Start everything, then quit while it runs.
        t.keys("a", "F10")
        s = t.wait_text("Work is in progress", 30)
        check(s is not None, "marketplace: quitting while work runs asks first", t.screen())
        t.keys("Enter")
        check(wait_exit(tmp) == "0", "marketplace: the wizard left after the confirmation")
        journal = json.load(open(os.path.join(state, "tuim.json")))
        svc = journal["resources"].get("service", {}).get("state")
        check(svc != "created", "marketplace: quit stopped the run before the service (%s)" % svc)
    finally:
        t.close()

    t = start(tmp, moto, spec, state)
    try:
        s = t.wait_text("< Resume >", 60)
        s = s and t.settled()
        check(s is not None and 'A journal for "tuim" exists' in s,
              "marketplace: the restart offers to resume", s or t.screen())
        t.keys("Enter")
        s = t.wait_text("a create all remaining", 30)
        s = s and t.settled()
        check(s is not None and " done" in header(s) and "done " in s,
              "marketplace: resume shows the whole plan with what is done", s or t.screen())
        t.keys("a")
        s = t.wait(lambda x: "Summary" in header(x) or "Error code:" in x, 600)
        s = s and t.settled()
        check(s is not None and "Deployment finished." in s,
              "marketplace: the resumed deployment finishes", s or t.screen())
        got = count(moto, "tuim")
        check(got == {"vpc": 1, "subnets": 4, "groups": 4, "nat": 1, "services": 1, "efs": 0},
              "marketplace: exactly one of everything, no EFS (%s)" % got)
        quit_from_summary(t, tmp)
    finally:
        t.close()


def quit_from_summary(t, tmp):
    """q on the summary, confirmed: the wizard exits."""
    t.keys("q")
    t.wait_text("Answers not saved")
    t.keys("Enter")
    wait_exit(tmp)


def start_at_vpc(tmp, moto, state, name):
    """A Marketplace deployment called name, started live and past the VPC
    form: the next screen is the VPC's review."""
    spec = os.path.join(tmp, name + ".json")
    E.write_json(spec, {"name": name, "push_image": False, "marketplace": True,
                        "admin_cidr": "203.0.113.9/32"})
    t = start(tmp, moto, spec, state)
    t.wait_text("< Deploy >", 60)
    t.keys("Enter")
    t.wait_text("Section 2: Create VPC", 30)
    t.keys("Enter")
    return t


def failure_run(tmp, moto, state):
    """A step that fails for good: AWS's code, message and request id are
    shown with Retry, Skip and Stop; Stop keeps what exists."""
    t = start_at_vpc(tmp, moto, state, "tuif")
    try:
        s = t.wait(lambda x: "Review " in header(x) and "ec2:vpc tuif-vpc" in header(x), 60)
        check(s is not None, "failure: the VPC is reviewed", t.screen())
        # Use a VPC that does not exist: the next call on it fails.
        t.keys("s")
        t.wait_text("Type the id of an existing resource")
        t.type("vpc-0badbadbadbad0000")
        t.keys("Enter")
        s = t.wait(lambda x: "Review " in header(x) and "vpc-attribute" in header(x), 60)
        check(s is not None, "failure: adopting the typed id moves on", t.screen())
        t.keys("c")
        s = t.wait_text("Error code:", 60)
        s = s and t.settled()
        check(s is not None and "InvalidVpcID.NotFound" in s and "Request id:" in s
              and "< Retry >" in s and "< Stop >" in s,
              "failure: AWS's code and request id with Retry, Skip, Stop", s or t.screen())
        t.keys("Right", "Right", "Enter")
        s = t.wait(lambda x: "Summary" in header(x), 60)
        s = s and t.settled()
        check(s is not None and "Deployment incomplete" in s and "vpc-0badbadbadbad0000" in s,
              "failure: Stop shows the summary with what exists", s or t.screen())
        quit_from_summary(t, tmp)
    finally:
        t.close()


def remove_run(tmp, moto, state):
    """Remove all from the failure popup: the VPC and subnets just created
    are removed, in the log, and the summary says so; then d on the summary
    asks first and, on a second pass, finds nothing left to remove."""
    t = start_at_vpc(tmp, moto, state, "tuid")
    try:
        skipped, s, last = False, None, None
        for _ in range(80):
            t.wait(lambda x: x != last, 30)
            s = t.settled()
            last = s
            h = header(s)
            if "Error code:" in s:
                break
            if "Review " in h:
                if "tuid-subnet-public1" in h and not skipped:
                    # A subnet that does not exist: the next call on it fails.
                    t.keys("s")
                    t.wait_text("Type the id of an existing resource")
                    t.type("subnet-0badbadbadbad0000")
                    t.keys("Enter")
                    skipped = True
                else:
                    t.keys("c")
            elif "Section " in s:
                t.keys("Enter")
        check(s is not None and "Error code:" in s and "< Remove all >" in s,
              "remove: the failure offers Remove all", s or t.screen())
        made = [v["VpcId"] for v in E.tagged(moto.client("ec2").describe_vpcs()["Vpcs"], "tuid")]
        check(len(made) == 1, "remove: the VPC exists before the teardown (%s)" % made)
        t.keys("Right", "Right", "Right", "Enter")
        s = t.wait(lambda x: "Summary" in header(x) and "Removed what this deployment" in x, 120)
        s = s and t.settled()
        check(s is not None, "remove: the summary says what was removed", s or t.screen())
        left = E.leftovers(moto, "tuid")
        check(not left, "remove: nothing of the deployment is left in AWS (%s)" % left[:3])
        with open(os.path.join(state, "tuid.json")) as f:
            res = json.load(f)["resources"]
        check(res.get("vpc", {}).get("state") == "deleted"
              and res.get("subnet-public-1", {}).get("state") == "adopted",
              "remove: the VPC it made is deleted, the subnet id typed by the user is kept (%s, %s)"
              % (res.get("vpc"), res.get("subnet-public-1")))
        check(s is not None and "d remove all" in s, "remove: the summary offers d", s)
        t.keys("d")
        s = t.wait_text("Remove the deployment", 30)
        check(s is not None and "< Cancel >" in s, "remove: d asks first", s or t.screen())
        t.keys("Right", "Enter")
        s = t.wait(lambda x: "Remove the deployment" not in x and "Summary" in header(x), 30)
        check(s is not None, "remove: Cancel keeps the summary", s or t.screen())
        quit_from_summary(t, tmp)
    finally:
        t.close()


def main():
    if not shutil.which("tmux"):
        print("SKIP: tmux missing")
        sys.exit(77)
    moto = E.Moto()
    tmp = tempfile.mkdtemp(prefix="ecsw-tui-live-")
    try:
        state = os.path.join(tmp, "state")
        lic = os.path.join(tmp, "license.json")
        E.write_json(lic, {"id": "test-licence", "key": LICENSE_MARKER})
        only = os.environ.get("TUI_LIVE_ONLY", "")
        if only in ("", "normal"):
            normal_run(tmp, moto, state, lic)
        if only in ("", "marketplace"):
            marketplace_run(tmp, moto, state)
        if only in ("", "failure"):
            failure_run(tmp, moto, state)
        if only in ("", "remove"):
            remove_run(tmp, moto, state)
    finally:
        moto.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    check(not leaked, "no captured screen showed the secret key, session token or license (%s)"
          % sorted(set(leaked)))
    ck.finish()


main()
