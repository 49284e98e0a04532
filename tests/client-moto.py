#!/usr/bin/env python3
"""client-moto.py - aws_call() end to end against moto, signatures checked.

Inside a loopback-only network namespace: starts moto
($top_srcdir/../shared/tools/moto-server-ecs) with
INITIAL_NO_AUTH_ACTION_COUNT covering the setup requests only, creates an
IAM user with an allow-all inline policy and an access key with boto3 in
those free requests, writes the key to a 0600 file and runs
tests/check_client_moto (sts, ec2, ecs, iam, efs with the right secret and
a wrong one). Prints "N passed, N failed"."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SETUP_CALLS = 3  # CreateUser, PutUserPolicy, CreateAccessKey


def srcdir():
    return os.environ.get("top_srcdir") or os.path.dirname(HERE)


def builddir():
    return os.environ.get("top_builddir") or os.path.dirname(HERE)


def reexec_in_netns():
    if os.environ.get("ECSW_CLIENT_MOTO_NETNS") == "1":
        return
    os.environ["ECSW_CLIENT_MOTO_NETNS"] = "1"
    cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
           sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    try:
        if subprocess.call(["unshare", "-n", "true"]) != 0:
            raise OSError("unshare -n failed")
        os.execvp("unshare", cmd)
    except OSError as e:
        print("client-moto: cannot unshare the network: %s; skipping" % e)
        sys.exit(77)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    reexec_in_netns()
    try:
        import boto3
    except ImportError:
        print("client-moto: no boto3; skipping")
        return 77
    moto = os.path.join(os.environ.get("ECSW_SHARED") or os.path.join(srcdir(), "..", "shared"),
                        "tools", "moto-server-ecs")
    if not os.path.exists(moto):
        print("client-moto: %s not found; skipping" % moto)
        return 77
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_CALLS))
    for k in ("AWS_ENDPOINT_URL", "AWS_MAX_ATTEMPTS", "http_proxy", "https_proxy",
              "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(k, None)
    tmp = tempfile.mkdtemp(prefix="client-moto.")
    log = open(os.path.join(tmp, "moto.log"), "w")
    proc = subprocess.Popen([sys.executable, moto, "-H", "127.0.0.1", "-p", str(port)],
                            env=env, stdout=log, stderr=log)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
                break
            except Exception:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            print("client-moto: moto did not start")
            return 1
        kw = dict(endpoint_url=url, region_name="us-east-1",
                  aws_access_key_id="setup", aws_secret_access_key="setup")
        iam = boto3.client("iam", **kw)
        iam.create_user(UserName="deployer")
        iam.put_user_policy(UserName="deployer", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="deployer")["AccessKey"]
        keys = os.path.join(tmp, "keys")
        fd = os.open(keys, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, ("%s\n%s\n" % (key["AccessKeyId"], key["SecretAccessKey"])).encode())
        os.close(fd)
        # From here on moto checks every signature: prove it does.
        try:
            iam.list_users()
            print("client-moto: moto accepted a request signed with a made-up key")
            return 1
        except Exception:
            pass
        cenv = dict(env, MOTO_URL=url, MOTO_KEYS=keys)
        # Does this moto accept botocore's own signature on EFS?
        try:
            boto3.client("efs", endpoint_url=url, region_name="us-east-1",
                         aws_access_key_id=key["AccessKeyId"],
                         aws_secret_access_key=key["SecretAccessKey"]).describe_file_systems()
        except Exception as e:
            print("client-moto: moto rejects botocore's EFS signature too (%s)" % str(e)[:60])
            cenv["MOTO_EFS_SIGV4_BROKEN"] = "1"

        rc = subprocess.call([os.path.join(builddir(), "tests", "check_client_moto")],
                             env=cenv)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        subprocess.call(["rm", "-rf", tmp])
    print("%d passed, %d failed" % ((1, 0) if rc == 0 else (0, 1)))
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
