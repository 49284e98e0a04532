#!/usr/bin/env python3
"""creds_assume_role.py - role_arn profiles against moto, end to end.

Starts moto (shared/tools/moto-server-ecs) on loopback inside a network
namespace with signature checking on (INITIAL_NO_AUTH_ACTION_COUNT covers the
setup calls only) and request recording, writes ~/.aws files in a temporary
HOME, and runs tests/creds-probe, which resolves credentials with
aws_creds_resolve() and proves them with sts:GetCallerIdentity. Checks:
role_arn + source_profile (session name, external id, duration), MFA by
--mfa-token and by the prompt callback, MFA without a code, role chaining,
a source profile with a wrong secret, AWS_PROFILE instead of --profile.
Prints "N passed, N failed"."""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "123456789012"


def srcdir():
    return os.environ.get("top_srcdir") or os.path.dirname(HERE)


def builddir():
    return os.environ.get("top_builddir") or os.path.dirname(HERE)


def reexec_in_netns():
    if os.environ.get("ECSW_CREDS_AR_NETNS") == "1":
        return
    os.environ["ECSW_CREDS_AR_NETNS"] = "1"
    cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
           sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    try:
        os.execvp("unshare", cmd)
    except OSError as e:
        print("creds_assume_role: cannot unshare the network: %s" % e)
        sys.exit(77)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


NO_AUTH_SETUP_CALLS = 7


def start_moto(tmp):
    moto = os.path.join(os.environ.get("ECSW_SHARED") or os.path.join(srcdir(), "..", "shared"),
                        "tools", "moto-server-ecs")
    if not os.path.exists(moto):
        print("creds_assume_role: %s not found; skipping" % moto)
        sys.exit(77)
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(NO_AUTH_SETUP_CALLS),
               MOTO_ENABLE_RECORDING="True",
               MOTO_RECORDER_FILEPATH=os.path.join(tmp, "recording"))
    log = open(os.path.join(builddir(), "tests", "creds_assume_role.moto.log"), "w")
    proc = subprocess.Popen([sys.executable, moto, "-H", "127.0.0.1", "-p", str(port)],
                            env=env, stdout=log, stderr=log)
    url = "http://127.0.0.1:%d" % port
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            return proc, url
        except Exception:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    print("creds_assume_role: moto did not start (see tests/creds_assume_role.moto.log)")
    sys.exit(1)


def setup_iam(url):
    """The free (unsigned) calls: a user with an access key and an allow-all
    policy, and two roles that allow everything."""
    import boto3
    kw = dict(endpoint_url=url, region_name="us-east-1",
              aws_access_key_id="setup", aws_secret_access_key="setup")
    iam = boto3.client("iam", **kw)
    allow = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    # moto checks the trust policy's principal: the user, and for the
    # chained role also the first role's sessions.
    principals = ["arn:aws:iam::%s:user/deployer" % ACCOUNT,
                  "arn:aws:iam::%s:role/deploy-role" % ACCOUNT,
                  "arn:aws:sts::%s:assumed-role/deploy-role/probe-session" % ACCOUNT]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principals},
         "Action": "sts:AssumeRole"}]})
    iam.create_user(UserName="deployer")
    iam.put_user_policy(UserName="deployer", PolicyName="all", PolicyDocument=allow)
    key = iam.create_access_key(UserName="deployer")["AccessKey"]
    for role in ("deploy-role", "second-role"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName=role, PolicyName="all", PolicyDocument=allow)
    return key["AccessKeyId"], key["SecretAccessKey"]


def recorded_assume_roles(tmp):
    """Bodies (as dicts) of the AssumeRole requests moto saw, with the access
    key each was signed with."""
    out = []
    try:
        lines = open(os.path.join(tmp, "recording")).read().splitlines()
    except OSError:
        return out
    for line in lines:
        e = json.loads(line)
        body = e.get("body") or ""
        if e.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        params = dict(urllib.parse.parse_qsl(body))
        if params.get("Action") != "AssumeRole":
            continue
        auth = {k.lower(): v for k, v in e.get("headers", {}).items()}.get("authorization", "")
        params["_signed_by"] = auth.split("Credential=")[-1].split("/")[0]
        out.append(params)
    return out


def clear_recording(tmp):
    try:
        os.unlink(os.path.join(tmp, "recording"))
    except OSError:
        pass


