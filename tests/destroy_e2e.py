#!/usr/bin/env python3
"""destroy_e2e.py - `ecs-wizard destroy` against moto: a full deployment (both
modes) is torn down, with a stray security group known only by the
deployment's tag, and boto3 finds nothing left with the deployment's tag
or name; the ECR repository is kept without --delete-images and removed
with it; a second destroy is a no-op that says so; without --yes nothing is
removed (exit 2); a destroy killed with SIGKILL midway resumes to the end, one interrupted
with SIGINT exits 130 and resumes too; a step that fails for good
(DependencyViolation after its retries) exits 1 with AWS's code, message and
request id; roles a deployment found already there stay, roles it made go;
a redeploy after a destroy makes everything again."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

E.enter_netns()

ck = E.Checker()
TAG = E.TAG
tagged, gone_code, leftovers = E.tagged, E.gone_code, E.leftovers


def repo_exists(moto, name):
    return not gone_code(lambda: moto.client("ecr").describe_repositories(repositoryNames=[name]))


def role_exists(moto, role):
    return not gone_code(lambda: moto.client("iam").get_role(RoleName=role))


def destroy_cmd(moto, name, state, extra=()):
    return [E.BIN, "destroy", "--name", name, "--endpoint-url", moto.url,
            "--state-dir", state] + list(extra)


def destroy(moto, name, state, extra=("--yes",), timeout=300):
    return subprocess.run(destroy_cmd(moto, name, state, extra), env=E.wizard_env(),
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def deploy(moto, spec, tmp, state):
    path = os.path.join(tmp, spec["name"] + ".json")
    E.write_json(path, spec)
    p = subprocess.run(E.deploy_cmd(moto, path, state), env=E.wizard_env(),
                       capture_output=True, text=True, timeout=300)
    ck.eq(p.returncode, 0, "%s: deploy (stderr: %s)" % (spec["name"], p.stderr[-1500:]))
    return p


def journal(state, name):
    with open(os.path.join(state, name + ".json")) as f:
        return json.load(f)["resources"]


def check_destroyed(moto, name, state, p, repo_kept, fresh=True):
    ck.eq(p.returncode, 0, "%s: destroy exit status (stderr: %s)" % (name, p.stderr[-2000:]))
    left = leftovers(moto, name)
    ck.eq(left, [], name + ": nothing left after destroy")
    ck.eq(repo_exists(moto, name), repo_kept, name + ": ECR repository kept" if repo_kept else name + ": ECR gone")
    if repo_kept:
        ck.check(re.search(r"ecr-repo\s+kept .*--delete-images", p.stderr) is not None,
                 name + ": destroy says the repository is kept: " + p.stderr[-800:])
    if not fresh:
        ck.check(re.search(r"^\[\s*\d+\] vpc\s+deleted", p.stderr, re.M) is not None,
                 name + ": the resumed destroy finished the work: " + p.stderr[-500:])
        return
    for key in ("service", "asg", "nat", "vpc", "user", "policy"):
        ck.check(re.search(r"^\[\s*\d+\] %s\s+deleted " % re.escape(key), p.stderr, re.M) is not None,
                 "%s: progress line for %s" % (name, key))
    # The order AWS needs, as the progress lines show it.
    order = [m.group(1) for m in re.finditer(r"^\[\s*\d+\] (\S+)\s+deleted", p.stderr, re.M)]
    for a, b in (("service", "cluster"), ("capacity-provider", "cluster"), ("nat", "eip"),
                 ("load-balancer", "target-group"), ("subnet-private-1", "vpc"), ("user", "policy")):
        if a in order and b in order:
            ck.check(order.index(a) < order.index(b), "%s: %s before %s" % (name, a, b))
        else:
            ck.check(False, "%s: %s and %s deleted (%s)" % (name, a, b, order))
    res = journal(state, name)
    live = sorted(k for k, r in res.items()
                  if r.get("state") not in ("deleted",) and r.get("kind") and
                  not (repo_kept and k in ("ecr-repo",)))
    ck.eq(live, [], name + ": journal says every resource is deleted")
    ck.check(not os.path.exists(os.path.join(state, name + "-key.pem")) or name == "mkt",
             name + ": the created key file is removed")
    ck.check(E.SECRET not in p.stderr + p.stdout, name + ": no secret on the terminal")


def main():
    moto = E.Moto()
    tmp = tempfile.mkdtemp(prefix="destroy_e2e.")
    try:
        state = os.path.join(tmp, "state")
        lic = os.path.join(tmp, "license.json")
        E.write_json(lic, {"id": "test-license"})
        std = {"name": "std", "admin_cidr": "203.0.113.7/32", "license_file": lic, "push_image": False}
        deploy(moto, std, tmp, state)
        # Something the journal does not know but the deployment's tag does.
        ec2 = moto.client("ec2")
        vpc = tagged(ec2.describe_vpcs()["Vpcs"], "std")[0]["VpcId"]
        tags = [{"ResourceType": "security-group", "Tags": [{"Key": TAG, "Value": "std"}]}]
        stray = ec2.create_security_group(GroupName="stray", Description="made by hand", VpcId=vpc,
                                          TagSpecifications=tags)["GroupId"]
        before = leftovers(moto, "std")
        ck.check(len(before) > 20, "std: the deployment exists (%d resources found)" % len(before))
        ck.check(os.path.exists(os.path.join(state, "std-key.pem")), "std: key file made")

        # Without --yes and a terminal: refuse, say what would go, touch nothing.
        p = destroy(moto, "std", state, extra=())
        ck.eq(p.returncode, 2, "destroy without --yes exits 2")
        ck.check("would remove" in p.stderr and "vpc" in p.stderr and "--yes" in p.stderr,
                 "the refusal lists what would be removed: " + p.stderr[-600:])
        ck.eq(leftovers(moto, "std"), before, "destroy without --yes removes nothing")

        p = destroy(moto, "nosuch", state)
        ck.eq(p.returncode, 2, "destroy of an unknown deployment exits 2")
        ck.check("nosuch" in p.stderr, "the error names the deployment")

        p = destroy(moto, "std", state, extra=("--yes", "--output", "json"))
        check_destroyed(moto, "std", state, p, repo_kept=True)
        ck.check(re.search(r"tagged:%s\s+deleted" % stray, p.stderr) is not None,
                 "the group known by its tag alone is removed: " + p.stderr[-300:])
        out = json.loads(p.stdout or "{}")
        ck.check("vpc" in out.get("deleted", []) and "ecr-repo" in out.get("kept", []),
                 "--output json lists deleted and kept: " + p.stdout[-300:])
        ck.check(out.get("command") == "destroy" and out.get("ok") is True and "error" not in out,
                 "--output json has the common envelope (command, ok, no error)")
        ck.check(not role_exists(moto, "ecsInstanceRole"), "roles this deployment made are removed")

        # A second destroy: nothing to do, and it says so.
        p = destroy(moto, "std", state)
        ck.eq(p.returncode, 0, "second destroy exits 0: " + p.stderr[-500:])
        ck.check("Nothing to remove" in p.stderr, "second destroy says nothing was left: " + p.stderr[-300:])
        ck.check(" deleted " not in p.stderr, "second destroy deletes nothing")

        # --delete-images removes the repository too.
        p = destroy(moto, "std", state, extra=("--yes", "--delete-images"))
        ck.eq(p.returncode, 0, "destroy --delete-images: " + p.stderr[-500:])
        ck.check(not repo_exists(moto, "std"), "--delete-images removes the ECR repository")

        # Deploy again on the same journal: everything is made anew.
        deploy(moto, std, tmp, state)
        ck.check(len(leftovers(moto, "std")) > 20, "redeploy after destroy makes the resources again")

        # Marketplace mode: no EFS; an imported key (its file is the user's).
        key = os.path.join(tmp, "id_test")
        subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key], check=True)
        mkt = {"name": "mkt", "admin_cidr": "198.51.100.0/24", "marketplace": True,
               "load_balancer_scheme": "internet-facing", "ssh_key_file": key, "push_image": False}
        deploy(moto, mkt, tmp, state)
        ck.check(len(leftovers(moto, "mkt")) > 15, "mkt: the deployment exists")
        # Interrupted (SIGINT) midway: exit 130, the journal consistent, and
        # the next run finishes the work.
        proc = subprocess.Popen(destroy_cmd(moto, "mkt", state, ("--yes", "--delete-images")),
                                env=E.wizard_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        deleted = 0
        for line in proc.stderr:
            if re.search(r"\] \S+\s+deleted ", line):
                deleted += 1
            if deleted >= 5:
                proc.send_signal(signal.SIGINT)
                break
        rest = proc.stderr.read()
        proc.wait(120)
        ck.eq(proc.returncode, 130, "interrupted destroy exits 130: " + rest[-500:])
        ck.check("interrupted" in rest and "FAILED" not in rest, "the interruption is reported as such: " + rest[-300:])
        j = journal(state, "mkt")
        ck.check(j.get("service", {}).get("state") == "deleted" and j.get("vpc", {}).get("state") != "deleted",
                 "the journal shows the interrupted destroy's progress")
        # A subnet someone made by hand (not tagged: not ours) keeps the VPC:
        # DependencyViolation is retried, then reported with AWS's words, exit 1.
        ec2 = moto.client("ec2")
        vpc = tagged(ec2.describe_vpcs()["Vpcs"], "mkt")[0]["VpcId"]
        theirs = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.250.0/24")["Subnet"]["SubnetId"]
        p = destroy(moto, "mkt", state, extra=("--yes", "--delete-images"))
        ck.eq(p.returncode, 1, "a step that fails for good exits 1")
        ck.check(re.search(r"vpc\s+FAILED: ec2:DeleteVpc: DependencyViolation: .*\(request id \S+\)", p.stderr)
                 is not None, "the failure shows AWS's code, message and request id: " + p.stderr[-600:])
        ck.check("waiting (DeleteVpc: DependencyViolation" in p.stderr, "DependencyViolation was retried")
        ck.eq(journal(state, "mkt")["vpc"]["state"], "created", "the VPC is still recorded")
        ck.check(any(s["SubnetId"] == theirs for s in ec2.describe_subnets()["Subnets"]),
                 "a subnet that is not ours is left alone")
        ec2.delete_subnet(SubnetId=theirs)
        p = destroy(moto, "mkt", state, extra=("--yes", "--delete-images"))
        check_destroyed(moto, "mkt", state, p, repo_kept=False, fresh=False)
        ck.check(os.path.exists(key), "mkt: the user's own key file stays")
        # The roles std made, mkt only found: they stay for std.
        ck.check(role_exists(moto, "ecsInstanceRole") and role_exists(moto, "ecsTaskExecutionRole"),
                 "mkt: roles it found already there are kept")
        ck.check(re.search(r"role-instance\s+kept .*existed before", p.stderr) is not None,
                 "mkt: destroy says the adopted role is kept: " + p.stderr[-400:])

        # Killed midway, then resumed.
        proc = subprocess.Popen(destroy_cmd(moto, "std", state, ("--yes",)), env=E.wizard_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deleted, lines = 0, []
        deadline = time.time() + 300
        for line in proc.stderr:
            lines.append(line)
            if re.search(r"\] \S+\s+deleted ", line):
                deleted += 1
            if deleted >= 8 or time.time() > deadline:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(60)
        ck.eq(proc.returncode, -signal.SIGKILL, "destroy was killed midway: " + "".join(lines[-5:]))
        ck.check(len(leftovers(moto, "std")) > 5, "the killed destroy left work to do")
        p = destroy(moto, "std", state, extra=("--yes", "--delete-images"))
        check_destroyed(moto, "std", state, p, repo_kept=False, fresh=False)

        ck.check(not role_exists(moto, "ecsInstanceRole"), "std: the roles it made go with it")
    finally:
        moto.stop()
        subprocess.run(["rm", "-rf", tmp])
    ck.finish()


main()
