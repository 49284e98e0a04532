#!/usr/bin/env python3
"""tui_hostkey.py - the wizard asking about the bastion's host key.

moto's GetConsoleOutput prints no host key fingerprints, so nothing vouches
for the bastion's key: headless refuses (deploy_bastion.py); the wizard
shows the fingerprint the server presented and asks. Inside `unshare -n`:
moto, a real sshd standing in for the bastion, a stand-in container, all
on 127.0.0.1 and reached with --connect-to.

Normal mode: the whole plan is started from the review; the license step
stops on the question, which shows exactly sshd's fingerprint and has
written nothing. "Do not trust" gives the usual failure choices naming
HostKeyUnverified; Retry asks again; "Trust this key" goes on: the license
is written byte for byte, the key is recorded (0600) under the instance's
id, and the live checks report the app version. Marketplace mode (no
license): the question comes from the live checks on the summary, and
trusting it runs them again. A second sshd with another key and the
recorded one refuses. No screen shows the license or the secret key.

Exit 0 pass, 77 skip (not root / no sshd / tmux), 1 fail."""
import json
import os
import shutil
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402
from bastion_common import SSHD, Sshd, StandIn, keygen, keygen_fp  # noqa: E402
from tui_dryrun import Term, header  # noqa: E402

if (os.geteuid() != 0 or not os.path.exists(SSHD) or not shutil.which("ssh-keygen")
        or not shutil.which("tmux")):
    print("SKIP: needs root, openssh-server, ssh-keygen and tmux")
    sys.exit(77)
E.enter_netns()
ck = E.Checker()
MARKER = "lic-marker-hk-9b3e1a"
screens = []  # every capture, scanned for secrets at the end
_screen = Term.screen


def captured(self):
    s = _screen(self)
    screens.append(s)
    return s


Term.screen = captured


def check(cond, what, screen=None):
    if not ck.check(cond, what) and screen is not None:
        print("---- screen ----\n%s\n----------------" % screen)
    return cond


def start(work, moto, spec_path, state, sshd, http):
    conf = os.path.join(work, "aws-config")  # empty: keys from the environment
    open(conf, "w").close()
    env = {"AWS_ACCESS_KEY_ID": "AKIDTESTTEST", "AWS_SECRET_ACCESS_KEY": E.SECRET,
           "ECSW_WAITER_DELAY_SCALE": "0.01", "AWS_CONFIG_FILE": conf,
           "AWS_SHARED_CREDENTIALS_FILE": conf}
    for stale in ("exit", "tmux.sock"):
        if os.path.exists(os.path.join(work, stale)):
            os.unlink(os.path.join(work, stale))
    return Term(work, ["--spec", spec_path, "--endpoint-url", moto.url, "--state-dir", state,
                       "--connect-to", ":22:127.0.0.1:%d" % sshd.port,
                       "--connect-to", ":8080:127.0.0.1:%d" % http.port,
                       "--connect-to", ":80:127.0.0.1:%d" % http.port],
                env_extra=env)


def run_all(t):
    """Deploy, past the VPC's form, then create the whole plan from the
    review (F3, a)."""
    t.wait_text("< Deploy >", 60)
    t.settled()
    t.keys("Enter")
    t.wait_text("Section 2: Create VPC", 30)
    t.keys("Enter")
    s = t.wait(lambda x: "Review " in header(x), 60)
    check(s is not None, "the VPC's review comes first", t.screen())
    t.keys("F3")
    s = t.wait_text("a create all remaining", 30)
    check(s is not None, "F3 shows the whole plan, offering to create it", t.screen())
    t.settled()
    t.keys("a")


def wait_question(t, timeout=600):
    s = t.wait(lambda x: "Unknown host key" in x or "Error code:" in x
               or "Summary" in header(x) and "Unknown host key" in x, timeout)
    return s and t.settled()


def summary_text(t, want, times=1, timeout=120):
    """The whole summary, read page by page from the top, until want shows
    times in one reading (the live checks add their lines as they end)."""
    end = time.time() + timeout
    while True:
        for _ in range(12):
            t.keys("PPage")
        text = last = t.settled()
        for _ in range(30):
            t.keys("NPage")
            s = t.settled()
            if s == last:
                break
            text += s
            last = s
        if text.count(want) >= times or time.time() > end:
            return text
        time.sleep(2)


def quit_app(t, work):
    t.keys("q")
    t.wait_text("Answers not saved", 15)
    t.keys("Enter")
    end = time.time() + 30
    while time.time() < end and not os.path.exists(os.path.join(work, "exit")):
        time.sleep(0.1)


