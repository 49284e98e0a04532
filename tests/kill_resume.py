#!/usr/bin/env python3
"""kill_resume.py - kill -9 `ecs-wizard deploy` at several points (after a
number of journal rewrites, counted as the file is replaced), re-run it
each time, and once a run completes assert that moto holds exactly one of
every resource: nothing was made twice by a run that did not know what
its killed predecessor had sent."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

E.enter_netns()

ck = E.Checker()
TAG = "ecs-wizard:deployment"
NAME = "kr"


def tags_of(lst):
    return {t["Key"]: t["Value"] for t in (lst or [])}


def mine(items):
    return [i for i in items if tags_of(i.get("Tags")).get(TAG) == NAME]


def run_and_kill(moto, spec, state, writes):
    """Start a deploy and SIGKILL it after `writes` journal replacements.
    Returns the number seen, or None when the run finished first."""
    journal = os.path.join(state, NAME + ".json")
    proc = subprocess.Popen(E.deploy_cmd(moto, spec, state), env=E.wizard_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen, last = 0, None
    deadline = time.time() + 90
    while proc.poll() is None and time.time() < deadline:
        try:
            st = os.stat(journal)
            ident = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            ident = None
        if ident and ident != last:
            last = ident
            seen += 1
            if seen >= writes:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return seen
        time.sleep(0.001)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    return None


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
            if run_and_kill(moto, spec, state, writes) is not None:
                kills += 1
        ck.check(kills >= 4, "killed the deploy %d times before it finished" % kills)
        p = subprocess.run(E.deploy_cmd(moto, spec, state), env=E.wizard_env(),
                           capture_output=True, text=True, timeout=120)
        ck.eq(p.returncode, 0, "the resumed deploy completes (stderr: %s)" % p.stderr[-1500:])

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
        inst = [i for r in ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [NAME + "-bastion"]}])["Reservations"]
                for i in r["Instances"] if i["State"]["Name"] != "terminated"]
        ck.eq(len(inst), 1, "one bastion")
        ck.eq(len(ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": [NAME + "-lt"]}])
                  ["LaunchTemplates"]), 1, "one launch template")
        ck.eq(len(ec2.describe_key_pairs(KeyNames=[NAME + "-key"])["KeyPairs"]), 1, "one key pair")

        efs = moto.client("efs")
        fss = [f for f in efs.describe_file_systems()["FileSystems"] if f["CreationToken"] == NAME + "-efs"]
        ck.eq(len(fss), 1, "one file system")
        if fss:
            ck.eq(len(efs.describe_mount_targets(FileSystemId=fss[0]["FileSystemId"])["MountTargets"]), 2,
                  "two mount targets")
        elb = moto.client("elbv2")
        ck.eq(len([t for t in elb.describe_target_groups()["TargetGroups"] if t["TargetGroupName"] == NAME + "-tg"]),
              1, "one target group")
        lbs = [l for l in elb.describe_load_balancers()["LoadBalancers"] if l["LoadBalancerName"] == NAME + "-lb"]
        ck.eq(len(lbs), 1, "one load balancer")
        if lbs:
            ck.eq(len(elb.describe_listeners(LoadBalancerArn=lbs[0]["LoadBalancerArn"])["Listeners"]), 1, "one listener")
        asgs = moto.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
        ck.eq(len([a for a in asgs if a["AutoScalingGroupName"] == NAME + "-asg"]), 1, "one auto scaling group")
        ecs = moto.client("ecs")
        ck.eq(len([c for c in ecs.list_clusters()["clusterArns"] if c.endswith("/" + NAME + "-cluster")]), 1, "one cluster")
        ck.eq(len(ecs.list_task_definitions(familyPrefix=NAME + "-task")["taskDefinitionArns"]), 1,
              "one task definition revision")
        ck.eq(len(ecs.list_services(cluster=NAME + "-cluster")["serviceArns"]), 1, "one service")
        cps = ecs.describe_capacity_providers(capacityProviders=[NAME + "-cp"])["capacityProviders"]
        ck.eq(len(cps), 1, "one capacity provider")
        iam = moto.client("iam")
        ck.eq(len([u for u in iam.list_users()["Users"] if u["UserName"] == NAME + "-user"]), 1, "one user")
        ck.eq(len([p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == NAME + "-policy"]), 1,
              "one policy")
        ck.eq(len(iam.list_attached_user_policies(UserName=NAME + "-user")["AttachedPolicies"]), 3,
              "three user policies")
        ck.eq(len(iam.get_instance_profile(InstanceProfileName="ecsInstanceRole")["InstanceProfile"]["Roles"]), 1,
              "one role in the instance profile")
        logs = moto.client("logs")
        ck.eq(len([g for g in logs.describe_log_groups(logGroupNamePrefix="/ecs/" + NAME)["logGroups"]
                   if g["logGroupName"] == "/ecs/" + NAME]), 1, "one log group")
        ck.eq(len(moto.client("ecr").describe_repositories()["repositories"]), 1, "one repository")
        ck.eq([f for f in os.listdir(state) if ".tmp." in f], [], "no temp files left by the kills")
    finally:
        moto.stop()
        subprocess.run(["rm", "-rf", tmp])
    ck.finish()


main()
