#!/usr/bin/env python3
"""diff_sigv4.py - our signer against botocore's SigV4Auth, byte for byte.

Signs requests shaped like the ones ecs-wizard sends (EC2 query POST, IAM in
us-east-1, STS, ECS JSON 1.1 with X-Amz-Target, EFS rest-json GETs with
query strings and paths needing encoding, with and without a session token)
with tests/aws-sign and with botocore at the same fixed time, and compares
the Authorization and X-Amz-Date headers (and the canonical request, to show
where they differ)."""
import datetime
import json
import os
import subprocess
import sys
from unittest import mock

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    print("botocore not importable by", sys.executable)
    sys.exit(77)

WHEN = 1764300000  # 2025-11-28T03:20:00Z
AK, SK = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////+tokenwith/slash=="
FORM = [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]]


def case(name, method, host, path, query, headers, body, region, service,
         token=None):
    return dict(name=name, method=method, host=host, path=path, query=query,
                headers=headers, body=body, region=region, service=service,
                time=WHEN, creds=dict(access_key_id=AK, secret_access_key=SK,
                                      **({"session_token": token} if token else {})))


CASES = [
    case("ec2 DescribeVpcs", "POST", "ec2.eu-west-1.amazonaws.com", "/", "", FORM,
         "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName"
         "&Filter.1.Value.1=private%20ai", "eu-west-1", "ec2"),
    case("ec2 RunInstances token", "POST", "ec2.eu-west-1.amazonaws.com", "/", "", FORM,
         "Action=RunInstances&Version=2016-11-15&ImageId=ami-0abc&MinCount=1&MaxCount=1"
         "&UserData=IyEvYmluL3NoCmVjaG8gaGk%3D", "eu-west-1", "ec2", TOKEN),
    case("iam CreateRole global", "POST", "iam.amazonaws.com", "/", "", FORM,
         "Action=CreateRole&Version=2010-05-08&RoleName=ecsInstanceRole"
         "&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D",
         "us-east-1", "iam"),
    case("iam token", "POST", "iam.amazonaws.com", "/", "", FORM,
         "Action=GetRole&Version=2010-05-08&RoleName=ecsTaskExecutionRole",
         "us-east-1", "iam", TOKEN),
    case("sts AssumeRole", "POST", "sts.eu-central-1.amazonaws.com", "/", "", FORM,
         "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012"
         "%3Arole%2Fdeploy&RoleSessionName=ecs-wizard&SerialNumber=arn%3Aaws%3Aiam%3A%3A1"
         "%3Amfa%2Fme&TokenCode=123456", "eu-central-1", "sts"),
    case("sts GetCallerIdentity token", "POST", "sts.us-east-1.amazonaws.com", "/", "",
         FORM, "Action=GetCallerIdentity&Version=2011-06-15", "us-east-1", "sts", TOKEN),
    case("ecs CreateCluster", "POST", "ecs.eu-west-1.amazonaws.com", "/", "",
         [["Content-Type", "application/x-amz-json-1.1"],
          ["X-Amz-Target", "AmazonEC2ContainerServiceV20141113.CreateCluster"]],
         '{"clusterName": "private-ai", "tags": [{"key": "a", "value": "b c"}]}',
         "eu-west-1", "ecs"),
    case("ecs RegisterTaskDefinition token", "POST", "ecs.eu-west-1.amazonaws.com", "/", "",
         [["Content-Type", "application/x-amz-json-1.1"],
          ["X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition"]],
         '{"family":"private-ai","containerDefinitions":[{"name":"pai","image":"x:1"}]}',
         "eu-west-1", "ecs", TOKEN),
    case("efs DescribeFileSystems query", "GET", "elasticfilesystem.eu-west-1.amazonaws.com",
         "/2015-02-01/file-systems", "CreationToken=ecs%2Bwizard%20a%3Ab&MaxItems=10",
         [], "", "eu-west-1", "elasticfilesystem"),
    case("efs path needs encoding", "GET", "elasticfilesystem.eu-west-1.amazonaws.com",
         "/2015-02-01/access-points/fsap%2B1%20a%3Ab", "", [], "", "eu-west-1",
         "elasticfilesystem"),
    case("efs path+query token", "GET", "elasticfilesystem.eu-west-1.amazonaws.com",
         "/2015-02-01/mount-targets", "FileSystemId=fs-12345678&Marker=a%2Fb%2Bc%3D",
         [], "", "eu-west-1", "elasticfilesystem", TOKEN),
    case("efs CreateFileSystem rest-json POST", "POST",
         "elasticfilesystem.eu-west-1.amazonaws.com", "/2015-02-01/file-systems", "",
         [["Content-Type", "application/json"]],
         '{"CreationToken":"private-ai","Encrypted":true}', "eu-west-1",
         "elasticfilesystem"),
    case("efs PutLifecycleConfiguration PUT", "PUT",
         "elasticfilesystem.eu-west-1.amazonaws.com",
         "/2015-02-01/file-systems/fs-1%3Ax/lifecycle-configuration", "",
         [["Content-Type", "application/json"]], '{"LifecyclePolicies":[]}',
         "eu-west-1", "elasticfilesystem"),
    case("messy headers: whitespace, duplicates, user-agent", "POST",
         "ecs.us-east-1.amazonaws.com", "/", "",
         [["Content-Type", "application/x-amz-json-1.1"],
          ["X-Amz-Target", "  AmazonEC2ContainerServiceV20141113.ListClusters  "],
          ["X-Custom", "a   b\t c"], ["X-Custom", "second"],
          ["User-Agent", "ecs-wizard/0.1.0"]],
         "{}", "us-east-1", "ecs"),
]