def normal(work, moto, sshd, other, http, fp, hk_pub, client):
    efs = os.path.join(work, "efs-n")
    os.makedirs(efs)
    lic = os.path.join(work, "license.json")
    lic_bytes = ('{"license_key": "%s"}\n' % MARKER).encode()
    with open(lic, "wb") as f:
        f.write(lic_bytes)
    dest = os.path.join(efs, "license.json")
    state = os.path.join(work, "state")
    spec = os.path.join(work, "tuih.json")
    E.write_json(spec, {"name": "tuih", "admin_cidr": "203.0.113.7/32", "license_file": lic,
                        "push_image": False, "ssh_key_file": client, "ssh_user": "root",
                        "efs_mount_path": efs})
    t = start(work, moto, spec, state, sshd, http)
    try:
        run_all(t)
        s = wait_question(t)
        check(s is not None and "Unknown host key" in s and fp in s and "< Trust this key >" in s
              and "< Do not trust >" in s,
              "normal: the license step asks about the bastion's key, showing %s" % fp,
              s or t.screen())
        check(not os.path.exists(dest), "normal: nothing written before the answer")
        log = open(sshd.log).read()
        check("Accepted publickey" not in log, "normal: no login before the key was trusted")
        with open(os.path.join(state, "tuih.json")) as f:
            lic_state = json.load(f)["resources"].get("license", {}).get("state")
        check(lic_state != "created", "normal: the journal has no license yet (%s)" % lic_state)

        t.keys("Right", "Enter")  # Do not trust
        s = t.wait_text("Error code:", 30)
        s = s and t.settled()
        check(s is not None and "HostKeyUnverified" in s and "< Retry >" in s,
              "normal: not trusting it gives the usual choices, naming HostKeyUnverified",
              s or t.screen())
        t.keys("Enter")  # Retry
        s = t.wait(lambda x: "Unknown host key" in x, 120)
        s = s and t.settled()
        check(s is not None and fp in s, "normal: Retry asks about the key again", s or t.screen())
        t.keys("Enter")  # Trust this key
        s = t.wait(lambda x: "Summary" in header(x) or "Error code:" in x
                   or "Unknown host key" in x, 600)
        s = s and t.settled()
        check(s is not None and "Summary" in header(s) and "Deployment finished." in s,
              "normal: trusting the key lets the deployment finish", s or t.screen())
        text = summary_text(t, "3.3.2-cpu", 2)
        check(text.count("3.3.2-cpu") >= 2,
              "normal: the live checks report the app version of the task and the load balancer",
              text)
        on_disk = open(dest, "rb").read() if os.path.exists(dest) else b""
        check(on_disk == lic_bytes, "normal: the license is written byte for byte")
        with open(os.path.join(state, "tuih.json")) as f:
            j = json.load(f)
        bastion = j["resources"]["bastion"]["id"]
        kh = os.path.join(state, "tuih-known_hosts")
        words = open(kh).read().split() if os.path.exists(kh) else []
        check(words[:3] == [bastion, "ssh-ed25519", open(hk_pub).read().split()[1]]
              and stat.S_IMODE(os.stat(kh).st_mode) == 0o600,
              "normal: the trusted key is recorded under the instance, 0600 (%s)" % words[:2])
        quit_app(t, work)
    finally:
        t.close()

    # The same bastion answering with another key: refused with a
    # warning, never asked about.
    t = start(work, moto, spec, state, other, http)
    try:
        t.wait_text("< Resume >", 60)
        t.settled()
        t.keys("Enter")
        t.wait_text("a create all remaining", 30)
        t.settled()
        t.keys("a")
        s = t.wait(lambda x: "Summary" in header(x) or "Unknown host key" in x, 300)
        text = summary_text(t, "HostKeyMismatch") if s else t.screen()
        check(s is not None and "Unknown host key" not in text and "HostKeyMismatch" in text
              and "WARNING" in text,
              "changed key: the live checks refuse it with a warning, without asking", text)
        quit_app(t, work)
    finally:
        t.close()
    return state, spec


def marketplace(work, moto, sshd, http, fp, client):
    state = os.path.join(work, "state-m")
    spec = os.path.join(work, "tuihm.json")
    E.write_json(spec, {"name": "tuihm", "marketplace": True, "admin_cidr": "203.0.113.7/32",
                        "push_image": False, "ssh_key_file": client, "ssh_user": "root"})
    t = start(work, moto, spec, state, sshd, http)
    try:
        run_all(t)
        s = t.wait(lambda x: "Unknown host key" in x or "Error code:" in x, 600)
        s = s and t.settled()
        check(s is not None and "Summary" in header(s) and "Unknown host key" in s and fp in s,
              "marketplace: the live checks ask about the key on the summary", s or t.screen())
        t.keys("Enter")  # Trust this key
        s = t.wait(lambda x: "Unknown host key" not in x, 30)
        text = summary_text(t, "3.3.2-cpu", 2)
        check(s is not None and text.count("3.3.2-cpu") >= 2,
              "marketplace: trusting it runs the live checks, which report the app version", text)
        quit_app(t, work)
    finally:
        t.close()


def main():
    work = "/tmp/ecsw-tui-hostkey-%d" % os.getpid()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    moto = E.Moto()
    servers, http = [], None
    try:
        hk1, hk2, client = (os.path.join(work, n) for n in ("host1", "host2", "client"))
        for k in (hk1, hk2, client):
            keygen(k, "ed25519")
        auth = os.path.join(work, "authorized_keys")
        shutil.copy(client + ".pub", auth)
        fp = keygen_fp(hk1 + ".pub")
        s1 = Sshd(work, "sshd1", hk1, auth)
        s2 = Sshd(work, "sshd2", hk2, auth)
        servers += [s1, s2]
        http = StandIn()
        only = os.environ.get("TUI_HOSTKEY_ONLY", "")
        if only in ("", "normal"):
            normal(work, moto, s1, s2, http, fp, hk1 + ".pub", client)
        if only in ("", "marketplace"):
            marketplace(work, moto, s1, http, fp, client)
    finally:
        for s in servers:
            s.stop()
        if http:
            http.stop()
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    leaked = [x for x in (MARKER, E.SECRET) if any(x in s for s in screens)]
    check(not leaked, "no screen showed the license or the secret key (%s)" % leaked)
    ck.finish()


main()
