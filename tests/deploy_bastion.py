#!/usr/bin/env python3
"""deploy_bastion.py - the deployment reaching its bastion over SSH.

Inside `unshare -n` (loopback only): moto for AWS, a real sshd on
127.0.0.1 with its own host key and authorized key standing in for the
bastion, and a small HTTP server standing in for the container. The
wizard is pointed at them with --connect-to: port 22 of whatever address
the bastion reports goes to sshd, the task's port 8080 and the load
balancer's port 80 to the stand-in.

moto's GetConsoleOutput has no host key fingerprints, so the host key is
accepted by --ssh-host-key (pinned) or --accept-new-host-key. Checked: a
full deploy writes the license onto "EFS" (a directory sshd's user writes)
byte for byte and reports the app_version of the task and of the load
balancer; each refusal (non-JSON license, wrong pin, no pin, changed host
key, key refused by sshd, /healthz 503) gives a clear message and a
non-zero exit with the journal intact, and a later run continues; the
license's contents appear in no output, log or journal.

Exit 0 pass, 77 skip (not root / no sshd / no unshare), 1 fail."""
import json
import os
import shutil
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402
from bastion_common import SSHD, Handler, Sshd, StandIn, keygen, keygen_fp  # noqa: E402

if os.geteuid() != 0 or not os.path.exists(SSHD) or not shutil.which("ssh-keygen"):
    print("SKIP: needs root, openssh-server and ssh-keygen")
    sys.exit(77)
E.enter_netns()

ck = E.Checker()
NAME = "bst"
MARKER = "lic-marker-5d1f0c7e"  # only ever in the license file
OUTPUTS = []  # every run's stdout and stderr


def env():
    # No proxy from the caller's environment: probes go where the test says.
    return {k: v for k, v in E.wizard_env().items() if not k.lower().endswith("_proxy")}


def run(moto, args, cmd="deploy", timeout=240):
    if cmd == "deploy":
        argv = E.deploy_cmd(moto, args["spec"], args["state"], bastion=True)
    else:
        argv = [E.BIN, cmd, "--spec", args["spec"], "--endpoint-url", moto.url,
                "--state-dir", args["state"]]
    argv += ["--log", args["log"]] + args.get("extra", [])
    t0 = time.time()
    p = subprocess.run(argv, env=env(), capture_output=True, text=True, timeout=timeout)
    if os.environ.get("ECSW_TEST_VERBOSE"):
        print("--- %s %s: rc=%d %.1fs\n%s" % (cmd, " ".join(args.get("extra", [])), p.returncode,
                                              time.time() - t0, p.stderr))
    OUTPUTS.append(p.stdout + p.stderr)
    return p


def journal(state, name=NAME):
    with open(os.path.join(state, name + ".json")) as f:
        return json.load(f)


def state_of(j, key):
    return j["resources"].get(key, {}).get("state")


def connect_to(sshd, http):
    # Empty host: whatever address AWS reports for the bastion, the task
    # and the load balancer (curl's meaning).
    return ["--connect-to", ":22:127.0.0.1:%d" % sshd.port,
            "--connect-to", ":8080:127.0.0.1:%d" % http.port,
            "--connect-to", ":80:127.0.0.1:%d" % http.port]


