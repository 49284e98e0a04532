#!/usr/bin/env python3
"""deploy_e2e.py - `ecs-wizard deploy` against moto in both modes, then the
properties of every resource read back with boto3 and compared with the
guide's values; the journal's mode and contents; a second deploy that
creates nothing."""
import base64
import json
import os
import re
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

E.enter_netns()

ck = E.Checker()
ACCOUNT = "123456789012"
TAG = "ecs-wizard:deployment"


def tags_of(lst, k="Key", v="Value"):
    return {t[k]: t[v] for t in (lst or [])}


def by_tag(items, name):
    return [i for i in items if tags_of(i.get("Tags")).get(TAG) == name]


def rules(perms):
    """Security group permissions as comparable tuples."""
    out = set()
    for p in perms:
        port = (p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"))
        for r in p.get("IpRanges", []):
            out.add(port + ("cidr", r["CidrIp"]))
        for g in p.get("UserIdGroupPairs", []):
            out.add(port + ("sg", g["GroupId"]))
    return out


def run_deploy(moto, spec_path, state, name):
    p = subprocess.run(E.deploy_cmd(moto, spec_path, state), env=E.wizard_env(),
                       capture_output=True, text=True, timeout=120)
    ck.eq(p.returncode, 0, "%s: deploy exit status (stderr: %s)" % (name, p.stderr[-2000:]))
    return p


def check_deployment(moto, name, spec, state, marketplace, stderr):
    ec2 = moto.client("ec2")
    scheme = spec.get("load_balancer_scheme", "internal")
    journal_path = os.path.join(state, name + ".json")
    journal = json.load(open(journal_path))
    res = journal["resources"]

    # Section 2: VPC, subnets, gateway, route tables.
    vpcs = by_tag(ec2.describe_vpcs()["Vpcs"], name)
    ck.eq(len(vpcs), 1, name + ": one VPC")
    vpc = vpcs[0]
    vid = vpc["VpcId"]
    ck.eq(vpc["CidrBlock"], "10.0.0.0/16", name + ": VPC CIDR")
    ck.eq(tags_of(vpc["Tags"]).get("Name"), name + "-vpc", name + ": VPC Name tag")
    for attr, key in (("enableDnsHostnames", "EnableDnsHostnames"),
                      ("enableDnsSupport", "EnableDnsSupport")):
        v = ec2.describe_vpc_attribute(VpcId=vid, Attribute=attr)[key]["Value"]
        ck.eq(v, True, name + ": " + attr)
    subnets = by_tag(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vid]}])["Subnets"], name)
    ck.eq(len(subnets), 4, name + ": four subnets")
    sn = {tags_of(s["Tags"])["Name"]: s for s in subnets}
    pub = [sn.get(name + "-subnet-public%d" % i) for i in (1, 2)]
    priv = [sn.get(name + "-subnet-private%d" % i) for i in (1, 2)]
    if not ck.check(all(pub) and all(priv), name + ": subnet names"):
        return
    ck.eq(sorted(s["CidrBlock"] for s in pub + priv),
          ["10.0.0.0/20", "10.0.128.0/20", "10.0.144.0/20", "10.0.16.0/20"], name + ": subnet CIDRs")
    ck.eq(len({s["AvailabilityZone"] for s in pub}), 2, name + ": public subnets in 2 AZs")
    ck.eq(len({s["AvailabilityZone"] for s in priv}), 2, name + ": private subnets in 2 AZs")
    ck.eq(pub[0]["AvailabilityZone"], priv[0]["AvailabilityZone"], name + ": zone pairs")
    ck.eq([s["MapPublicIpOnLaunch"] for s in pub], [True, True], name + ": public IPs on public subnets")
    ck.eq([s["MapPublicIpOnLaunch"] for s in priv], [False, False], name + ": none on private")
    igws = by_tag(ec2.describe_internet_gateways()["InternetGateways"], name)
    ck.eq(len(igws), 1, name + ": one internet gateway")
    ck.eq([a["VpcId"] for a in igws[0]["Attachments"]], [vid], name + ": gateway attached")
    rtbs = {tags_of(r["Tags"]).get("Name"): r for r in by_tag(ec2.describe_route_tables()["RouteTables"], name)}
    ck.eq(len(rtbs), 3, name + ": three route tables")
    rp = rtbs.get(name + "-rtb-public", {})
    ck.check(any(r.get("DestinationCidrBlock") == "0.0.0.0/0" and r.get("GatewayId") == igws[0]["InternetGatewayId"]
                 for r in rp.get("Routes", [])), name + ": public default route to the IGW")
    ck.eq(sorted(a.get("SubnetId") for a in rp.get("Associations", []) if a.get("SubnetId")),
          sorted(s["SubnetId"] for s in pub), name + ": public associations")

    # Section 12: EIP + NAT, private routes through it.
    nats = [n for n in ec2.describe_nat_gateways()["NatGateways"] if tags_of(n.get("Tags")).get(TAG) == name]
    ck.eq(len(nats), 1, name + ": one NAT gateway")
    nat = nats[0]
    ck.eq(nat["SubnetId"], pub[0]["SubnetId"], name + ": NAT in the first public subnet")
    ck.eq(nat["State"], "available", name + ": NAT available")
    eips = by_tag(ec2.describe_addresses()["Addresses"], name)
    ck.eq(len(eips), 1, name + ": one Elastic IP")
    ck.eq(nat["NatGatewayAddresses"][0].get("AllocationId"), eips[0]["AllocationId"], name + ": NAT uses the EIP")
    for i in (1, 2):
        r = rtbs.get(name + "-rtb-private%d" % i, {})
        ck.check(any(x.get("DestinationCidrBlock") == "0.0.0.0/0" and x.get("NatGatewayId") == nat["NatGatewayId"]
                     for x in r.get("Routes", [])), name + ": private route %d via NAT" % i)
        ck.eq([a.get("SubnetId") for a in r.get("Associations", []) if a.get("SubnetId")],
              [priv[i - 1]["SubnetId"]], name + ": private association %d" % i)

    # Section 6: the four groups and exactly the guide's rules.
    sgs = {tags_of(g.get("Tags")).get("Name"): g for g in
           by_tag(ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vid]}])["SecurityGroups"], name)}
    ck.eq(sorted(sgs), sorted(name + s for s in ("-bastion-sg", "-ecs-sg", "-efs-sg", "-lb-sg")), name + ": groups")
    g = {k.split("-")[-2]: v for k, v in sgs.items()}
    gid = {k: v["GroupId"] for k, v in g.items()}
    ck.eq(rules(g["bastion"]["IpPermissions"]), {("tcp", 22, 22, "cidr", spec["admin_cidr"])}, name + ": bastion in")
    ck.eq(rules(g["ecs"]["IpPermissions"]),
          {("tcp", 8080, 8080, "sg", gid["lb"]), ("tcp", 22, 22, "cidr", "10.0.0.0/16")}, name + ": ECS hosts in")
    ck.eq(rules(g["efs"]["IpPermissions"]),
          {("tcp", 2049, 2049, "sg", gid["ecs"]), ("tcp", 2049, 2049, "sg", gid["bastion"])}, name + ": EFS in")
    lb_src = "10.0.0.0/16" if scheme == "internal" else "0.0.0.0/0"
    ck.eq(rules(g["lb"]["IpPermissions"]), {("tcp", 80, 80, "cidr", lb_src)}, name + ": LB in")
    ck.eq(rules(g["lb"]["IpPermissionsEgress"]), {("tcp", 8080, 8080, "sg", gid["ecs"])},
          name + ": LB egress only to ECS hosts")
    ck.eq(rules(g["bastion"]["IpPermissionsEgress"]), {("-1", None, None, "cidr", "0.0.0.0/0")},
          name + ": bastion default egress kept")

    # Section 7: EFS and its mount targets.
    efs = moto.client("efs")
    fss = [f for f in efs.describe_file_systems()["FileSystems"] if f["CreationToken"] == name + "-efs"]
    if marketplace:
        ck.eq(len(fss), 0, name + ": no EFS in Marketplace mode")
        ck.check("efs" not in res, name + ": no EFS in the journal")
    else:
        ck.eq(len(fss), 1, name + ": one EFS")
        ck.eq(tags_of(fss[0].get("Tags")).get(TAG), name, name + ": EFS tagged")
        mts = efs.describe_mount_targets(FileSystemId=fss[0]["FileSystemId"])["MountTargets"]
        ck.eq(len(mts), 2, name + ": two mount targets")
        ck.eq(sorted(m["SubnetId"] for m in mts), sorted(s["SubnetId"] for s in priv), name + ": in the private subnets")
        for m in mts:
            sg = efs.describe_mount_target_security_groups(MountTargetId=m["MountTargetId"])["SecurityGroups"]
            ck.eq(sg, [gid["efs"]], name + ": mount target group")

    # Section 8: launch template, roles.
    ssm = moto.client("ssm")
    ami = ssm.get_parameter(Name="/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")["Parameter"]["Value"]
    lts = ec2.describe_launch_templates(LaunchTemplateNames=[name + "-lt"])["LaunchTemplates"]
    ck.eq(len(lts), 1, name + ": one launch template")
    ltd = ec2.describe_launch_template_versions(LaunchTemplateId=lts[0]["LaunchTemplateId"])["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    ck.eq(ltd.get("ImageId"), ami, name + ": LT AMI from SSM")
    ck.eq(ltd.get("InstanceType"), "m5zn.xlarge", name + ": LT instance type")
    ck.eq(ltd.get("SecurityGroupIds"), [gid["ecs"]], name + ": LT group")
    ck.eq(ltd.get("IamInstanceProfile", {}).get("Name"), "ecsInstanceRole", name + ": LT profile")
    ebs = (ltd.get("BlockDeviceMappings") or [{}])[0].get("Ebs", {})
    ck.eq((ebs.get("VolumeSize"), ebs.get("VolumeType")), (50, "gp3"), name + ": LT root volume")
    ck.eq(base64.b64decode(ltd.get("UserData", "")).decode(),
          "#!/bin/bash\necho ECS_CLUSTER=%s-cluster >> /etc/ecs/ecs.config\n" % name, name + ": LT user data")
    iam = moto.client("iam")
    ck.eq(iam.get_instance_profile(InstanceProfileName="ecsInstanceRole")["InstanceProfile"]["Roles"][0]["RoleName"],
          "ecsInstanceRole", name + ": profile holds the role")
    ir = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]]
    ck.check("AmazonEC2ContainerServiceforEC2Role" in ir, name + ": instance role policy")
    er = [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="ecsTaskExecutionRole")["AttachedPolicies"]]
    ck.check("AmazonECSTaskExecutionRolePolicy" in er, name + ": execution role policy")
    if marketplace:
        ck.check("AWSMarketplaceMeteringRegisterUsage" in er, name + ": metering on the execution role")

    # Sections 9, 10: target group, load balancer, listener.
    elb = moto.client("elbv2")
    tg = elb.describe_target_groups(Names=[name + "-tg"])["TargetGroups"][0]
    ck.eq((tg["Protocol"], tg["Port"], tg["TargetType"], tg["HealthCheckPath"], tg["VpcId"]),
          ("HTTP", 8080, "ip", "/healthz", vid), name + ": target group")
    lb = elb.describe_load_balancers(Names=[name + "-lb"])["LoadBalancers"][0]
    ck.eq(lb["Scheme"], scheme, name + ": LB scheme")
    want_sn = pub if scheme == "internet-facing" else priv
    ck.eq(sorted(z["SubnetId"] for z in lb["AvailabilityZones"]), sorted(s["SubnetId"] for s in want_sn),
          name + ": LB subnets")
    ck.eq(lb["SecurityGroups"], [gid["lb"]], name + ": LB group")
    lis = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    ck.eq([(l["Protocol"], l["Port"], l["DefaultActions"][0]["Type"], l["DefaultActions"][0].get("TargetGroupArn"))
           for l in lis], [("HTTP", 80, "forward", tg["TargetGroupArn"])], name + ": listener")
    ck.eq(tags_of(elb.describe_tags(ResourceArns=[tg["TargetGroupArn"]])["TagDescriptions"][0]["Tags"]).get(TAG),
          name, name + ": TG tagged")

    # Section 11: auto scaling group.
    asg = moto.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name + "-asg"])["AutoScalingGroups"]
    ck.eq(len(asg), 1, name + ": one ASG")
    asg = asg[0]
    ck.eq((asg["MinSize"], asg["MaxSize"], asg["DesiredCapacity"]), (0, 1, 1), name + ": ASG sizes")
    ck.eq(sorted(asg["VPCZoneIdentifier"].split(",")), sorted(s["SubnetId"] for s in priv), name + ": ASG subnets")
    ck.eq(asg.get("LaunchTemplate", {}).get("LaunchTemplateId"), lts[0]["LaunchTemplateId"], name + ": ASG template")
    ck.check("AmazonECSManaged" in tags_of(asg["Tags"]), name + ": ASG AmazonECSManaged tag")

    # Section 13: cluster, capacity provider, default strategy.
    ecs = moto.client("ecs")
    cl = ecs.describe_clusters(clusters=[name + "-cluster"])["clusters"][0]
    ck.eq(cl["status"], "ACTIVE", name + ": cluster active")
    ck.eq(cl.get("capacityProviders"), [name + "-cp"], name + ": cluster capacity provider")
    ck.eq([s["capacityProvider"] for s in cl.get("defaultCapacityProviderStrategy", [])], [name + "-cp"],
          name + ": default strategy")
    cp = ecs.describe_capacity_providers(capacityProviders=[name + "-cp"])["capacityProviders"][0]
    ck.eq(cp["autoScalingGroupProvider"]["autoScalingGroupArn"], asg["AutoScalingGroupARN"], name + ": provider on the ASG")

    # Section 14: bastion.
    inst = [i for r in ec2.describe_instances(Filters=[{"Name": "tag:" + TAG, "Values": [name]},
                                                       {"Name": "tag:Name", "Values": [name + "-bastion"]}])["Reservations"]
            for i in r["Instances"] if i["State"]["Name"] != "terminated"]
    ck.eq(len(inst), 1, name + ": one bastion")
    b = inst[0]
    al2023 = ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")["Parameter"]["Value"]
    ck.eq((b["InstanceType"], b["ImageId"], b["SubnetId"], b["KeyName"]),
          ("t2.micro", al2023, pub[0]["SubnetId"], name + "-key"), name + ": bastion")
    # moto reports the groups of an instance launched with NetworkInterfaces
    # on the interface only.
    ck.eq([x["GroupId"] for x in b["SecurityGroups"] or b["NetworkInterfaces"][0]["Groups"]],
          [gid["bastion"]], name + ": bastion group")
    ck.check(bool(b.get("PublicIpAddress")), name + ": bastion public IP")
    ud = ec2.describe_instance_attribute(InstanceId=b["InstanceId"], Attribute="userData")["UserData"].get("Value", "")
    ud = base64.b64decode(ud).decode() if ud else ""
    if marketplace:
        ck.check("efs" not in ud, name + ": no EFS mount on the bastion")
    else:
        ck.check("amazon-efs-utils" in ud and "%s:/ /mnt/efs/fs1 efs" % fss[0]["FileSystemId"] in ud,
                 name + ": bastion mounts the EFS")
        ck.check(re.search(r"license\s+skipped", stderr) is not None, name + ": license step skipped with a note")

    # Section 15: log group and task definition vs the guide's sample.
    logs = moto.client("logs")
    lg = [g for g in logs.describe_log_groups(logGroupNamePrefix="/ecs/" + name)["logGroups"]
          if g["logGroupName"] == "/ecs/" + name]
    ck.eq([g.get("retentionInDays") for g in lg], [30], name + ": log group retention")
    td = ecs.describe_task_definition(taskDefinition=name + "-task")["taskDefinition"]
    c = td["containerDefinitions"][0]
    ck.eq((td["family"], td["networkMode"], td["requiresCompatibilities"], td["cpu"], td["memory"]),
          (name + "-task", "awsvpc", ["EC2"], "1024", "14336"), name + ": task definition")
    ck.eq(td.get("runtimePlatform"), {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}, name + ": platform")
    role = "arn:aws:iam::%s:role/ecsTaskExecutionRole" % ACCOUNT
    ck.eq((td.get("taskRoleArn"), td.get("executionRoleArn")), (role, role), name + ": task roles")
    ck.eq((c["name"], c["image"], c["essential"]),
          (name, "%s.dkr.ecr.us-east-1.amazonaws.com/%s:3.3.2-cpu" % (ACCOUNT, name), True), name + ": container")
    pm = c["portMappings"][0]
    ck.eq((pm.get("name"), pm["containerPort"], pm["protocol"], pm.get("appProtocol")),
          (name + "-8080-tcp", 8080, "tcp", "http"), name + ": port mapping")
    ck.eq(c["healthCheck"], {"command": ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"],
                             "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60}, name + ": health check")
    lc = c["logConfiguration"]
    ck.eq((lc["logDriver"], lc["options"].get("awslogs-group"), lc["options"].get("awslogs-region")),
          ("awslogs", "/ecs/" + name, "us-east-1"), name + ": awslogs")
    if marketplace:
        ck.eq((td.get("volumes"), c.get("mountPoints")), ([], []), name + ": no license volume")
    else:
        ck.eq(c.get("mountPoints"), [{"sourceVolume": name + "-volume", "containerPath": "/app/license", "readOnly": True}],
              name + ": license mount")
        ck.eq([(v["name"], v["efsVolumeConfiguration"]["fileSystemId"]) for v in td.get("volumes", [])],
              [(name + "-volume", fss[0]["FileSystemId"])], name + ": EFS volume")

    # Section 17: the service.
    svc = ecs.describe_services(cluster=name + "-cluster", services=[name + "-service"])["services"][0]
    ck.eq((svc["status"], svc["desiredCount"], svc["runningCount"]), ("ACTIVE", 1, 1), name + ": service running")
    nc = svc["networkConfiguration"]["awsvpcConfiguration"]
    ck.eq((sorted(nc["subnets"]), nc["securityGroups"]), (sorted(s["SubnetId"] for s in priv), [gid["ecs"]]),
          name + ": service network")
    ck.eq([(x["targetGroupArn"], x["containerName"], x["containerPort"]) for x in svc["loadBalancers"]],
          [(tg["TargetGroupArn"], name, 8080)], name + ": service load balancer")
    ck.eq(svc["taskDefinition"], td["taskDefinitionArn"], name + ": service task definition")

    # Sections 3, 4: policy, user, key pair.
    pol = iam.get_policy(PolicyArn="arn:aws:iam::%s:policy/%s-policy" % (ACCOUNT, name))["Policy"]
    doc = iam.get_policy_version(PolicyArn=pol["Arn"], VersionId=pol["DefaultVersionId"])["PolicyVersion"]["Document"]
    if isinstance(doc, str):
        doc = json.loads(doc)
    text = json.dumps(doc)
    ck.check("807274709480" not in text and text.count(ACCOUNT) == 11, name + ": policy account ids")
    ck.eq([s["Sid"] for s in doc["Statement"]], ["VisualEditor%d" % i for i in range(9)], name + ": policy statements")
    ck.eq(doc["Statement"][4]["Resource"], "arn:aws:ecr:us-east-1:%s:repository/*" % ACCOUNT, name + ": ECR statement")
    att = sorted(p["PolicyName"] for p in iam.list_attached_user_policies(UserName=name + "-user")["AttachedPolicies"])
    want = sorted(["AmazonECS_FullAccess", "AmazonElasticFileSystemFullAccess", name + "-policy"] +
                  (["AWSMarketplaceMeteringRegisterUsage"] if marketplace else []))
    ck.eq(att, want, name + ": user policies")
    ck.eq(tags_of(iam.list_user_tags(UserName=name + "-user")["Tags"]).get(TAG), name, name + ": user tagged")
    kps = ec2.describe_key_pairs(KeyNames=[name + "-key"])["KeyPairs"]
    ck.eq(len(kps), 1, name + ": key pair")
    repo = moto.client("ecr").describe_repositories(repositoryNames=[name])["repositories"]
    ck.eq(len(repo), 1, name + ": ECR repository")

    # The journal: private, complete, without secrets.
    st = os.stat(journal_path)
    ck.eq(stat.S_IMODE(st.st_mode), 0o600, name + ": journal mode")
    ck.eq(stat.S_IMODE(os.stat(state).st_mode), 0o700, name + ": state dir mode")
    raw = open(journal_path).read()
    ck.check("PRIVATE KEY" not in raw and "KeyMaterial" not in raw and E.SECRET not in raw,
             name + ": no secrets in the journal")
    ck.eq(res["vpc"]["id"], vid, name + ": journal VPC id")
    ck.eq(res["service"]["state"], "created", name + ": journal service state")
    if spec.get("ssh_key_file"):
        ck.check(kps[0]["KeyName"] == name + "-key", name + ": imported key")
    else:
        kf = res["keypair"]["outputs"]["key_file"]
        ck.eq(kf, os.path.join(state, name + "-key.pem"), name + ": key file in the journal")
        ck.eq(stat.S_IMODE(os.stat(kf).st_mode), 0o600, name + ": key file mode")
        ck.check("PRIVATE KEY" in open(kf).read(), name + ": key file holds the key")
    return res


def count_resources(moto, name):
    ec2 = moto.client("ec2")
    return (len(by_tag(ec2.describe_vpcs()["Vpcs"], name)),
            len(by_tag(ec2.describe_subnets()["Subnets"], name)),
            len(by_tag(ec2.describe_security_groups()["SecurityGroups"], name)),
            len([n for n in ec2.describe_nat_gateways()["NatGateways"] if tags_of(n.get("Tags")).get(TAG) == name]),
            len([i for r in ec2.describe_instances(Filters=[{"Name": "tag:" + TAG, "Values": [name]},
                                                            {"Name": "tag:Name", "Values": [name + "-bastion"]}])["Reservations"]
                 for i in r["Instances"]]),
            len(moto.client("ecs").describe_task_definition(taskDefinition=name + "-task")["taskDefinition"]["taskDefinitionArn"]),
            len(moto.client("ecs").list_services(cluster=name + "-cluster")["serviceArns"]))


def main():
    moto = E.Moto()
    tmp = tempfile.mkdtemp(prefix="deploy_e2e.")
    try:
        state = os.path.join(tmp, "state")
        lic = os.path.join(tmp, "license.json")
        E.write_json(lic, {"id": "test-license"})
        # The push itself is the ECR module's test (a registry is needed);
        # here it is left out, and one run below checks its failure path.
        std = {"name": "std", "admin_cidr": "203.0.113.7/32", "license_file": lic, "push_image": False}
        E.write_json(os.path.join(tmp, "std.json"), std)
        p = run_deploy(moto, os.path.join(tmp, "std.json"), state, "std")
        check_deployment(moto, "std", std, state, False, p.stderr)
        before = count_resources(moto, "std")
        p = run_deploy(moto, os.path.join(tmp, "std.json"), state, "std again")
        ck.check(re.search(r"^0 created, 0 found existing, \d+ done before", p.stderr, re.M) is not None,
                 "second deploy creates nothing: " + p.stderr[-300:])
        ck.eq(count_resources(moto, "std"), before, "second deploy: same resources")
        ck.check(E.SECRET not in p.stderr + p.stdout, "no secret on the terminal")

        key = os.path.join(tmp, "id_test")
        subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key], check=True)
        mkt = {"name": "mkt", "admin_cidr": "198.51.100.0/24", "marketplace": True,
               "load_balancer_scheme": "internet-facing", "ssh_key_file": key, "push_image": False}
        E.write_json(os.path.join(tmp, "mkt.json"), mkt)
        p = run_deploy(moto, os.path.join(tmp, "mkt.json"), state, "mkt")
        res = check_deployment(moto, "mkt", mkt, state, True, p.stderr)
        if res:
            # The roles existed (made by the first deployment): adopted.
            ck.eq(res.get("role-instance", {}).get("state"), "adopted", "mkt: instance role adopted")
            ck.eq(res.get("role-task-execution", {}).get("state"), "adopted", "mkt: execution role adopted")

        # plan sends nothing and needs no credentials.
        env = E.wizard_env()
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(k)
        p = subprocess.run([E.BIN, "plan", "--spec", os.path.join(tmp, "std.json"), "--output", "json"],
                           env=env, capture_output=True, text=True, timeout=30)
        ck.eq(p.returncode, 0, "plan without credentials: " + p.stderr)
        ops = [a["operation"] for s in json.loads(p.stdout or "{}").get("sections", []) for a in s["actions"]]
        ck.check("CreateVpc" in ops and "CreateService" in ops, "plan lists the calls")

        p = subprocess.run([E.BIN, "status", "--name", "std", "--state-dir", state, "--output", "json"],
                           env=env, capture_output=True, text=True, timeout=30)
        ck.eq(p.returncode, 0, "status: " + p.stderr)
        st = {r["key"]: r for r in json.loads(p.stdout or "{}").get("resources", [])}
        ck.eq((st.get("nat", {}).get("kind"), st.get("nat", {}).get("state")), ("ec2:natgateway", "created"),
              "status shows the NAT gateway")

        p = subprocess.run(E.deploy_cmd(moto, os.path.join(tmp, "std.json"), state), env=E.wizard_env(),
                           capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        ck.check(p.returncode == 0, "deploy --yes works with stdin closed")

        # With the push asked for and an image that does not exist, the
        # push fails, the deploy says so and exits 1, and the task
        # definition (which needs the image) is not registered again.
        with open(os.path.join(tmp, "bogus.tar"), "w") as f:
            f.write("not an image archive")
        bad = dict(std, push_image=True, image="docker-archive:%s/bogus.tar" % tmp)
        E.write_json(os.path.join(tmp, "bad.json"), bad)
        p = subprocess.run(E.deploy_cmd(moto, os.path.join(tmp, "bad.json"), state), env=E.wizard_env(),
                           capture_output=True, text=True, timeout=60)
        ck.eq(p.returncode, 1, "a failed image push fails the deploy")
        ck.check(re.search(r"image-push\s+FAILED", p.stderr) is not None, "the push failure is reported: " + p.stderr[-500:])
        ck.eq(len(moto.client("ecs").list_task_definitions(familyPrefix="std-task")["taskDefinitionArns"]), 1,
              "no new task definition after the failed push")
        cmd = [c for c in E.deploy_cmd(moto, os.path.join(tmp, "std.json"), state) if c != "--yes"]
        p = subprocess.run(cmd, env=E.wizard_env(), capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        ck.eq(p.returncode, 2, "deploy refuses without --yes and a terminal")
    finally:
        moto.stop()
        subprocess.run(["rm", "-rf", tmp])
    ck.finish()


main()