def botocore_sign(c):
    url = "https://%s%s" % (c["host"], c["path"])
    if c["query"]:
        url += "?" + c["query"]
    req = AWSRequest(method=c["method"], url=url, data=c["body"].encode())
    for k, v in c["headers"]:
        req.headers.add_header(k, v) if hasattr(req.headers, "add_header") \
            else req.headers.__setitem__(k, v)
    cr = c["creds"]
    auth = botocore.auth.SigV4Auth(
        Credentials(cr["access_key_id"], cr["secret_access_key"],
                    cr.get("session_token")), c["service"], c["region"])
    fixed = datetime.datetime.fromtimestamp(c["time"], datetime.timezone.utc) \
        .replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=fixed):
        auth.add_auth(req)
        creq = auth.canonical_request(req)
    return dict(authorization=req.headers["Authorization"],
                date=req.headers["X-Amz-Date"],
                token=req.headers.get("X-Amz-Security-Token"),
                creq=creq)


def main():
    builddir = os.environ.get("top_builddir") or \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    prog = os.path.join(builddir, "tests", "aws-sign")
    lines = "".join(json.dumps({k: v for k, v in c.items() if k != "name"}) + "\n"
                    for c in CASES)
    run = subprocess.run([prog], input=lines, capture_output=True, text=True,
                         timeout=30)
    ours = [json.loads(l) for l in run.stdout.splitlines() if l.strip()]
    passed = failed = 0
    if len(ours) != len(CASES):
        print("aws-sign answered %d lines for %d requests (rc %d): %s" %
              (len(ours), len(CASES), run.returncode, run.stderr))
        failed += 1
    for c, o in zip(CASES, ours):
        b = botocore_sign(c)
        token = c["creds"].get("session_token")
        problems = []
        if "error" in o:
            problems.append("aws-sign: " + o["error"])
        else:
            if o["authorization"] != b["authorization"]:
                problems.append("Authorization differs:\n  ours     %s\n  botocore %s\n"
                                "canonical request ours:\n%s\nbotocore:\n%s" %
                                (o["authorization"], b["authorization"],
                                 o["canonical_request"], b["creq"]))
            if o["x-amz-date"] != b["date"]:
                problems.append("X-Amz-Date %s != %s" % (o["x-amz-date"], b["date"]))
            if bool(token) != o["token_header"] or (token and b["token"] != token):
                problems.append("session token header handling differs")
        if problems:
            failed += 1
            print("FAIL %s\n  %s" % (c["name"], "\n  ".join(problems)))
        else:
            passed += 1
            print("ok   %s" % c["name"])
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
