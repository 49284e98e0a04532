#!/usr/bin/env python3
"""preflight_checks.py - preflight's deeper checks (preflight-checks.h)
against moto, on loopback only.

moto answers the zones, offerings, instance types, instances, addresses,
VPCs, the VPC quota and roles. It has no EC2 quotas in Service Quotas and
no iam:SimulatePrincipalPolicy: straight against moto those checks must be
reported as "could not check", never as failures. To test the checks
themselves, a small proxy in front of moto stands in for those two APIs
(answering as AWS does) and forwards everything else. Expected figures are
read from moto with boto3, not typed in."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

QUOTAS = {}      # quota code -> value the proxy answers (others: moto)
DENY = set()     # IAM actions the proxy's simulation denies
SIMULATED = []   # ActionNames of each SimulatePrincipalPolicy request


class Proxy(BaseHTTPRequestHandler):
    upstream = None

    def log_message(self, *a):
        pass

    def reply(self, status, ctype, data):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "proxy-1")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target", "")
        if target.endswith(".GetServiceQuota") or target.endswith(".GetAWSDefaultServiceQuota"):
            req = json.loads(body)
            if req.get("QuotaCode") in QUOTAS:
                q = {"ServiceCode": req["ServiceCode"], "QuotaCode": req["QuotaCode"],
                     "Value": QUOTAS[req["QuotaCode"]], "Unit": "None"}
                return self.reply(200, "application/x-amz-json-1.1",
                                  json.dumps({"Quota": q}).encode())
        form = urllib.parse.parse_qs(body.decode(errors="replace"))
        if form.get("Action") == ["SimulatePrincipalPolicy"]:
            names = [v[0] for k, v in sorted(form.items(),
                                             key=lambda kv: int(kv[0].rsplit(".", 1)[-1])
                                             if kv[0].startswith("ActionNames.member.") else 0)
                     if k.startswith("ActionNames.member.")]
            SIMULATED.append({"names": names, "source": form.get("PolicySourceArn", [""])[0]})
            results = "".join(
                "<member><EvalActionName>%s</EvalActionName><EvalResourceName>*</EvalResourceName>"
                "<EvalDecision>%s</EvalDecision></member>"
                % (n, "implicitDeny" if n in DENY else "allowed") for n in names)
            xml = ("<SimulatePrincipalPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                   "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
                   "<EvaluationResults>%s</EvaluationResults></SimulatePrincipalPolicyResult>"
                   "<ResponseMetadata><RequestId>proxy-1</RequestId></ResponseMetadata>"
                   "</SimulatePrincipalPolicyResponse>" % results)
            return self.reply(200, "text/xml", xml.encode())
        req = urllib.request.Request(self.upstream + self.path, data=body, method="POST",
                                     headers={k: v for k, v in self.headers.items()
                                              if k.lower() not in ("host", "content-length")})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                status, ctype, data = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, ctype, data = e.code, e.headers.get("Content-Type", ""), e.read()
        self.reply(status, ctype, data)


def main():
    e2e.enter_netns()
    c = e2e.Checker()
    moto = e2e.Moto()
    work = tempfile.mkdtemp()
    try:
        run(c, moto, work)
    finally:
        moto.stop()
    c.finish()


def run(c, moto, work):
    Proxy.upstream = moto.url
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    proxy_url = "http://127.0.0.1:%d" % proxy.server_address[1]

    iam = moto.client("iam")
    ec2 = moto.client("ec2")
    iam.create_user(UserName="deployer")
    key = iam.create_access_key(UserName="deployer")["AccessKey"]
    env = e2e.wizard_env()
    env.update(AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])

    def preflight(url, spec=None, text=False):
        args = [e2e.BIN, "preflight", "--endpoint-url", url, "--region", "us-east-1"]
        if spec is not None:
            path = os.path.join(work, "spec.json")
            e2e.write_json(path, spec)
            args += ["--spec", path]
        if not text:
            args += ["--output", "json"]
        p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        doc = None
        if not text and p.returncode == 0:
            doc = json.loads(p.stdout)
        return p, doc

    def finding(doc, check):
        for f in (doc or {}).get("checks", []):
            if f["check"] == check:
                return f
        return {"status": "absent", "message": "", "fix": None}

    # 1. Straight to moto: what it lacks is "could not check", not a failure.
    p, doc = preflight(moto.url)
    c.eq(p.returncode, 0, "preflight against moto exits 0: " + p.stderr)
    for check in ("vcpu-quota", "elastic-ip-quota", "iam-simulate"):
        f = finding(doc, check)
        c.eq(f["status"], "unchecked", check + " against moto")
        c.check("could not check" in f["message"], check + " says why: " + f["message"])
    c.eq(finding(doc, "instance-type-zones")["status"], "ok", "m5zn.xlarge in both zones")
    c.eq(finding(doc, "vpc-quota")["status"], "ok", "VPC quota with room")
    c.eq(doc and doc["problems"], 0, "no problems")
    c.eq(doc and doc["unchecked"], 3, "three checks could not be made")
    for role in ("ecsInstanceRole", "ecsTaskExecutionRole"):
        c.check("deploy creates it" in finding(doc, "role:" + role)["message"],
                role + " absent: deploy creates it")
    p, _ = preflight(moto.url, text=True)
    c.check(p.returncode == 0 and "not checked" in p.stdout and "could not check" in p.stdout,
            "text output marks what was not checked")

    # 2. A type missing from one of the plan's zones: named, with the fix.
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["available"]}])["AvailabilityZones"]][:2]
    offered = {o["Location"] for o in ec2.describe_instance_type_offerings(
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": ["dl1.24xlarge"]}])["InstanceTypeOfferings"]}
    missing = [z for z in zones if z not in offered]
    c.check(missing, "moto has dl1.24xlarge missing from one of %s" % zones)
    p, doc = preflight(moto.url, {"instance_type": "dl1.24xlarge"})
    f = finding(doc, "instance-type-zones")
    c.eq(f["status"], "problem", "dl1.24xlarge zones")
    c.check(all(z in f["message"] for z in missing), "names the zone: " + f["message"])
    c.check(f["fix"] and "instance_type" in f["fix"], "fix names the key")
    c.eq(finding(doc, "vcpu-quota")["status"], "unchecked", "dl1 has its own quota")

    # 3. The role that exists is reported as existing.
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "ec2.amazonaws.com"}}]}))
    p, doc = preflight(moto.url)
    c.check("exists" in finding(doc, "role:ecsInstanceRole")["message"], "ecsInstanceRole exists")

    # 4. vCPU quota through the proxy: the plan's need plus what runs.
    vcpus = {t["InstanceType"]: t["VCpuInfo"]["DefaultVCpus"] for t in ec2.describe_instance_types(
        InstanceTypes=["m5zn.xlarge", "t2.micro", "m5.large"])["InstanceTypes"]}
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    ec2.run_instances(ImageId=ami, InstanceType="m5.large", MinCount=2, MaxCount=2)
    # moto reports no CpuOptions: each instance counts its type's vCPUs.
    running = sum(vcpus[i["InstanceType"]]
                  for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
                  if i["State"]["Name"] in ("pending", "running"))
    c.eq(running, 2 * vcpus["m5.large"], "two m5.large running")
    need = 2 * vcpus["m5zn.xlarge"] + vcpus["t2.micro"]  # asg_max 2 below
    spec = {"asg_max": 2, "asg_desired": 1}
    QUOTAS["L-1216C47A"] = running + need
    p, doc = preflight(proxy_url, spec)
    f = finding(doc, "vcpu-quota")
    c.eq(f["status"], "ok", "vCPU quota exactly enough: " + f["message"])
    QUOTAS["L-1216C47A"] = running + need - 1
    p, doc = preflight(proxy_url, spec)
    f = finding(doc, "vcpu-quota")
    c.eq(f["status"], "problem", "vCPU quota one short")
    c.check(("needs %d vCPUs" % need) in f["message"] and ("%d are in use" % running) in f["message"],
            "need and use in the message: " + f["message"])
    c.check(f["fix"] and "L-1216C47A" in f["fix"] and ("at least %d" % (running + need)) in f["fix"]
            and "asg_max" in f["fix"], "fix: quota increase or smaller plan: %s" % f["fix"])

    # 5. Elastic IP quota: the NAT gateway's address on top of those held.
    for _ in range(2):
        ec2.allocate_address(Domain="vpc")
    held = len(ec2.describe_addresses()["Addresses"])
    QUOTAS["L-0263D0A3"] = held
    p, doc = preflight(proxy_url)
    f = finding(doc, "elastic-ip-quota")
    c.eq(f["status"], "problem", "no Elastic IP left for the NAT gateway")
    c.check(f["fix"] and "L-0263D0A3" in f["fix"] and "release" in f["fix"], "EIP fix: %s" % f["fix"])
    QUOTAS["L-0263D0A3"] = held + 1
    p, doc = preflight(proxy_url)
    c.eq(finding(doc, "elastic-ip-quota")["status"], "ok", "one Elastic IP left is enough")

    # 6. IAM simulation: every call of the plan asked about, the denied ones named.
    DENY.update({"elasticloadbalancing:CreateLoadBalancer", "iam:PassRole"})
    p, doc = preflight(proxy_url)
    f = finding(doc, "iam-simulate")
    c.eq(f["status"], "problem", "denied actions found")
    c.check("elasticloadbalancing:CreateLoadBalancer" in f["message"] and
            "iam:PassRole" in f["message"], "names the denied actions: " + f["message"])
    c.check(f["fix"] and "user/deployer" in f["fix"], "fix names the principal")
    asked = SIMULATED[-1]["names"] if SIMULATED else []
    for a in ("ec2:CreateVpc", "ecs:CreateService", "elasticfilesystem:CreateFileSystem",
              "logs:CreateLogGroup", "autoscaling:CreateAutoScalingGroup", "ec2:DescribeVpcs",
              "iam:CreateServiceLinkedRole"):
        c.check(a in asked, "simulation asks about " + a)
    c.eq(SIMULATED and SIMULATED[-1]["source"], "arn:aws:iam::123456789012:user/deployer",
         "simulated for the caller")
    DENY.clear()
    p, doc = preflight(proxy_url)
    c.eq(finding(doc, "iam-simulate")["status"], "ok", "all allowed")

    # 7. VPC quota (moto has it): fill it up, then the plan's VPC does not fit.
    sq = moto.client("service-quotas")
    quota = int(sq.get_service_quota(ServiceCode="vpc", QuotaCode="L-F678F1CE")["Quota"]["Value"])
    while len(ec2.describe_vpcs()["Vpcs"]) < quota:
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    p, doc = preflight(moto.url)
    f = finding(doc, "vpc-quota")
    c.eq(f["status"], "problem", "VPC quota full")
    c.check(("%d in use" % quota) in f["message"], "VPC use in the message: " + f["message"])
    c.check(f["fix"] and "L-F678F1CE" in f["fix"], "VPC fix: %s" % f["fix"])
    c.eq(p.returncode, 0, "problems are reported, exit 0")
    p, _ = preflight(moto.url, text=True)
    c.check("PROBLEM" in p.stdout and "fix:" in p.stdout, "text shows the problem and its fix")
    c.check(key["SecretAccessKey"] not in p.stdout + p.stderr, "no secret printed")
    proxy.shutdown()


if __name__ == "__main__":
    main()
