#!/usr/bin/env python3
"""tui_dryrun.py - the wizard in a real terminal (tmux), in a dry run.

Walks every guide section twice (normal and Marketplace mode) through the
forms and the review screens, and asserts what a person would see: an
invalid VPC CIDR is refused with a reason and Next stays refused until it is
corrected; the review shows the exact parameters (the CIDR typed); the
section list numbers 2..17 without 16, with EFS skipped in Marketplace mode;
the screen still renders after a resize to 80x24; the answers are saved as a
spec file; quitting asks first. No network: nothing is sent in a dry run,
and the run happens inside `unshare -n` when we can.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("ECSW_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "src", "ecs-wizard")
passed = failed = 0


def check(cond, what, screen=None):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what)
        if screen is not None:
            print("---- screen ----\n" + screen + "\n----------------")


class Term:
    def __init__(self, tmp, args, cols=120, rows=36, env_extra=None):
        self.sock = os.path.join(tmp, "tmux.sock")
        self.tmux = ["tmux", "-S", self.sock]
        env = {"HOME": tmp, "TERM": "xterm-256color", "LANG": "C.UTF-8",
               "PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CONFIG_FILE": os.path.join(tmp, "none"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "none")}
        # The build tree's price table (AM_TESTS_ENVIRONMENT), also when
        # the program is not installed (make distcheck).
        if os.environ.get("ECSW_DATADIR"):
            env["ECSW_DATADIR"] = os.environ["ECSW_DATADIR"]
        env.update(env_extra or {})
        envs = " ".join("%s='%s'" % kv for kv in env.items())
        argv = " ".join("'%s'" % a for a in [BIN] + args)
        # The exit status lands in a file so the test can assert on it.
        cmd = "env -i %s %s; echo $? > '%s/exit'; sleep 30" % (envs, argv, tmp)
        self.tmp = tmp
        subprocess.run(self.tmux + ["-f", "/dev/null", "new-session", "-d", "-c", tmp,
                                    "-x", str(cols), "-y", str(rows), cmd], check=True)

    def screen(self):
        return subprocess.run(self.tmux + ["capture-pane", "-p"], capture_output=True,
                              text=True).stdout

    def keys(self, *keys):
        subprocess.run(self.tmux + ["send-keys"] + list(keys), check=True)

    def type(self, text):
        subprocess.run(self.tmux + ["send-keys", "-l", text], check=True)

    def wait(self, pred, timeout=15.0):
        end = time.time() + timeout
        s = ""
        while time.time() < end:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.05)
        return None

    def settled(self, timeout=10.0):
        """The screen once two captures a moment apart agree: a slow
        (sanitizer) build may be caught half-way through a redraw."""
        end = time.time() + timeout
        prev = self.screen()
        while time.time() < end:
            time.sleep(0.08)
            cur = self.screen()
            if cur == prev:
                return cur
            prev = cur
        return prev

    def wait_text(self, text, timeout=15.0):
        return self.wait(lambda s: text in s, timeout)

    def resize(self, cols, rows):
        subprocess.run(self.tmux + ["resize-window", "-x", str(cols), "-y", str(rows)],
                       check=True)

    def close(self):
        subprocess.run(self.tmux + ["kill-server"], capture_output=True)


def reason_under(s, label):
    """The text under a field whose label is `label`, when the field shows a
    reason (right pane, line below), else None."""
    lines = s.split("\n")
    for i, line in enumerate(lines[:-1]):
        if "│ " + label in line:
            below = lines[i + 1].split("│", 1)[-1].strip()
            return below or None
    return None


def header(s):
    lines = s.split("\n")
    return lines[1] if len(lines) > 1 else ""


def walk(t, marketplace, resize_at=None):
    """Dry-run every section; returns the section numbers whose form was shown."""
    seen, reviewed_vpc = [2], None
    last = None
    for _ in range(400):
        t.wait(lambda s: s != last, 4.0)
        s = t.settled()
        last = s
        h = header(s)
        if "Summary" in h:
            return seen, reviewed_vpc, s
        if "Review " in h:
            if "ec2:vpc ecsdocs-vpc" in h:
                reviewed_vpc = s
            t.keys("c")
            continue
        if "Section " in s and ": " in s:
            num = None
            for line in s.split("\n"):
                i = line.find("Section ")
                if i >= 0 and ":" in line[i:]:
                    num = int(line[i + 8:line.index(":", i)])
                    break
            if num is not None and (not seen or seen[-1] != num):
                seen.append(num)
                if resize_at is not None and num == resize_at:
                    t.resize(80, 24)
                    small = t.wait(lambda s: len(s.split("\n")) <= 25 and "Section %d" % num in s)
                    check(small is not None, "after resizing to 80x24 the section still renders",
                          t.screen())
                    if small:
                        lines = small.rstrip("\n").split("\n")
                        check(all(len(l) <= 80 for l in lines) and "ecs-wizard" in lines[0]
                              and "F10 quit" in lines[-1],
                              "80x24: title and key bars inside the window", small)
                if num == 4 and marketplace:
                    # The first field of section 4 is the Marketplace switch.
                    t.keys("Space")
                    check(t.wait(lambda s: "AWS Marketplace image" in s and " yes" in s) is not None,
                          "Space toggles the Marketplace switch", t.screen())
            if "Admin CIDR: required" in s or ("Next refused" in s and "Admin CIDR" in s):
                t.keys("C-u")
                t.type("198.51.100.0/24")
            t.keys("Enter")
            continue
        if "Not accepted" in s or "cannot be built" in s:
            return seen, reviewed_vpc, s
    return seen, reviewed_vpc, t.screen()


def run_mode(tmp, marketplace):
    mode = "marketplace" if marketplace else "normal"
    with open(os.path.join(tmp, "license.json"), "w") as f:
        json.dump({"id": "test-licence"}, f)
    t = Term(tmp, ["--state-dir", os.path.join(tmp, "state")])
    try:
        s = t.wait_text("< Dry run >")
        check(s is not None, "%s: welcome offers a dry run" % mode, t.screen())
        check(s is not None and "Credentials:      not found" in s,
              "%s: preflight says there are no credentials" % mode, s)
        t.keys("Enter")
        s = t.wait_text("Section 2: Create VPC") and t.settled()
        check(s is not None, "%s: dry run starts at section 2" % mode, t.screen())
        if not s:
            return
        listed = [l for l in s.split("\n") if "│" in l]
        nums = []
        for l in listed:
            left = l.split("│")[0][1:4].strip()
            if left.isdigit():
                nums.append(int(left))
        check(nums == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18],
              "%s: the list follows the guide's numbering, 16 left out, the optional 18 last (%s)"
              % (mode, nums), s)

        # F3: the whole plan, and below it what it costs (the engine's lines).
        if not marketplace:
            t.keys("F3")
            t.wait_text("The whole plan")
            t.keys(*(["NPage"] * 10))
            s = t.wait_text("Estimated cost in us-east-1")
            check(s is not None and "Total" in s and "NAT gateway" in s,
                  "%s: the whole plan ends with the cost estimate" % mode, t.screen())
            t.keys("Escape")
            t.wait_text("Section 2: Create VPC")

        # Fields: name, region, VPC CIDR, zones. Go to the CIDR, type a bad one.
        t.keys("Tab", "Tab", "C-u")
        t.type("10.0.0.0/33")
        s = t.wait(lambda s: reason_under(s, "VPC CIDR") is not None)
        check(s is not None and "10.0.0.0/33" in s,
              "%s: an invalid CIDR is explained under the field as it is typed (%s)"
              % (mode, s and reason_under(s, "VPC CIDR")), t.screen())
        t.keys("Enter")
        s = t.wait_text("Next refused: VPC CIDR")
        check(s is not None, "%s: Next is refused while the CIDR is invalid" % mode, t.screen())
        check(s is not None and "Review " not in header(s), "%s: no review after a refused Next" % mode, s)
        t.keys("C-u")
        t.type("10.42.0.0/16")
        t.keys("Enter")
        # The walk starts from the review the Enter opens: on a slow (ASan)
        # build the section's form may still be on screen, and a second
        # Enter would settle the VPC review unseen.
        t.wait(lambda s: "Review " in header(s) or "Not accepted" in s, 30.0)
        seen, vpc, end = walk(t, marketplace, resize_at=None if marketplace else 9)
        check(vpc is not None and '"CidrBlock": "10.42.0.0/16"' in vpc,
              "%s: the VPC review shows the exact CidrBlock typed" % mode, vpc or end)
        check(vpc is not None and "Name=ecsdocs-vpc" in vpc and "ec2 CreateVpc" in vpc,
              "%s: the VPC review shows call and tags" % mode, vpc or end)
        expect = [2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18] if marketplace else \
            [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18]
        check(seen == expect, "%s: every section's form was shown in order (%s)" % (mode, seen), end)
        check("Dry run finished: nothing was sent" in end and "would create" in end,
              "%s: the summary says nothing was sent" % mode, end)
        if marketplace:
            check("efs" not in end.lower(), "marketplace: no EFS resource in the summary", end)

        # Save the answers as a spec file.
        t.keys("s")
        s = t.wait_text("Save answers")
        check(s is not None and "ecsdocs.spec.json" in s, "%s: save offers a file name" % mode,
              t.screen())
        t.keys("Enter")
        path = os.path.join(tmp, "ecsdocs.spec.json")
        t.wait_text("Saved the answers")
        ok = os.path.exists(path)
        spec = json.load(open(path)) if ok else {}
        check(spec.get("vpc_cidr") == "10.42.0.0/16" and spec.get("admin_cidr") == "198.51.100.0/24"
              and spec.get("marketplace") == marketplace,
              "%s: the saved spec holds the answers (%s)" % (mode, {k: spec.get(k) for k in
                                                              ("vpc_cidr", "admin_cidr", "marketplace")}))
        check(ok and (os.stat(path).st_mode & 0o777) == 0o600, "%s: the spec file is 0600" % mode)

        # Quit asks first; Stay keeps the wizard, Quit leaves with status 0.
        t.keys("F10")
        s = t.wait_text("Answers not saved as a spec are lost")
        check(s is not None, "%s: F10 asks before quitting" % mode, t.screen())
        t.keys("Right", "Enter")
        s = t.wait(lambda s: "Answers not saved" not in s and "Summary" in s)
        check(s is not None, "%s: Stay keeps the wizard running" % mode, t.screen())
        t.keys("q")
        t.wait_text("Answers not saved")
        t.keys("Enter")
        end = time.time() + 5
        while time.time() < end and not os.path.exists(os.path.join(tmp, "exit")):
            time.sleep(0.05)
        code = open(os.path.join(tmp, "exit")).read().strip() if os.path.exists(
            os.path.join(tmp, "exit")) else None
        check(code == "0", "%s: quitting exits with status 0 (%s)" % (mode, code))
    finally:
        t.close()


def main():
    if not shutil.which("tmux"):
        print("SKIP: tmux missing")
        return 77
    if not os.access(BIN, os.X_OK):
        print("SKIP: no binary at " + BIN)
        return 77
    for marketplace in (False, True):
        tmp = tempfile.mkdtemp(prefix="ecsw-tui-")
        try:
            run_mode(tmp, marketplace)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    # Loopback only: a dry run sends nothing, and a mistake could not either.
    if os.environ.get("ECSW_IN_NETNS") != "1" and shutil.which("unshare") and os.geteuid() == 0:
        r = subprocess.run(["unshare", "-n", "sh", "-c",
                            'ip link set lo up 2>/dev/null; ECSW_IN_NETNS=1 exec "$0" "$@"',
                            sys.executable, os.path.abspath(__file__)])
        sys.exit(r.returncode)
    sys.exit(main())