def main():
    reexec_in_netns()
    try:
        import boto3  # noqa: F401
    except ImportError:
        print("creds_assume_role: boto3 not installed; skipping")
        return 77
    probe = os.path.join(builddir(), "tests", "creds-probe")
    tmp = tempfile.mkdtemp(prefix="creds_ar.")
    proc = None
    passed = failed = 0
    try:
        proc, url = start_moto(tmp)
        akid, secret = setup_iam(url)
        home = os.path.join(tmp, "home")
        os.makedirs(os.path.join(home, ".aws"))
        role = "arn:aws:iam::%s:role/deploy-role" % ACCOUNT
        role2 = "arn:aws:iam::%s:role/second-role" % ACCOUNT
        serial = "arn:aws:iam::%s:mfa/deployer" % ACCOUNT
        with open(os.path.join(home, ".aws", "credentials"), "w") as f:
            f.write("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    "[badbase]\naws_access_key_id = %s\naws_secret_access_key = wrong%s\n"
                    % (akid, secret, akid, secret))
        helper = os.path.join(tmp, "cred-helper")
        with open(helper, "w") as f:
            f.write("#!/bin/sh\necho '%s'\n" % json.dumps(
                {"Version": 1, "AccessKeyId": akid, "SecretAccessKey": secret}))
        os.chmod(helper, 0o700)
        with open(os.path.join(home, ".aws", "config"), "w") as f:
            f.write("[profile role]\nregion = eu-west-1\nrole_arn = %s\nsource_profile = base\n"
                    "role_session_name = probe-session\nexternal_id = ext-123\n"
                    "duration_seconds = 1800\n\n"
                    "[profile mfa]\nrole_arn = %s\nsource_profile = base\nmfa_serial = %s\n"
                    "role_session_name = mfa-session\n\n"
                    "[profile chained]\nrole_arn = %s\nsource_profile = role\n"
                    "role_session_name = chained-session\n\n"
                    "[profile bad]\nrole_arn = %s\nsource_profile = badbase\n\n"
                    "[profile envsrc]\nrole_arn = %s\ncredential_source = Environment\n"
                    "role_session_name = env-session\n\n"
                    "[profile procbase]\ncredential_process = %s\n\n"
                    "[profile procrole]\nrole_arn = %s\nsource_profile = procbase\n"
                    "role_session_name = proc-session\n"
                    % (role, role, serial, role2, role, role, helper, role))
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true")

        def run(args, extra_env=None):
            clear_recording(tmp)
            e = dict(env, **(extra_env or {}))
            r = subprocess.run([probe, "--endpoint-url", url] + args, env=e,
                               capture_output=True, text=True, timeout=30)
            try:
                return json.loads(r.stdout), recorded_assume_roles(tmp)
            except ValueError:
                return {"error": {"message": "probe said: %r %r" % (r.stdout, r.stderr)}}, []

        def check(name, cond, detail):
            nonlocal passed, failed
            if cond:
                passed += 1
                print("ok   %s" % name)
            else:
                failed += 1
                print("FAIL %s: %s" % (name, detail))

        # role_arn + source_profile, with session name, external id, duration.
        t0 = time.time()
        out, calls = run(["--profile", "role"])
        check("role: credentials work", out.get("arn", "").endswith(
            ":assumed-role/deploy-role/probe-session"), out)
        check("role: source named", out.get("source") == "assume-role %s (profile role)" % role,
              out.get("source"))
        check("role: session token", out.get("has_session_token") is True, out)
        check("role: duration_seconds", abs(out.get("expiration", 0) - (t0 + 1800)) < 120,
              out.get("expiration"))
        check("role: one AssumeRole signed by the source key",
              len(calls) == 1 and calls[0]["_signed_by"] == akid, calls)
        check("role: ExternalId/DurationSeconds/RoleSessionName sent",
              calls and calls[0].get("ExternalId") == "ext-123"
              and calls[0].get("DurationSeconds") == "1800"
              and calls[0].get("RoleSessionName") == "probe-session"
              and calls[0].get("RoleArn") == role, calls)

        # AWS_PROFILE picks the profile as well.
        out, calls = run([], {"AWS_PROFILE": "role"})
        check("AWS_PROFILE=role", out.get("arn", "").endswith("/probe-session"), out)

        # MFA with --mfa-token.
        out, calls = run(["--profile", "mfa", "--mfa-token", "123456"])
        check("mfa token: credentials work",
              out.get("arn", "").endswith(":assumed-role/deploy-role/mfa-session"), out)
        check("mfa token: SerialNumber and TokenCode sent",
              calls and calls[0].get("SerialNumber") == serial
              and calls[0].get("TokenCode") == "123456", calls)

        # MFA through the prompt callback.
        out, calls = run(["--profile", "mfa", "--mfa-prompt", "654321"])
        check("mfa prompt: asked for the right device", out.get("prompted_for") == serial, out)
        check("mfa prompt: code sent", calls and calls[0].get("TokenCode") == "654321", calls)

        # MFA without any code: a clear error and no call.
        out, calls = run(["--profile", "mfa"])
        err = out.get("error", {})
        check("mfa missing: MfaTokenRequired", err.get("code") == "MfaTokenRequired"
              and serial in err.get("message", ""), out)
        check("mfa missing: no AssumeRole sent", calls == [], calls)

        # Role chaining: chained -> role -> base.
        out, calls = run(["--profile", "chained"])
        check("chained: second role", out.get("arn", "").endswith(
            ":assumed-role/second-role/chained-session"), out)
        check("chained: two AssumeRole calls, the second signed by the first role's key",
              len(calls) == 2 and calls[0]["_signed_by"] == akid
              and calls[1]["_signed_by"] not in ("", akid)
              and calls[1].get("RoleArn") == role2, calls)

        # credential_source = Environment: the environment's keys sign the call
        # even though --profile keeps them from being used directly.
        out, calls = run(["--profile", "envsrc"],
                         {"AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret})
        check("credential_source Environment",
              out.get("arn", "").endswith("/deploy-role/env-session")
              and len(calls) == 1 and calls[0]["_signed_by"] == akid, (out, calls))

        # A source profile whose keys come from credential_process.
        out, calls = run(["--profile", "procrole"])
        check("source_profile with credential_process",
              out.get("arn", "").endswith("/deploy-role/proc-session")
              and len(calls) == 1 and calls[0]["_signed_by"] == akid, (out, calls))

        # A source profile with a wrong secret: AWS's error comes through.
        out, calls = run(["--profile", "bad"])
        err = out.get("error", {})
        check("bad source secret: signature refused",
              err.get("code") in ("SignatureDoesNotMatch", "InvalidClientTokenId")
              and "AssumeRole" in err.get("where", ""), out)
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
