"""Shared pieces of the engine's integration drivers: a private network
namespace, a moto server on a free loopback port, running ecs-wizard.

Every driver re-executes itself inside `unshare -n` (only loopback), so
nothing it does can leave the machine."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TOP = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("ECSW_BIN", os.path.join(TOP, "src", "ecs-wizard"))
SHARED = os.environ.get("ECSW_SHARED") or os.path.join(TOP, "..", "shared")
MOTO = os.path.join(SHARED, "tools", "moto-server-ecs")


def enter_netns():
    """Re-run this script in a network namespace with only loopback up."""
    if os.environ.get("ECSW_IN_NETNS") == "1":
        return
    if not shutil.which("unshare"):
        print("SKIP: unshare is missing")
        sys.exit(77)
    env = dict(os.environ, ECSW_IN_NETNS="1")
    # One sh -c so the test only starts once loopback is up.
    args = ["unshare", "-n", "sh", "-c",
            'ip link set lo up && exec "$0" "$@"', sys.executable] + sys.argv
    rc = subprocess.call(args, env=env)
    sys.exit(rc)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Moto:
    def __init__(self):
        if not os.path.exists(MOTO):
            print("SKIP: no moto-server-ecs at %s" % MOTO)
            sys.exit(77)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([MOTO, "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=self.log, env=env)
        for _ in range(600):  # a loaded CI box can take a minute
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return
            except Exception:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def client(self, service):
        import boto3
        return boto3.client(service, region_name="us-east-1", endpoint_url=self.url,
                            aws_access_key_id="AKIDTESTTEST", aws_secret_access_key=SECRET)


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def wizard_env():
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("AWS_"):
            del env[k]
    env.update(AWS_ACCESS_KEY_ID="AKIDTESTTEST", AWS_SECRET_ACCESS_KEY=SECRET,
               AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
               ECSW_WAITER_DELAY_SCALE="0.01", HOME=tempfile.gettempdir())
    return env


def deploy_cmd(moto, spec_path, state_dir, extra=(), bastion=False):
    """The deploy command line. The engine's drivers have no bastion to
    reach (bastion=False: --no-bastion, the license is skipped and the live
    checks left out); deploy_bastion.py gives it one."""
    return [BIN, "deploy", "--spec", spec_path, "--yes", "--endpoint-url", moto.url,
            "--state-dir", state_dir] + ([] if bastion else ["--no-bastion"]) + list(extra)


def run_and_kill(cmd, env, when, timeout=600):
    """Start cmd and SIGKILL it as soon as when() is true (polled every
    millisecond). True when killed, False when it ended (or timed out)
    first."""
    import signal
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while proc.poll() is None and time.time() < deadline:
        if when():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.001)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    return False


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s" % what)
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r" % (what, got, want))

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)


TAG = "ecs-wizard:deployment"


def tags_of(lst):
    return {t["Key"]: t["Value"] for t in (lst or [])}


def check_one_of_each(ck, moto, name):
    """Assert that moto holds exactly one of every resource of deployment
    name (moto holds no other deployment): nothing made twice."""
    def mine(items):
        return [i for i in items if tags_of(i.get("Tags")).get(TAG) == name]

    ec2 = moto.client("ec2")
    vpcs = mine(ec2.describe_vpcs()["Vpcs"])
    ck.eq(len(vpcs), 1, "one VPC")
    vid = vpcs[0]["VpcId"] if vpcs else None
    ck.eq(len(mine(ec2.describe_subnets()["Subnets"])), 4, "four subnets")
    ck.eq(len(mine(ec2.describe_internet_gateways()["InternetGateways"])), 1, "one internet gateway")
    rtbs = mine(ec2.describe_route_tables()["RouteTables"])
    ck.eq(len(rtbs), 3, "three route tables")
    ck.eq(sorted(len([a for a in r.get("Associations", []) if a.get("SubnetId")]) for r in rtbs), [1, 1, 2],
          "route table associations")
    ck.eq(sorted(len([x for x in r["Routes"] if x.get("DestinationCidrBlock") == "0.0.0.0/0"]) for r in rtbs),
          [1, 1, 1], "one default route per table")
    sgs = mine(ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vid]}])["SecurityGroups"])
    ck.eq(len(sgs), 4, "four security groups")
    n_in = sorted(sum(len(p.get("IpRanges", [])) + len(p.get("UserIdGroupPairs", [])) for p in g["IpPermissions"])
                  for g in sgs)
    ck.eq(n_in, [1, 1, 2, 2], "ingress rules, no duplicates")
    ck.eq(len([n for n in ec2.describe_nat_gateways()["NatGateways"]
               if n.get("VpcId") == vid and n["State"] in ("pending", "available")]), 1, "one NAT gateway")
    ck.eq(len(mine(ec2.describe_addresses()["Addresses"])), 1, "one Elastic IP")
    inst = [i for r in ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name + "-bastion"]}])["Reservations"]
            for i in r["Instances"] if i["State"]["Name"] != "terminated"]
    ck.eq(len(inst), 1, "one bastion")
    ck.eq(len(ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [name + "-lt"]}])
              ["LaunchTemplates"]), 1, "one launch template")
    ck.eq(len(ec2.describe_key_pairs(KeyNames=[name + "-key"])["KeyPairs"]), 1, "one key pair")

    efs = moto.client("efs")
    fss = [f for f in efs.describe_file_systems()["FileSystems"] if f["CreationToken"] == name + "-efs"]
    ck.eq(len(fss), 1, "one file system")
    if fss:
        ck.eq(len(efs.describe_mount_targets(FileSystemId=fss[0]["FileSystemId"])["MountTargets"]), 2,
              "two mount targets")
    elb = moto.client("elbv2")
    ck.eq(len([t for t in elb.describe_target_groups()["TargetGroups"] if t["TargetGroupName"] == name + "-tg"]),
          1, "one target group")
    lbs = [l for l in elb.describe_load_balancers()["LoadBalancers"] if l["LoadBalancerName"] == name + "-lb"]
    ck.eq(len(lbs), 1, "one load balancer")
    if lbs:
        ck.eq(len(elb.describe_listeners(LoadBalancerArn=lbs[0]["LoadBalancerArn"])["Listeners"]), 1, "one listener")
    asgs = moto.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    ck.eq(len([a for a in asgs if a["AutoScalingGroupName"] == name + "-asg"]), 1, "one auto scaling group")
    ecs = moto.client("ecs")
    ck.eq(len([c for c in ecs.list_clusters()["clusterArns"] if c.endswith("/" + name + "-cluster")]), 1, "one cluster")
    ck.eq(len(ecs.list_task_definitions(familyPrefix=name + "-task")["taskDefinitionArns"]), 1,
          "one task definition revision")
    ck.eq(len(ecs.list_services(cluster=name + "-cluster")["serviceArns"]), 1, "one service")
    cps = ecs.describe_capacity_providers(capacityProviders=[name + "-cp"])["capacityProviders"]
    ck.eq(len(cps), 1, "one capacity provider")
    iam = moto.client("iam")
    ck.eq(len([u for u in iam.list_users()["Users"] if u["UserName"] == name + "-user"]), 1, "one user")
    ck.eq(len([p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == name + "-policy"]), 1,
          "one policy")
    ck.eq(len(iam.list_attached_user_policies(UserName=name + "-user")["AttachedPolicies"]), 3,
          "three user policies")
    ck.eq(len(iam.get_instance_profile(InstanceProfileName="ecsInstanceRole")["InstanceProfile"]["Roles"]), 1,
          "one role in the instance profile")
    logs = moto.client("logs")
    ck.eq(len([g for g in logs.describe_log_groups(logGroupNamePrefix="/ecs/" + name)["logGroups"]
               if g["logGroupName"] == "/ecs/" + name]), 1, "one log group")
    ck.eq(len(moto.client("ecr").describe_repositories()["repositories"]), 1, "one repository")


def tagged(items, name, key="Tags", k="Key", v="Value"):
    return [i for i in items if {t[k]: t[v] for t in (i.get(key) or [])}.get(TAG) == name]


def gone_code(fn, *codes):
    """True when fn raises a ClientError with one of codes (not found)."""
    try:
        fn()
    except Exception as e:  # botocore.exceptions.ClientError
        code = getattr(e, "response", {}).get("Error", {}).get("Code", "")
        return code in codes or "NotFound" in code or "NoSuchEntity" in code
    return False


def leftovers(moto, name):
    """Every resource of deployment name that moto still has, as text."""
    ec2, left = moto.client("ec2"), []
    for what, items in (
            ("vpc", ec2.describe_vpcs()["Vpcs"]),
            ("subnet", ec2.describe_subnets()["Subnets"]),
            ("security group", ec2.describe_security_groups()["SecurityGroups"]),
            ("internet gateway", ec2.describe_internet_gateways()["InternetGateways"]),
            ("route table", ec2.describe_route_tables()["RouteTables"]),
            ("elastic ip", ec2.describe_addresses()["Addresses"]),
            ("key pair", ec2.describe_key_pairs()["KeyPairs"]),
            ("launch template", ec2.describe_launch_templates()["LaunchTemplates"])):
        left += ["%s %s" % (what, json.dumps(i, default=str)[:120]) for i in tagged(items, name)]
    left += ["nat %s" % n["NatGatewayId"] for n in tagged(ec2.describe_nat_gateways()["NatGateways"], name)
             if n["State"] not in ("deleted", "deleting")]
    left += ["instance %s" % i["InstanceId"]
             for r in ec2.describe_instances(Filters=[{"Name": "tag:" + TAG, "Values": [name]}])["Reservations"]
             for i in r["Instances"] if i["State"]["Name"] != "terminated"]
    if any(k["KeyName"] == name + "-key" for k in ec2.describe_key_pairs()["KeyPairs"]):
        left.append("key pair " + name + "-key")
    efs = moto.client("efs")
    left += ["efs " + f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]
             if f.get("CreationToken") == name + "-efs" or tagged([f], name)]
    elb = moto.client("elbv2")
    left += ["lb " + lb["LoadBalancerName"] for lb in elb.describe_load_balancers()["LoadBalancers"]
             if lb["LoadBalancerName"] == name + "-lb"]
    left += ["tg " + t["TargetGroupName"] for t in elb.describe_target_groups()["TargetGroups"]
             if t["TargetGroupName"] == name + "-tg"]
    asg = moto.client("autoscaling")
    left += ["asg " + g["AutoScalingGroupName"] for g in
             asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name + "-asg"])["AutoScalingGroups"]]
    ecs = moto.client("ecs")
    left += ["cluster " + c["clusterName"] for c in ecs.describe_clusters(clusters=[name + "-cluster"])["clusters"]
             if c["status"] == "ACTIVE"]
    left += ["capacity provider " + c["name"] for c in
             ecs.describe_capacity_providers(capacityProviders=[name + "-cp"])["capacityProviders"]
             if c.get("status") == "ACTIVE"]
    try:
        arns = ecs.list_services(cluster=name + "-cluster")["serviceArns"]
        svcs = ecs.describe_services(cluster=name + "-cluster", services=arns)["services"] if arns else []
    except Exception as e:  # the cluster is gone, and its services with it
        if "ClusterNotFound" not in str(e):
            raise
        svcs = []
    left += ["service %s (%s)" % (s["serviceName"], s["status"]) for s in svcs if s["status"] != "INACTIVE"]
    left += ["task definition " + t for t in
             ecs.list_task_definitions(familyPrefix=name + "-task", status="ACTIVE")["taskDefinitionArns"]]
    iam = moto.client("iam")
    if not gone_code(lambda: iam.get_user(UserName=name + "-user")):
        left.append("iam user " + name + "-user")
    left += ["iam policy " + p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]
             if p["PolicyName"] == name + "-policy"]
    agw = moto.client("apigatewayv2")
    left += ["vpc link " + k["Name"] for k in agw.get_vpc_links()["Items"] if k["Name"] == name + "-vpclink"]
    left += ["api " + a["Name"] for a in agw.get_apis()["Items"] if a["Name"] == name + "-api"]
    logs = moto.client("logs")
    left += ["log group " + g["logGroupName"] for g in
             logs.describe_log_groups(logGroupNamePrefix="/ecs/" + name)["logGroups"]
             if g["logGroupName"] == "/ecs/" + name]
    return left
