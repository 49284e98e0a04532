#!/usr/bin/env python3
"""kill_resume.py - kill -9 `ecs-wizard deploy` at several points (after a
number of journal rewrites, counted as the file is replaced), re-run it
each time, and once a run completes assert that moto holds exactly one of
every resource: nothing was made twice by a run that did not know what
its killed predecessor had sent."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

E.enter_netns()

ck = E.Checker()
NAME = "kr"


def journal_writes(state, writes):
    """A condition for E.run_and_kill: true once the journal has been
    replaced `writes` times."""
    journal = os.path.join(state, NAME + ".json")
    seen = {"n": 0, "last": None}

    def when():
        try:
            st = os.stat(journal)
            ident = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            ident = None
        if ident and ident != seen["last"]:
            seen["last"] = ident
            seen["n"] += 1
        return seen["n"] >= writes
    return when


def main():
    moto = E.Moto()
    tmp = tempfile.mkdtemp(prefix="kill_resume.")
    try:
        state = os.path.join(tmp, "state")
        lic = os.path.join(tmp, "license.json")
        E.write_json(lic, {"id": "test-license"})
        spec = os.path.join(tmp, "spec.json")
        E.write_json(spec, {"name": NAME, "admin_cidr": "203.0.113.7/32", "license_file": lic,
                            "push_image": False})
        # Each run resumes from the journal, so these are increments: the
        # kills land in the lookups, the VPC, IAM, groups, EFS, the
        # balancer, the NAT gateway and the cluster.
        kills = 0
        for writes in (2, 6, 10, 15, 20, 25, 30):
            if E.run_and_kill(E.deploy_cmd(moto, spec, state), E.wizard_env(), journal_writes(state, writes),
                              timeout=90):
                kills += 1
        ck.check(kills >= 4, "killed the deploy %d times before it finished" % kills)
        p = subprocess.run(E.deploy_cmd(moto, spec, state), env=E.wizard_env(),
                           capture_output=True, text=True, timeout=120)
        ck.eq(p.returncode, 0, "the resumed deploy completes (stderr: %s)" % p.stderr[-1500:])

        E.check_one_of_each(ck, moto, NAME)
        ck.eq([f for f in os.listdir(state) if ".tmp." in f], [], "no temp files left by the kills")
    finally:
        moto.stop()
        subprocess.run(["rm", "-rf", tmp])
    ck.finish()


main()
