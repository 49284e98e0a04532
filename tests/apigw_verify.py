#!/usr/bin/env python3
"""apigw_verify.py - the live check of the API Gateway's invoke URL.

Inside `unshare -n` (loopback only): moto for AWS, a real sshd on
127.0.0.1 as the bastion, the container's HTTP stand-in (the task's port
8080 and the internal load balancer's port 80, through the bastion) and a
TLS stand-in for the API: a certificate for
*.execute-api.us-east-1.amazonaws.com from a CA made here with openssl,
given to the wizard in AWS_CA_BUNDLE. Port 443 of whatever host the API's
invoke URL names goes to it with --connect-to.

Checked: a deploy with api_gateway true checks the task, the load balancer
and the invoke URL (moto's ApiEndpoint) and reports app_version 3.3.2-cpu
for the API, whose stand-in saw the request; with the stand-in answering
503 on / (after retries), or without the CA (the certificate not
trusted: CertificateUntrusted, at once), verify exits non-zero with a
message naming the API's hop; the CA back and the stand-in
well again, verify passes.

Exit 0 pass, 77 skip (not root / no sshd / no openssl / no unshare), 1 fail."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402
from bastion_common import SSHD, Handler, Sshd, StandIn, https_stand_in, keygen, keygen_fp  # noqa: E402

if (os.geteuid() != 0 or not os.path.exists(SSHD) or not shutil.which("ssh-keygen")
        or not shutil.which("openssl")):
    print("SKIP: needs root, openssh-server, ssh-keygen and openssl")
    sys.exit(77)
E.enter_netns()

ck = E.Checker()
NAME = "agv"
API_HOSTS = "*.execute-api.us-east-1.amazonaws.com"


class ApiHandler(Handler):
    """The API's stand-in: its own / status, and a count of requests."""
    root_status = 200
    seen = 0

    def do_GET(self):
        ApiHandler.seen += 1
        Handler.do_GET(self)


def run(moto, spec, state, cmd, extra, ca):
    if cmd == "deploy":
        argv = E.deploy_cmd(moto, spec, state, bastion=True)
    else:
        argv = [E.BIN, cmd, "--spec", spec, "--endpoint-url", moto.url, "--state-dir", state]
    # No proxy from the caller's environment: probes go where the test says.
    env = {k: v for k, v in E.wizard_env().items() if not k.lower().endswith("_proxy")}
    if ca:
        env["AWS_CA_BUNDLE"] = ca
    p = subprocess.run(argv + extra, env=env, capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    if os.environ.get("ECSW_TEST_VERBOSE"):
        print("--- %s: rc=%d\n%s" % (cmd, p.returncode, p.stderr))
    return p


def api_lines(out, host):
    return [line for line in out.splitlines() if "check-api-gateway" in line and host in line]


def main():
    work = "/tmp/ecsw-apigw-verify-%d" % os.getpid()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    moto = E.Moto()
    servers = []
    try:
        hk, client = os.path.join(work, "host"), os.path.join(work, "client")
        keygen(hk, "ed25519")
        keygen(client, "ed25519")
        sshd = Sshd(work, "sshd", hk, client + ".pub")
        servers.append(sshd)
        http = StandIn()
        servers.append(http)
        ca, tls = https_stand_in(work, API_HOSTS, ApiHandler)
        servers.append(tls)

        efs = os.path.join(work, "efs", "fs1")
        os.makedirs(efs)
        lic = os.path.join(work, "license.json")
        E.write_json(lic, {"license_key": "k", "seats": 1})
        spec = os.path.join(work, "spec.json")
        E.write_json(spec, {"name": NAME, "admin_cidr": "203.0.113.7/32", "license_file": lic,
                            "push_image": False, "ssh_key_file": client, "ssh_user": "root",
                            "efs_mount_path": efs, "api_gateway": True})
        state = os.path.join(work, "state")
        to = ["--connect-to", ":22:127.0.0.1:%d" % sshd.port,
              "--connect-to", ":8080:127.0.0.1:%d" % http.port,
              "--connect-to", ":80:127.0.0.1:%d" % http.port,
              "--connect-to", ":443:127.0.0.1:%d" % tls.port,
              "--ssh-host-key", keygen_fp(hk + ".pub")]

        # 1. The deploy checks the invoke URL over https with the test CA.
        p = run(moto, spec, state, "deploy", to, ca)
        ck.eq(p.returncode, 0, "deploy exit 0 (stderr: %s)" % p.stderr[-2000:])
        apis = moto.client("apigatewayv2").get_apis()["Items"]
        ck.eq(len(apis), 1, "one API")
        url = apis[0]["ApiEndpoint"] if apis else "https://none"
        host = url[len("https://"):].split("/")[0]
        ck.check(url.startswith("https://") and host.endswith(".execute-api.us-east-1.amazonaws.com"),
                 "moto's ApiEndpoint is an execute-api https URL: " + url)
        lines = api_lines(p.stderr, host)
        ck.check(any("app_version 3.3.2-cpu" in line for line in lines),
                 "deploy: the API check names the invoke URL's host and reports app_version "
                 "3.3.2-cpu: %s" % p.stderr[-1200:])
        ck.check(p.stderr.count("app_version 3.3.2-cpu") >= 3,
                 "deploy: the task, the load balancer and the API report app_version")
        ck.check(ApiHandler.seen >= 1, "deploy: the TLS stand-in answered the API check")

        # 2. The API answers 503: verify fails naming the API's hop.
        ApiHandler.root_status = 503
        p = run(moto, spec, state, "verify", to, ca)
        ApiHandler.root_status = 200
        ck.eq(p.returncode, 1, "API 503: verify exit 1")
        ck.check(("FAILED %s:443" % host) in p.stderr and "503" in p.stderr
                 and ("https://%s:443/" % host) in p.stderr,
                 "API 503: the message names the API's hop and the status: " + p.stderr[-1200:])
        ck.check(p.stderr.count("app_version 3.3.2-cpu") >= 2,
                 "API 503: the task and the load balancer still pass")

        # 3. Without the CA the certificate is not trusted: no answer read.
        seen = ApiHandler.seen
        p = run(moto, spec, state, "verify", to, None)
        ck.eq(p.returncode, 1, "untrusted certificate: verify exit 1")
        ck.check(("FAILED %s:443" % host) in p.stderr and ("https://%s:443/" % host) in p.stderr
                 and "CertificateUntrusted" in p.stderr and "not trusted" in p.stderr
                 and "AWS_CA_BUNDLE" in p.stderr
                 and "app_version" not in "".join(api_lines(p.stderr, host)),
                 "untrusted certificate: the message names the API's hop and says the "
                 "certificate is not trusted: " + p.stderr[-1200:])
        ck.check(not any("waiting" in line for line in api_lines(p.stderr, host)),
                 "untrusted certificate: final, not retried")
        ck.eq(ApiHandler.seen, seen, "untrusted certificate: no request sent to the stand-in")

        # 4. The CA back: verify passes again.
        p = run(moto, spec, state, "verify", to, ca)
        ck.eq(p.returncode, 0, "verify with the CA: exit 0 (%s)" % p.stderr[-1200:])
        ck.check(any("app_version 3.3.2-cpu" in line for line in api_lines(p.stderr, host)),
                 "verify: the API check reports app_version 3.3.2-cpu")
    finally:
        for s in servers:
            s.stop()
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    ck.finish()


if __name__ == "__main__":
    main()