def main():
    # A fixed, simple path: the EFS path must pass the wizard's path rules.
    work = "/tmp/ecsw-deploy-bastion-%d" % os.getpid()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    moto = E.Moto()
    servers, http = [], None
    try:
        hk1, hk2 = os.path.join(work, "host1"), os.path.join(work, "host2")
        keygen(hk1, "ed25519")
        keygen(hk2, "ed25519")
        client, stranger = os.path.join(work, "client"), os.path.join(work, "stranger")
        keygen(client, "ed25519")
        keygen(stranger, "ed25519")
        auth = os.path.join(work, "authorized_keys")
        shutil.copy(client + ".pub", auth)
        auth_stranger = os.path.join(work, "authorized_stranger")
        shutil.copy(stranger + ".pub", auth_stranger)
        fp1, fp2 = keygen_fp(hk1 + ".pub"), keygen_fp(hk2 + ".pub")

        s1 = Sshd(work, "sshd1", hk1, auth)            # the bastion
        # The bastion with another host key; also knows the key pair the
        # wizard creates for the second deployment, once the test puts it
        # in created_auth.
        created_auth = os.path.join(work, "authorized_created")
        s2 = Sshd(work, "sshd2", hk2, auth + " " + created_auth)
        s3 = Sshd(work, "sshd3", hk1, auth_stranger)   # knows not our key
        servers += [s1, s2, s3]
        http = StandIn()

        efs = os.path.join(work, "efs", "fs1")
        os.makedirs(efs)
        dest = os.path.join(efs, "license.json")
        lic = os.path.join(work, "license.json")
        lic_bytes = ('{"license_key": "%s", "seats": 3}\n' % MARKER).encode()
        with open(lic, "wb") as f:
            f.write(lic_bytes)
        state = os.path.join(work, "state")
        spec = {"name": NAME, "admin_cidr": "203.0.113.7/32", "license_file": lic,
                "push_image": False, "ssh_key_file": client, "ssh_user": "root",
                "efs_mount_path": efs}
        spec_path = os.path.join(work, "spec.json")
        E.write_json(spec_path, spec)
        log = os.path.join(work, "requests.log")
        base = {"spec": spec_path, "state": state, "log": log}

        # 1. A license that is not JSON: refused before anything exists.
        bad = os.path.join(work, "bad-license.json")
        with open(bad, "w") as f:
            f.write("license-key = %s\n" % MARKER)
        bad_spec = dict(spec, license_file=bad)
        bad_path = os.path.join(work, "bad-spec.json")
        E.write_json(bad_path, bad_spec)
        a = dict(base, spec=bad_path)
        p = run(moto, a)
        ck.eq(p.returncode, 2, "non-JSON license: exit 2")
        ck.check("license_file" in p.stderr and bad in p.stderr,
                 "non-JSON license: the message names the key and the file: " + p.stderr)
        ck.check(not os.path.exists(os.path.join(state, NAME + ".json")),
                 "non-JSON license: no journal")
        ck.eq(moto.client("ec2").describe_vpcs(
            Filters=[{"Name": "tag:ecs-wizard:deployment", "Values": [NAME]}])["Vpcs"], [],
            "non-JSON license: no VPC created")

        # 2. A pinned fingerprint that is not the bastion's: refused before
        # logging in, nothing written, the journal says the license is not
        # done.
        a = dict(base, extra=connect_to(s1, http) + ["--ssh-host-key", fp2])
        p = run(moto, a)
        ck.eq(p.returncode, 1, "wrong pin: exit 1 (stderr: %s)" % p.stderr[-1500:])
        ck.check("HostKeyMismatch" in p.stderr and fp1 in p.stderr and fp2 in p.stderr,
                 "wrong pin: both fingerprints named: " + p.stderr[-800:])
        ck.check(not os.path.exists(dest), "wrong pin: no license written")
        j = journal(state)
        ck.check(state_of(j, "bastion") == "created" and state_of(j, "license") != "created",
                 "wrong pin: journal has the bastion, not the license: %s" % state_of(j, "license"))
        ck.check("Accepted publickey" not in open(s1.log).read(),
                 "wrong pin: no login before the host key was verified")

        # 3. No pin and no --accept-new-host-key: headless refuses and shows
        # the fingerprint to check.
        a = dict(base, extra=connect_to(s1, http))
        p = run(moto, a)
        ck.eq(p.returncode, 1, "no pin: exit 1")
        ck.check("HostKeyUnverified" in p.stderr and fp1 in p.stderr
                 and "--ssh-host-key" in p.stderr,
                 "no pin: the fingerprint and the option are named: " + p.stderr[-800:])
        ck.check(not os.path.exists(dest), "no pin: no license written")

        # 4. The right pin: the run continues, writes the license, checks.
        a = dict(base, extra=connect_to(s1, http) + ["--ssh-host-key", fp1])
        p = run(moto, a)
        ck.eq(p.returncode, 0, "pinned: deploy exit 0 (stderr: %s)" % p.stderr[-2000:])
        on_disk = open(dest, "rb").read() if os.path.exists(dest) else b""
        ck.check(on_disk == lic_bytes, "pinned: license written byte for byte")
        ck.check(os.listdir(efs) == ["license.json"], "pinned: no temporary left: %s" % os.listdir(efs))
        j = journal(state)
        bastion_id = j["resources"]["bastion"]["id"]
        ck.eq(state_of(j, "license"), "created", "pinned: journal records the license")
        task_ips = [a["details"] for t in moto.client("ecs").describe_tasks(
            cluster=j["resources"]["cluster"]["id"],
            tasks=moto.client("ecs").list_tasks(cluster=j["resources"]["cluster"]["id"])["taskArns"]
        )["tasks"] for a in t["attachments"]]
        ips = [d["value"] for det in task_ips for d in det if d["name"] == "privateIPv4Address"]
        ck.check(ips and any(("check-task" in line and "%s:8080" % ips[0] in line
                              and "app_version 3.3.2-cpu" in line)
                             for line in p.stderr.splitlines()),
                 "pinned: the task's check reports its address and app_version: %s %s"
                 % (ips, p.stderr[-800:]))
        dns = moto.client("elbv2").describe_load_balancers()["LoadBalancers"][0]["DNSName"]
        ck.check(any(("check-load-balancer" in line and dns in line
                      and "app_version 3.3.2-cpu" in line) for line in p.stderr.splitlines()),
                 "pinned: the load balancer's check reports its app_version")
        kh = os.path.join(state, NAME + "-known_hosts")
        ck.check(os.path.exists(kh) and stat.S_IMODE(os.stat(kh).st_mode) == 0o600
                 and open(kh).read().split()[:2] == [bastion_id, "ssh-ed25519"]
                 and open(kh).read().split()[2] == open(hk1 + ".pub").read().split()[1],
                 "pinned: known_hosts in the state dir, 0600, the instance's key")
        log1 = open(s1.log).read()
        ck.check("Accepted publickey for root" in log1, "pinned: sshd saw our key log in")

        # 5. verify again: the recorded key is enough.
        a = dict(base, extra=connect_to(s1, http))
        p = run(moto, a, "verify")
        ck.eq(p.returncode, 0, "verify with the recorded key: exit 0 (%s)" % p.stderr[-800:])
        ck.check(p.stderr.count("app_version 3.3.2-cpu") >= 2, "verify: both app_versions")

        # 6. A changed host key: refused with a warning even with
        # --accept-new-host-key; the journal stays as it was.
        before = open(os.path.join(state, NAME + ".json")).read()
        a = dict(base, extra=connect_to(s2, http) + ["--accept-new-host-key"])
        p = run(moto, a, "verify")
        ck.eq(p.returncode, 1, "changed host key: exit 1")
        ck.check("WARNING" in p.stderr and "HostKeyMismatch" in p.stderr and fp1 in p.stderr
                 and fp2 in p.stderr and kh in p.stderr,
                 "changed host key: a warning naming both keys and the file: " + p.stderr[-800:])
        ck.eq(open(os.path.join(state, NAME + ".json")).read(), before, "changed host key: journal intact")
        a = dict(base, extra=connect_to(s2, http) + ["--accept-new-host-key"])
        p = run(moto, a)
        ck.eq(p.returncode, 1, "changed host key: deploy fails too")
        ck.check("HostKeyMismatch" in p.stderr, "changed host key: deploy says why")

        # 7. sshd refuses our key: AuthFailed naming the bastion.
        a = dict(base, extra=connect_to(s3, http))
        p = run(moto, a, "verify")
        ck.eq(p.returncode, 1, "key refused: exit 1")
        ck.check("AuthFailed" in p.stderr and "bastion" in p.stderr,
                 "key refused: says so and names the hop: " + p.stderr[-800:])

        # 8. /healthz answers 503: the check fails after its retries, naming
        # the hop and showing the target health.
        Handler.healthz_status = 503
        a = dict(base, extra=connect_to(s1, http))
        p = run(moto, a, "verify")
        Handler.healthz_status = 200
        ck.eq(p.returncode, 1, "/healthz 503: exit 1")
        ck.check(ips and ("-> %s:8080 /healthz" % ips[0]) in p.stderr and "503" in p.stderr
                 and "target health" in p.stderr,
                 "/healthz 503: names the hop, the status and the targets: " + p.stderr[-800:])
        ck.check("waiting" in p.stderr, "/healthz 503: retried before giving up")

        # 9. Later runs continue: verify and deploy succeed again.
        a = dict(base, extra=connect_to(s1, http))
        p = run(moto, a, "verify")
        ck.eq(p.returncode, 0, "after the refusals: verify exit 0")
        p = run(moto, a)
        ck.eq(p.returncode, 0, "after the refusals: deploy exit 0 (%s)" % p.stderr[-800:])
        ck.check("license" in p.stderr and "done before" in p.stderr,
                 "after the refusals: the license is done before")

        # 10. A second deployment with a key pair the wizard creates and
        # --accept-new-host-key. sshd does not know the new key yet: the
        # license fails with AuthFailed; once the key is authorized, a
        # second run writes it.
        os.unlink(dest)
        state2 = os.path.join(work, "state2")
        spec2 = dict(spec, name="bst2")
        del spec2["ssh_key_file"]
        spec2_path = os.path.join(work, "spec2.json")
        E.write_json(spec2_path, spec2)
        a = dict(base, spec=spec2_path, state=state2,
                 extra=connect_to(s2, http) + ["--accept-new-host-key"])
        p = run(moto, a)
        ck.eq(p.returncode, 1, "created key, not authorized: exit 1")
        ck.check("AuthFailed" in p.stderr and "bst2-key.pem" in p.stderr,
                 "created key, not authorized: AuthFailed naming the key file: " + p.stderr[-600:])
        j2 = journal(state2, "bst2")
        ck.check(state_of(j2, "license") != "created" and state_of(j2, "bastion") == "created",
                 "created key, not authorized: journal intact, license pending")
        pem = os.path.join(state2, "bst2-key.pem")
        ck.check(os.path.exists(pem) and stat.S_IMODE(os.stat(pem).st_mode) == 0o600,
                 "created key saved 0600 in the state dir")
        with open(created_auth, "w") as f:
            f.write(subprocess.run(["ssh-keygen", "-y", "-f", pem], check=True,
                                   capture_output=True, text=True).stdout)
        p = run(moto, a)
        ck.eq(p.returncode, 0, "created key, authorized: deploy exit 0 (%s)" % p.stderr[-1500:])
        on_disk = open(dest, "rb").read() if os.path.exists(dest) else b""
        ck.check(on_disk == lic_bytes, "accept-new: license written byte for byte")
        kh2 = os.path.join(state2, "bst2-known_hosts")
        ck.check(os.path.exists(kh2)
                 and open(kh2).read().split()[2] == open(hk2 + ".pub").read().split()[1],
                 "accept-new: the bastion's key recorded")
        ck.check(p.stderr.count("app_version 3.3.2-cpu") >= 2, "accept-new: both app_versions")
        out_all = "".join(OUTPUTS)

        # The license never leaks: terminal, request log, journals.
        leaks = []
        for path in [log, os.path.join(state, NAME + ".json"), os.path.join(state2, "bst2.json"),
                     kh, kh2]:
            if os.path.exists(path) and MARKER in open(path, errors="replace").read():
                leaks.append(path)
        ck.check(os.path.exists(log) and os.path.getsize(log) > 0, "the request log was written")
        ck.eq(leaks, [], "license contents in no log or journal")
        ck.check(MARKER not in out_all, "license contents never on the terminal")
    finally:
        for s in servers:
            s.stop()
        if http:
            http.stop()
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    ck.finish()


if __name__ == "__main__":
    main()
